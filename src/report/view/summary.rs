//! The patient's take-home summary: cover letter, to-do list, medicine
//! list, what to watch for.

use serde::Serialize;

use super::changes::{Changes, changes};
use super::schedule::{ScheduleView, schedule};
use super::todo::{TodoItem, TodoPlan};
use super::{Header, Labelled, contact, header, prescriber_name};
use crate::knowledge::Knowledge;
use crate::record::{Language, Medication};
use crate::regimen::{MedicineUse, Regimen};
use crate::report::plain::explain;
use crate::report::strings::strings;
use crate::report::wording::{directions, long_date};

/// The patient's take-home summary.
#[derive(Debug, Serialize)]
pub struct SummaryView {
    pub header: Header,
    pub cover: Cover,
    pub todo: Vec<TodoItem>,
    /// How many more items the reviewer will go over (left out for room).
    pub todo_more: Option<String>,
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
pub struct WatchItem {
    pub name: String,
    pub call: Vec<String>,
    pub help: Vec<String>,
}

pub(super) fn summary(regimen: &Regimen, todo: TodoPlan, kb: &Knowledge) -> SummaryView {
    let record = &regimen.record;
    let language = record.patient.language;
    let t = strings(language);
    let header = header(
        regimen,
        language,
        t.summary_title,
        record.patient.large_print,
    );
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
    let allergies = record
        .allergies
        .iter()
        .map(|a| match &a.reaction {
            Some(r) => format!("{}: {}", a.substance, explain(r)),
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
            notes: {
                let own = super::todo::named_in_own_item(record, &m.medication.name)
                    .then(|| strings(language).see_todo.to_owned());
                match (own, m.medication.notes.as_deref().map(explain)) {
                    (Some(a), Some(b)) => Some(format!("{a} {b}")),
                    (a, b) => a.or(b),
                }
            },
        })
        .collect();
    let stopped = regimen
        .medicines
        .iter()
        .filter(|m| !m.is_active())
        .map(|m| StoppedLine {
            name: m.medication.name.clone(),
            stopped: m.medication.stopped.map(|d| long_date(d, language)),
            reason: m.medication.stop_reason.as_deref().map(explain),
        })
        .collect();
    SummaryView {
        header,
        cover,
        todo: todo.items,
        todo_more: todo.more,
        follow_up: record.review.follow_up.as_deref().map(explain),
        questions: record.review.questions.iter().map(|q| explain(q)).collect(),
        allergies,
        medicines,
        stopped,
        schedule: schedule(regimen, t, language),
        watch: watch(regimen, kb, language),
        changes: changes(regimen, kb),
    }
}

/// The strength, unless the name already says it ("Eliquis 5mg", "5 mg").
pub(super) fn extra_strength(m: &Medication) -> Option<String> {
    let strength = m.strength.as_deref()?;
    let squash = |s: &str| s.to_lowercase().replace(' ', "");
    (!squash(&m.name).contains(&squash(strength))).then(|| strength.to_owned())
}

/// Why the patient uses a medicine: the record's indication, else the
/// knowledge base's plain purpose of each ingredient.
pub(super) fn why(m: &MedicineUse, kb: &Knowledge, language: Language) -> String {
    if let Some(indication) = m
        .medication
        .indication
        .as_deref()
        .filter(|i| !i.trim().is_empty())
    {
        return explain(indication);
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

pub(super) fn watch(regimen: &Regimen, kb: &Knowledge, language: Language) -> Vec<WatchItem> {
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
