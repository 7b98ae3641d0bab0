//! The plan stage: the finished view models the templates receive as JSON.
//!
//! Everything a document says is decided here (which findings the patient
//! sees, the explicit directions, which prescribers get a letter); the
//! templates only lay it out. Free text from the record travels as JSON
//! strings, so it is always printed as text, never read as markup.

use serde::Serialize;

use super::strings::{APPENDIX, AppendixStrings, LETTER, LetterStrings, Strings, strings};
use super::wording::{directions, long_date};
use crate::checks::{Finding, NOT_YET, REGISTRY};
use crate::knowledge::Knowledge;
use crate::record::{Audience, Language, Medication, MedicineStatus};
use crate::regimen::{MedicineUse, Regimen};

/// What every document shows in its header and footer.
#[derive(Debug, Serialize)]
pub struct Header {
    pub lang: &'static str,
    pub large_print: bool,
    pub title: String,
    pub patient_name: String,
    pub patient_id: String,
    pub born: String,
    pub prepared: String,
    pub t: &'static Strings,
}

/// The patient's take-home summary.
#[derive(Debug, Serialize)]
pub struct SummaryView {
    pub header: Header,
    pub cover: Cover,
    pub todo: Vec<TodoItem>,
    pub follow_up: Option<String>,
    pub questions: Vec<String>,
    pub allergies: Vec<String>,
    pub medicines: Vec<MedicineLine>,
    pub stopped: Vec<StoppedLine>,
    pub schedule: ScheduleView,
    pub watch: Vec<WatchItem>,
    pub changes: Option<Changes>,
}

#[derive(Debug, Serialize)]
pub struct Cover {
    pub date: String,
    /// The name line of the address block, unless the address starts with it.
    pub addressee: Option<String>,
    pub address: Vec<String>,
    pub salutation: String,
    pub review_date: String,
    pub reviewer: String,
    pub organization: Option<String>,
    pub program: Option<String>,
    pub contact: Vec<Labelled>,
    pub caregiver: Option<String>,
    pub representative: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Labelled {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Serialize)]
pub struct TodoItem {
    pub talked_about: String,
    pub to_do: String,
}

#[derive(Debug, Serialize)]
pub struct MedicineLine {
    pub name: String,
    pub strength: Option<String>,
    pub how: String,
    pub why: String,
    pub prescriber: Option<String>,
    pub started: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct StoppedLine {
    pub name: String,
    pub stopped: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ScheduleView {
    pub columns: Vec<Labelled>,
    pub rows: Vec<ScheduleRow>,
    pub as_needed: Vec<Labelled>,
    pub weekly: Vec<Labelled>,
    /// Every N hours where that does not fit the four times of day.
    pub interval: Vec<Labelled>,
    pub unclear: Vec<Labelled>,
}

#[derive(Debug, Serialize)]
pub struct ScheduleRow {
    pub name: String,
    /// One per column: what to take then, or empty.
    pub cells: Vec<String>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct WatchItem {
    pub name: String,
    pub call: Vec<String>,
    pub help: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Changes {
    pub new: Vec<String>,
    pub stopped: Vec<String>,
    pub changed: Vec<String>,
    pub same: Vec<String>,
}

/// A letter to one prescriber.
#[derive(Debug, Serialize)]
pub struct LetterView {
    pub header: Header,
    pub l: &'static LetterStrings,
    /// The prescriber's id in the record, or the free-text name.
    pub key: String,
    pub prescriber: PrescriberView,
    pub date: String,
    pub medicines: Vec<Labelled>,
    pub recommendations: Vec<Recommendation>,
    pub actions: Vec<String>,
    pub reviewer: String,
    pub organization: Option<String>,
    pub contact: Vec<Labelled>,
    /// Where the prescriber faxes the answered letter back.
    pub return_fax: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PrescriberView {
    pub name: String,
    pub specialty: Option<String>,
    pub organization: Option<String>,
    pub address: Vec<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Recommendation {
    pub id: String,
    pub title: String,
    pub severity: &'static str,
    pub medicines: Vec<String>,
    pub assessment: String,
    pub evidence: Vec<String>,
    pub facts: Vec<String>,
}

/// The reviewer's appendix.
#[derive(Debug, Serialize)]
pub struct AppendixView {
    pub header: Header,
    pub a: &'static AppendixStrings,
    pub reviewer: String,
    pub review_date: String,
    pub kind: &'static str,
    pub sources: Vec<String>,
    pub knowledge_version: String,
    pub tool_version: &'static str,
    pub checks_run: Vec<&'static str>,
    pub checks_not_run: Vec<Labelled>,
    pub findings: Vec<AppendixFinding>,
    pub medicines: Vec<AppendixMedicine>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct AppendixFinding {
    pub id: String,
    pub severity: &'static str,
    pub title: String,
    pub medicines: Vec<String>,
    pub prescribers: Vec<String>,
    pub patient_text: String,
    pub prescriber_text: String,
    pub evidence: Vec<String>,
    pub context: Vec<String>,
    pub decision: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AppendixMedicine {
    pub name: String,
    pub status: &'static str,
    pub resolution: String,
    pub ingredients: Vec<String>,
    pub classes: Vec<String>,
    pub directions_as_written: Option<String>,
    pub directions_read: bool,
}

/// All documents of one patient.
#[derive(Debug)]
pub struct Packet {
    pub summary: SummaryView,
    pub letters: Vec<LetterView>,
    pub appendix: AppendixView,
}

/// Plans every document of one checked regimen.
pub fn plan(
    regimen: &Regimen,
    findings: &[Finding],
    warnings: &[String],
    kb: &Knowledge,
) -> Packet {
    Packet {
        summary: summary(regimen, findings, kb),
        letters: letters(regimen, findings),
        appendix: appendix(regimen, findings, warnings, kb),
    }
}

fn header(regimen: &Regimen, language: Language, title: &str) -> Header {
    let record = &regimen.record;
    Header {
        lang: language.as_str(),
        large_print: record.patient.large_print,
        title: title.to_owned(),
        patient_name: record.patient.name.clone(),
        patient_id: record.patient.id.clone(),
        born: long_date(record.patient.born, language),
        prepared: long_date(record.review.date, language),
        t: strings(language),
    }
}

fn contact(regimen: &Regimen, t: &Strings) -> Vec<Labelled> {
    let review = &regimen.record.review;
    [
        (t.phone, &review.phone),
        (t.hours, &review.hours),
        (t.tty, &review.tty),
    ]
    .into_iter()
    .filter_map(|(label, value)| {
        value.as_ref().map(|v| Labelled {
            label: label.into(),
            value: v.clone(),
        })
    })
    .collect()
}

fn prescriber_name(regimen: &Regimen, key: &str) -> String {
    regimen
        .record
        .prescriber(key)
        .map_or_else(|| key.to_owned(), |p| p.name.clone())
}

fn summary(regimen: &Regimen, findings: &[Finding], kb: &Knowledge) -> SummaryView {
    let record = &regimen.record;
    let language = record.patient.language;
    let t = strings(language);
    let header = header(regimen, language, t.summary_title);
    let cover = Cover {
        date: long_date(record.review.date, language),
        addressee: (record.patient.address.first() != Some(&record.patient.name))
            .then(|| record.patient.name.clone()),
        address: record.patient.address.clone(),
        salutation: format!("{} {},", t.dear, record.patient.name),
        review_date: long_date(record.review.date, language),
        reviewer: record.review.reviewer.clone(),
        organization: record.review.organization.clone(),
        program: record.review.program.clone(),
        contact: contact(regimen, t),
        caregiver: record.patient.caregiver.clone(),
        representative: record.patient.representative.clone(),
    };
    let mut todo: Vec<TodoItem> = findings
        .iter()
        .filter(|f| f.patient_action && !f.is_dismissed())
        .map(|f| TodoItem {
            talked_about: crate::checks::join_names(
                &f.medicines,
                if language == Language::Es { "y" } else { "and" },
            ),
            to_do: f.patient_text.clone(),
        })
        .collect();
    todo.extend(
        record
            .actions
            .iter()
            .filter(|a| a.audience == Audience::Patient)
            .map(|a| TodoItem {
                talked_about: a.talked_about.clone().unwrap_or_default(),
                to_do: a.to_do.clone().unwrap_or_default(),
            }),
    );
    let allergies = record
        .allergies
        .iter()
        .map(|a| match &a.reaction {
            Some(r) => format!("{}: {r}", a.substance),
            None => a.substance.clone(),
        })
        .collect();
    let medicines = regimen
        .active()
        .map(|m| MedicineLine {
            name: m.medication.name.clone(),
            strength: extra_strength(&m.medication),
            how: directions(
                &m.schedule,
                m.medication.sig.as_deref().or(m.medication.dose.as_deref()),
                language,
            ),
            why: why(m, kb, language),
            prescriber: m.prescriber().map(|p| prescriber_name(regimen, p)),
            started: m.medication.started.map(|d| long_date(d, language)),
            notes: m.medication.notes.clone(),
        })
        .collect();
    let stopped = regimen
        .medicines
        .iter()
        .filter(|m| !m.is_active())
        .map(|m| StoppedLine {
            name: m.medication.name.clone(),
            stopped: m.medication.stopped.map(|d| long_date(d, language)),
            reason: m.medication.stop_reason.clone(),
        })
        .collect();
    SummaryView {
        header,
        cover,
        todo,
        follow_up: record.review.follow_up.clone(),
        questions: record.review.questions.clone(),
        allergies,
        medicines,
        stopped,
        schedule: schedule(regimen, t, language),
        watch: watch(regimen, kb, language),
        changes: changes(regimen, kb),
    }
}

/// The strength, unless the name already says it ("Eliquis 5mg", "5 mg").
fn extra_strength(m: &Medication) -> Option<String> {
    let strength = m.strength.as_deref()?;
    let squash = |s: &str| s.to_lowercase().replace(' ', "");
    (!squash(&m.name).contains(&squash(strength))).then(|| strength.to_owned())
}

/// Why the patient uses a medicine: the record's indication, else the
/// knowledge base's plain purpose of each ingredient.
fn why(m: &MedicineUse, kb: &Knowledge, language: Language) -> String {
    if let Some(indication) = m
        .medication
        .indication
        .as_deref()
        .filter(|i| !i.trim().is_empty())
    {
        return indication.to_owned();
    }
    let mut purposes: Vec<&str> = Vec::new();
    for ing in m.ingredient_names().filter_map(|n| kb.ingredient(n)) {
        let purpose = match language {
            Language::En => ing.purpose.as_str(),
            Language::Es => ing.purpose_es.as_str(),
        };
        if !purposes.contains(&purpose) {
            purposes.push(purpose);
        }
    }
    if purposes.is_empty() || m.resolved.is_partial() {
        return match language {
            Language::En => "Ask us what this medicine is for.".into(),
            Language::Es => "Pregúntenos para qué es esta medicina.".into(),
        };
    }
    purposes.join(" ")
}

fn schedule(regimen: &Regimen, t: &Strings, language: Language) -> ScheduleView {
    use crate::record::DoseTime;
    let routine = regimen.record.routine;
    let columns = vec![
        Labelled {
            label: t.morning.into(),
            value: routine.breakfast.to_string(),
        },
        Labelled {
            label: t.noon.into(),
            value: routine.lunch.to_string(),
        },
        Labelled {
            label: t.evening.into(),
            value: routine.dinner.to_string(),
        },
        Labelled {
            label: t.bedtime.into(),
            value: routine.bed.to_string(),
        },
    ];
    let anchors = [
        routine.breakfast,
        routine.lunch,
        routine.dinner,
        routine.bed,
    ];
    let column_of = |time: DoseTime| match time {
        DoseTime::Morning => 0,
        DoseTime::Noon => 1,
        DoseTime::Evening => 2,
        DoseTime::Bedtime => 3,
        DoseTime::At(clock) => (0..4)
            .min_by_key(|&i| anchors[i].minutes().abs_diff(clock.minutes()))
            .unwrap_or(0),
    };
    let mut view = ScheduleView {
        columns,
        rows: vec![],
        as_needed: vec![],
        weekly: vec![],
        interval: vec![],
        unclear: vec![],
    };
    for m in regimen.active() {
        let s = &m.schedule;
        let how = directions(
            s,
            m.medication.sig.as_deref().or(m.medication.dose.as_deref()),
            language,
        );
        let name = m.medication.name.clone();
        if !s.understood() {
            view.unclear.push(Labelled {
                label: name,
                value: how,
            });
        } else if s.as_needed {
            view.as_needed.push(Labelled {
                label: name,
                value: how,
            });
        } else if s.weekly {
            view.weekly.push(Labelled {
                label: name,
                value: how,
            });
        } else if s.times.is_empty() && s.doses_per_day().is_none_or(|n| n > 4) {
            // "every 5 hours", "every 4 hours": does not fit four columns.
            view.interval.push(Labelled {
                label: name,
                value: how,
            });
        } else {
            let times = if s.times.is_empty() {
                // "every 8 hours" spread over the day's columns.
                match s.doses_per_day() {
                    Some(1) => vec![DoseTime::Morning],
                    Some(2) => vec![DoseTime::Morning, DoseTime::Evening],
                    Some(3) => vec![DoseTime::Morning, DoseTime::Noon, DoseTime::Bedtime],
                    _ => vec![
                        DoseTime::Morning,
                        DoseTime::Noon,
                        DoseTime::Evening,
                        DoseTime::Bedtime,
                    ],
                }
            } else {
                s.times.clone()
            };
            let dose = s
                .quantity
                .map(|q| super::wording::quantity(q, language))
                .unwrap_or_else(|| "✓".into());
            let mut cells = vec![String::new(); 4];
            for time in times {
                let cell = &mut cells[column_of(time)];
                *cell = match (cell.is_empty(), time) {
                    (true, DoseTime::At(c)) => format!("{dose} ({c})"),
                    (true, _) => dose.clone(),
                    (false, _) => format!("{cell} + {dose}"),
                };
            }
            let note = match s.food {
                Some(crate::record::Food::WithFood) => Some(if language == Language::Es {
                    "Con comida"
                } else {
                    "With a meal"
                }),
                Some(crate::record::Food::EmptyStomach) => Some(if language == Language::Es {
                    "Estómago vacío"
                } else {
                    "Empty stomach"
                }),
                _ => None,
            };
            view.rows.push(ScheduleRow {
                name,
                cells,
                note: note.map(str::to_owned),
            });
        }
    }
    view
}

fn watch(regimen: &Regimen, kb: &Knowledge, language: Language) -> Vec<WatchItem> {
    regimen
        .active()
        .filter_map(|m| {
            let mut item = WatchItem {
                name: m.medication.name.clone(),
                call: vec![],
                help: vec![],
            };
            for ing in m.ingredient_names().filter_map(|n| kb.ingredient(n)) {
                let (call, help) = match language {
                    Language::En => (&ing.call_if, &ing.get_help_if),
                    Language::Es => (&ing.call_if_es, &ing.get_help_if_es),
                };
                for c in call {
                    if !item.call.contains(c) {
                        item.call.push(c.clone());
                    }
                }
                for h in help {
                    if !item.help.contains(h) {
                        item.help.push(h.clone());
                    }
                }
            }
            (!item.call.is_empty() || !item.help.is_empty()).then_some(item)
        })
        .collect()
}

/// Before versus discharge lists of a care transition.
fn changes(regimen: &Regimen, kb: &Knowledge) -> Option<Changes> {
    let transition = regimen.record.transition.as_ref()?;
    if transition.before.is_empty() && transition.discharge.is_empty() {
        return None;
    }
    let key = |m: &Medication| {
        let r = kb.resolve(&m.name, m.strength.as_deref());
        if r.is_unknown() {
            crate::knowledge::resolve::normalise(&m.name)
        } else {
            r.ingredients
                .iter()
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>()
                .join("+")
        }
    };
    let with_reason = |m: &Medication| match &m.change_reason {
        Some(reason) => format!("{}: {reason}", m.name),
        None => m.name.clone(),
    };
    let before: Vec<(String, &Medication)> =
        transition.before.iter().map(|m| (key(m), m)).collect();
    let mut changes = Changes {
        new: vec![],
        stopped: vec![],
        changed: vec![],
        same: vec![],
    };
    let squash = |s: &str| crate::knowledge::resolve::normalise(s);
    for m in &transition.discharge {
        let stopped = m.status == MedicineStatus::Stopped;
        match before
            .iter()
            .find(|(k, _)| *k == key(m))
            .map(|(_, old)| old)
        {
            _ if stopped => changes.stopped.push(with_reason(m)),
            None => changes.new.push(with_reason(m)),
            Some(old)
                if squash(&old.name) != squash(&m.name)
                    || old.strength != m.strength
                    || old.sig != m.sig
                    || old.dose != m.dose
                    || old.times != m.times =>
            {
                changes.changed.push(with_reason(m))
            }
            Some(_) => changes.same.push(m.name.clone()),
        }
    }
    let discharged: Vec<String> = transition.discharge.iter().map(key).collect();
    for (k, m) in &before {
        if !discharged.contains(k) {
            changes.stopped.push(m.name.clone());
        }
    }
    Some(changes)
}

fn letters(regimen: &Regimen, findings: &[Finding]) -> Vec<LetterView> {
    let record = &regimen.record;
    let mut keys: Vec<String> = findings
        .iter()
        .filter(|f| !f.is_dismissed())
        .flat_map(|f| f.prescribers.iter().cloned())
        .collect();
    keys.extend(record.actions.iter().filter_map(|a| match &a.audience {
        Audience::Prescriber(id) => Some(id.clone()),
        Audience::Patient => None,
    }));
    keys.sort();
    keys.dedup();
    let t = strings(Language::En);
    keys.into_iter()
        .map(|key| {
            let listed = record.prescriber(&key);
            let prescriber = PrescriberView {
                name: listed.map_or_else(|| key.clone(), |p| p.name.clone()),
                specialty: listed.and_then(|p| p.specialty.clone()),
                organization: listed.and_then(|p| p.organization.clone()),
                address: listed.map(|p| p.address.clone()).unwrap_or_default(),
                phone: listed.and_then(|p| p.phone.clone()),
                fax: listed.and_then(|p| p.fax.clone()),
            };
            let recommendations = findings
                .iter()
                .filter(|f| !f.is_dismissed() && f.prescribers.contains(&key))
                .map(|f| Recommendation {
                    id: f.id.clone(),
                    title: f.title.clone(),
                    severity: f.severity.as_str(),
                    medicines: f.medicines.clone(),
                    assessment: f.prescriber_text.clone(),
                    evidence: f.evidence.clone(),
                    facts: f.context.clone(),
                })
                .collect();
            let actions = record
                .actions
                .iter()
                .filter(|a| a.audience == Audience::Prescriber(key.clone()))
                .map(|a| match (&a.talked_about, &a.to_do) {
                    (Some(about), Some(todo)) => format!("{about}: {todo}"),
                    (Some(one), None) | (None, Some(one)) => one.clone(),
                    (None, None) => String::new(),
                })
                .collect();
            let medicines = regimen
                .active()
                .map(|m| Labelled {
                    label: m.medication.name.clone(),
                    value: m
                        .medication
                        .sig
                        .clone()
                        .or_else(|| m.medication.dose.clone())
                        .unwrap_or_default(),
                })
                .collect();
            LetterView {
                header: header(regimen, Language::En, t.letter_title),
                l: &LETTER,
                key,
                prescriber,
                date: long_date(record.review.date, Language::En),
                medicines,
                recommendations,
                actions,
                reviewer: record.review.reviewer.clone(),
                organization: record.review.organization.clone(),
                contact: contact(regimen, t),
                return_fax: record.review.fax.clone(),
            }
        })
        .collect()
}

fn appendix(
    regimen: &Regimen,
    findings: &[Finding],
    warnings: &[String],
    kb: &Knowledge,
) -> AppendixView {
    let record = &regimen.record;
    let t = strings(Language::En);
    let findings = findings
        .iter()
        .map(|f| AppendixFinding {
            id: f.id.clone(),
            severity: f.severity.as_str(),
            title: f.title.clone(),
            medicines: f.medicines.clone(),
            prescribers: f
                .prescribers
                .iter()
                .map(|p| prescriber_name(regimen, p))
                .collect(),
            patient_text: f.patient_text.clone(),
            prescriber_text: f.prescriber_text.clone(),
            evidence: f.evidence.clone(),
            context: f.context.clone(),
            decision: f.decision.as_ref().map(|d| match &d.reason {
                Some(reason) => format!("{}: {reason}", d.action.as_str()),
                None => d.action.as_str().to_owned(),
            }),
        })
        .collect();
    let medicines = regimen
        .medicines
        .iter()
        .map(|m| {
            let r = &m.resolved;
            let resolution = match (&r.product, r.is_unknown(), r.is_partial()) {
                (_, true, _) => "not recognised".to_owned(),
                (_, _, true) => format!(
                    "partly recognised (unknown words: {})",
                    r.unrecognised.join(" ")
                ),
                (Some(p), _, _) => format!("product \"{p}\""),
                (None, _, _) => "ingredient name".to_owned(),
            };
            AppendixMedicine {
                name: m.medication.name.clone(),
                status: m.medication.status.as_str(),
                resolution,
                ingredients: r
                    .ingredients
                    .iter()
                    .map(|i| match i.amount {
                        Some(a) => format!("{} {} {}", i.name, a.amount, a.unit.as_str()),
                        None => i.name.clone(),
                    })
                    .collect(),
                classes: m.classes.clone(),
                directions_as_written: m
                    .medication
                    .sig
                    .clone()
                    .or_else(|| m.medication.dose.clone()),
                directions_read: m.schedule.understood(),
            }
        })
        .collect();
    AppendixView {
        header: header(regimen, Language::En, t.appendix_title),
        a: &APPENDIX,
        reviewer: record.review.reviewer.clone(),
        review_date: long_date(record.review.date, Language::En),
        kind: record.review.kind.as_str(),
        sources: record.review.sources.clone(),
        knowledge_version: kb.version().to_owned(),
        tool_version: env!("CARGO_PKG_VERSION"),
        checks_run: REGISTRY.iter().map(|c| c.doc().name).collect(),
        checks_not_run: NOT_YET
            .iter()
            .map(|(name, what)| Labelled {
                label: (*name).into(),
                value: (*what).into(),
            })
            .collect(),
        findings,
        medicines,
        warnings: warnings.to_vec(),
    }
}
