//! The patient's to-do list: only what the patient must act on, most serious
//! first, a handful of items that fit on the list's first page.
//!
//! How the list is made (documents.md, and findings.md "Rendering rules"):
//!
//! - A finding reaches the list when it needs the patient to act
//!   (`patient_action`) and the reviewer has not dismissed it.
//! - Findings the reviewer takes up with a prescriber (`reviewer_follows_up`:
//!   a kidney, liver or older-adult rule that says "We will ask your doctor",
//!   a possible side effect) become **one** item naming those medicines: the
//!   patient's only step is to leave them as they are until we call. Why each
//!   one matters is in the prescriber's letter and the reviewer's appendix.
//! - Findings about the same medicines become one item (repeated sentences
//!   said once). When a finding names a product the patient chose themself
//!   (over the counter, a supplement, a herb) beside a prescription, the item
//!   is about that product: it is the one the patient can change.
//! - Items are ordered by severity. The reviewer's own `[[actions]]` for the
//!   patient come after the contraindicated and major items and are never
//!   left out; neither are contraindicated or major items.
//! - The rest fill the list up to [`FIRST_PAGE`] items ([`FIRST_PAGE_LARGE`]
//!   in large print). What does not fit stays in the reviewer's appendix,
//!   marked as left out for room, and the list says how many more there are,
//!   so nobody reads a short list as "nothing else was found".

use serde::Serialize;

use crate::checks::{Finding, Problem, Severity};
use crate::record::{Audience, Language, MedicineStatus, MedicineType, Record};
use crate::regimen::Regimen;
use crate::report::plain::explain;

/// One row of the patient's to-do list: what was talked about, and what
/// the patient does about it.
#[derive(Debug, Serialize)]
pub struct TodoItem {
    pub talked_about: String,
    pub to_do: String,
    /// The problems it speaks of (none for the reviewer's own items).
    #[serde(skip)]
    pub problems: Vec<String>,
}

/// The most findings one item speaks of.
const MAX_PER_ITEM: usize = 2;

/// Items that fit on the to-do list's first page in normal print.
pub const FIRST_PAGE: usize = 5;
/// Items that fit on the to-do list's first page in large print.
pub const FIRST_PAGE_LARGE: usize = 3;

/// Where a finding ended up in the patient's packet, for the appendix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// An item of its own (possibly shared with findings on the same medicines).
    Item,
    /// Part of the item "we will ask your doctor about ...".
    AskDoctor,
    /// About a medicine the reviewer's own to-do item already covers.
    Covered,
    /// Needs the patient, but did not fit: discussed from the appendix.
    LeftOut,
    /// Needs no action from the patient.
    NotForPatient,
    /// Dismissed by the reviewer.
    Dismissed,
}

impl Placement {
    /// How the appendix describes it.
    pub fn describe(self) -> &'static str {
        match self {
            Placement::Item => "in the patient's to-do list",
            Placement::AskDoctor => {
                "in the patient's to-do list as a medicine we will ask the prescriber about"
            }
            Placement::Covered => "covered by the reviewer's own item in the patient's to-do list",
            Placement::LeftOut => {
                "left out of the patient's to-do list for room (less serious than the items shown): go over it with the patient"
            }
            Placement::NotForPatient => "not in the patient's packet (no action for the patient)",
            Placement::Dismissed => "not in the patient's packet (dismissed)",
        }
    }
}

/// The patient's to-do list and what became of every finding.
#[derive(Debug)]
pub struct TodoPlan {
    pub items: Vec<TodoItem>,
    /// "We found 3 more things ..." when items were left out for room.
    pub more: Option<String>,
    /// One per finding, in the order of the findings.
    pub placements: Vec<Placement>,
}

/// One row being built: its findings and the medicines it is about.
struct Row {
    about: Vec<String>,
    /// The problems its findings belong to: one concern about the same
    /// medicines is one item.
    problems: Vec<String>,
    severity: Option<Severity>,
    texts: Vec<(Severity, String)>,
    findings: Vec<usize>,
    /// Never left out: contraindicated, major, or the reviewer's own.
    kept: bool,
}

/// Plans the to-do list of one patient.
pub fn plan(regimen: &Regimen, findings: &[Finding], problems: &[Problem]) -> TodoPlan {
    let record = &regimen.record;
    let language = record.patient.language;
    let mut placements: Vec<Placement> = findings
        .iter()
        .map(|f| {
            if f.is_dismissed() {
                Placement::Dismissed
            } else if !f.patient_action {
                Placement::NotForPatient
            } else if covered(record, &acted_on(record, &f.medicines)) {
                Placement::Covered
            } else if f.reviewer_follows_up && !f.medicines.iter().any(|m| own_choice(record, m)) {
                Placement::AskDoctor
            } else {
                Placement::Item
            }
        })
        .collect();

    // One concern, one item: a problem with an item of its own takes its
    // findings that would go to "we will ask your doctor" into that item.
    let problem_of = |f: &Finding| problems.iter().position(|p| p.findings.contains(&f.id));
    let with_item: Vec<usize> = findings
        .iter()
        .zip(&placements)
        .filter(|(_, p)| **p == Placement::Item)
        .filter_map(|(f, _)| problem_of(f))
        .collect();
    for (f, placement) in findings.iter().zip(placements.iter_mut()) {
        if *placement == Placement::AskDoctor
            && problem_of(f).is_some_and(|p| with_item.contains(&p))
        {
            *placement = Placement::Item;
        }
    }
    let mut rows: Vec<Row> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        if placements[i] != Placement::Item {
            continue;
        }
        let about = acted_on(record, &f.medicines);
        let problem = problems
            .iter()
            .find(|p| p.findings.contains(&f.id))
            .map(|p| p.id.clone());
        // The item of its problem, else the item about the same medicines.
        let at = rows
            .iter()
            .position(|r| problem.as_ref().is_some_and(|p| r.problems.contains(p)))
            .or_else(|| rows.iter().position(|r| r.about == about));
        // A problem speaks once: its first (most severe) finding's words.
        let said = at.is_some_and(|k| {
            problem
                .as_ref()
                .is_some_and(|p| rows[k].problems.contains(p))
        });
        let row = match at.map(|k| &mut rows[k]) {
            Some(row) => {
                for m in about {
                    if !row.about.contains(&m) {
                        row.about.push(m);
                    }
                }
                row.problems.extend(problem);
                row
            }
            None => {
                rows.push(Row {
                    about,
                    problems: problem.into_iter().collect(),
                    severity: None,
                    texts: vec![],
                    findings: vec![],
                    kept: false,
                });
                rows.last_mut().expect("just pushed")
            }
        };
        row.severity = row.severity.max(Some(f.severity));
        if !said {
            row.texts.push((f.severity, f.patient_text.clone()));
        }
        row.findings.push(i);
    }
    // An item says at most two things, the most serious; the rest wait
    // for the next visit like any item left out for room.
    let mut trimmed = 0;
    for row in &mut rows {
        let mut order: Vec<usize> = (0..row.texts.len()).collect();
        order.sort_by_key(|&k| std::cmp::Reverse(row.texts[k].0));
        for &k in order.iter().skip(MAX_PER_ITEM) {
            placements[row.findings[k]] = Placement::LeftOut;
            trimmed += 1;
        }
        order.truncate(MAX_PER_ITEM);
        order.sort_unstable();
        row.texts = order.iter().map(|&k| row.texts[k].clone()).collect();
    }
    // A medicine the record lists as stopped may still be at home: one item
    // a medicine, to get rid of it safely (CMS format; FDA disposal advice).
    for m in record
        .medications
        .iter()
        .filter(|m| m.status == MedicineStatus::Stopped)
    {
        rows.push(Row {
            about: vec![m.name.clone()],
            problems: vec![],
            severity: None,
            texts: vec![(
                Severity::Minor,
                crate::report::strings::disposal_todo(&m.name, language),
            )],
            findings: vec![],
            kept: false,
        });
    }
    let asked: Vec<usize> = (0..findings.len())
        .filter(|&i| placements[i] == Placement::AskDoctor)
        .collect();
    if !asked.is_empty() {
        rows.push(ask_doctor_row(record, findings, &asked));
    }
    for row in &mut rows {
        row.kept = row.severity >= Some(Severity::Major);
    }
    // Most serious first; ties keep the order the checks gave.
    rows.sort_by_key(|r| std::cmp::Reverse(r.severity));
    let serious = rows.iter().filter(|r| r.kept).count();
    let own = record
        .actions
        .iter()
        .filter(|a| a.audience == Audience::Patient)
        .map(|a| Row {
            about: a.talked_about.iter().map(|t| explain(t)).collect(),
            problems: vec![],
            severity: None,
            texts: a
                .to_do
                .iter()
                .map(|t| (Severity::Minor, explain(t)))
                .collect(),
            findings: vec![],
            kept: true,
        });
    rows.splice(serious..serious, own);

    let room = if record.patient.large_print {
        FIRST_PAGE_LARGE
    } else {
        FIRST_PAGE
    };
    let mut shown = Vec::new();
    let mut left_out = trimmed;
    for row in rows {
        if row.kept || shown.len() < room {
            shown.push(row);
        } else {
            left_out += 1;
            for &i in &row.findings {
                placements[i] = Placement::LeftOut;
            }
        }
    }
    let and = match language {
        Language::En => "and",
        Language::Es => "y",
    };
    let items = shown
        .into_iter()
        .map(|row| TodoItem {
            talked_about: crate::checks::join_names(&row.about, and),
            to_do: merge_sentences(row.texts.iter().map(|(_, t)| t.as_str())),
            problems: row.problems,
        })
        .collect();
    TodoPlan {
        items,
        more: (left_out > 0).then(|| more_sentence(left_out, language)),
        placements,
    }
}

/// The medicines an item is about: the ones the patient chose themself when
/// a finding pairs them with a prescription, otherwise all of them.
fn acted_on(record: &Record, medicines: &[String]) -> Vec<String> {
    let chosen: Vec<String> = medicines
        .iter()
        .filter(|n| own_choice(record, n))
        .cloned()
        .collect();
    if chosen.is_empty() || chosen.len() == medicines.len() {
        medicines.to_vec()
    } else {
        chosen
    }
}

/// Whether the patient chose this product themself: over the counter, a
/// supplement or a herb.
fn own_choice(record: &Record, name: &str) -> bool {
    record
        .medications
        .iter()
        .find(|m| m.name == name)
        .is_some_and(|m| m.kind != MedicineType::Prescription)
}

/// Whether the reviewer's own to-do item for the patient is about this
/// medicine ("Stop Tylenol PM."): the medicine list and the schedule point
/// to it, so they never read as "keep taking it" beside it.
pub(super) fn named_in_own_item(record: &Record, medicine: &str) -> bool {
    covered(record, &[medicine.to_owned()])
}

/// Whether one of the reviewer's own items for the patient is about all of
/// these medicines: its "talked about", or the first sentence of its "to
/// do" ("Stop Tylenol PM."), names each of them (by the first word of its
/// name: "Advil", "Ginkgo"). The reviewer has talked it through, so the
/// generated wording would only repeat, or contradict, it.
fn covered(record: &Record, medicines: &[String]) -> bool {
    record
        .actions
        .iter()
        .filter(|a| a.audience == Audience::Patient)
        .map(|a| {
            let first = a
                .to_do
                .as_deref()
                .and_then(|t| sentences(t).first().copied())
                .unwrap_or_default();
            format!("{} {first}", a.talked_about.as_deref().unwrap_or_default())
        })
        .any(|about| {
            let said = words(&about);
            !medicines.is_empty()
                && medicines
                    .iter()
                    .all(|m| words(m).first().is_some_and(|first| said.contains(first)))
        })
}

/// The lowercase words of a text.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The one item for everything the reviewer takes up with a prescriber.
fn ask_doctor_row(record: &Record, findings: &[Finding], asked: &[usize]) -> Row {
    let language = record.patient.language;
    let mut names: Vec<String> = Vec::new();
    let mut symptoms = false;
    for &i in asked {
        let f = &findings[i];
        if f.check == "side-effect" {
            symptoms = true;
            continue;
        }
        for name in &f.medicines {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names.sort_by_key(|name| record.medications.iter().position(|m| &m.name == name));
    let (about, text) = match (language, names.is_empty()) {
        (Language::En, false) => (
            names.clone(),
            format!(
                "We will ask your doctor about {}. Do not stop or change {} on your own. We \
                 will call you when we hear back.{}",
                if names.len() == 1 {
                    "this medicine"
                } else {
                    "these medicines"
                },
                if names.len() == 1 { "it" } else { "them" },
                if symptoms {
                    " We will also ask about the side effects you told us about."
                } else {
                    ""
                }
            ),
        ),
        (Language::En, true) => (
            vec!["The side effects you told us about".to_owned()],
            "We will ask your doctor if one of your medicines causes them. Do not stop any \
             medicine on your own. We will call you when we hear back."
                .to_owned(),
        ),
        (Language::Es, false) => (
            names.clone(),
            format!(
                "Le preguntaremos a su médico sobre {}. No {} deje ni {} cambie por su cuenta. \
                 Le llamaremos cuando tengamos respuesta.{}",
                if names.len() == 1 {
                    "esta medicina"
                } else {
                    "estas medicinas"
                },
                if names.len() == 1 { "la" } else { "las" },
                if names.len() == 1 { "la" } else { "las" },
                if symptoms {
                    " También le preguntaremos sobre los efectos secundarios que nos contó."
                } else {
                    ""
                }
            ),
        ),
        (Language::Es, true) => (
            vec!["Los efectos secundarios que nos contó".to_owned()],
            "Le preguntaremos a su médico si una de sus medicinas los causa. No deje ninguna \
             medicina por su cuenta. Le llamaremos cuando tengamos respuesta."
                .to_owned(),
        ),
    };
    Row {
        problems: vec![],
        about,
        severity: asked.iter().map(|&i| findings[i].severity).max(),
        texts: vec![(Severity::Minor, text)],
        findings: asked.to_vec(),
        kept: false,
    }
}

/// Joins the texts of one item, saying a repeated sentence ("Do not stop it
/// on your own.") once.
fn merge_sentences<'a>(texts: impl Iterator<Item = &'a str>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for text in texts {
        for sentence in sentences(text) {
            if !seen.contains(&sentence) {
                seen.push(sentence);
            }
        }
    }
    seen.join(" ")
}

/// Splits plain text after `.`, `!` or `?` followed by a space (so "0.25 mg"
/// stays whole).
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(b, b'.' | b'!' | b'?') && bytes.get(i + 1) == Some(&b' ') {
            out.push(text[start..=i].trim());
            start = i + 1;
        }
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

fn more_sentence(n: usize, language: Language) -> String {
    match (language, n) {
        (Language::En, 1) => {
            "We found 1 more thing to go over with you. Ask us about it at your next visit."
                .to_owned()
        }
        (Language::En, n) => format!(
            "We found {n} more things to go over with you. Ask us about them at your next visit."
        ),
        (Language::Es, 1) => {
            "Encontramos 1 cosa más para hablar con usted. Pregúntenos en su próxima visita."
                .to_owned()
        }
        (Language::Es, n) => format!(
            "Encontramos {n} cosas más para hablar con usted. Pregúntenos en su próxima visita."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::regimen;

    /// The problems of `findings`, as the packet groups them.
    fn problems_of(findings: &[Finding]) -> Vec<Problem> {
        crate::checks::problems::group(findings, crate::knowledge::Knowledge::embedded())
    }

    const MEDICINES: &str = "[[medications]]\nname = \"Eliquis 5 mg\"\n\
        [[medications]]\nname = \"metformin 500 mg\"\n\
        [[medications]]\nname = \"digoxin 0.125 mg\"\n\
        [[medications]]\nname = \"Advil\"\ntype = \"otc\"\n";

    fn finding(
        check: &'static str,
        severity: Severity,
        medicines: &[&str],
        text: &str,
        follows_up: bool,
    ) -> Finding {
        Finding {
            id: format!("{check}/{}", medicines.join("+")),
            check,
            severity,
            medicines: medicines.iter().map(|m| (*m).to_owned()).collect(),
            ingredients: vec![],
            prescribers: vec![],
            title: "t".into(),
            patient_text: text.into(),
            prescriber_text: "Why. Recommended: what.".into(),
            patient_action: true,
            reviewer_follows_up: follows_up,
            evidence: vec![],
            context: vec![],
            decision: None,
            concern: crate::checks::default_concern(check).to_owned(),
            why: String::new(),
            recommendation: String::new(),
        }
    }

    fn about(plan: &TodoPlan) -> Vec<&str> {
        plan.items.iter().map(|i| i.talked_about.as_str()).collect()
    }

    #[test]
    fn one_problem_speaks_once() {
        let r = regimen(MEDICINES);
        let same = |s, t: &str| finding("interaction", s, &["digoxin 0.125 mg"], t, false);
        let f = vec![
            same(Severity::Major, "One."),
            same(Severity::Moderate, "Two."),
        ];
        let problems = problems_of(&f);
        assert_eq!(problems.len(), 1);
        let plan = plan(&r, &f, &problems);
        assert_eq!(plan.items.len(), 1);
        assert_eq!(plan.items[0].to_do, "One.");
        assert_eq!(plan.placements, [Placement::Item, Placement::Item]);
    }

    #[test]
    fn a_stopped_medicine_gets_an_item_to_dispose_of_it_safely() {
        let r = regimen(
            "[[medications]]\nname = \"oxycodone 5 mg\"\nstatus = \"stopped\"\n\
             [[medications]]\nname = \"Lasix 40 mg\"\n",
        );
        let plan = plan(&r, &[], &[]);
        assert_eq!(about(&plan), ["oxycodone 5 mg"]);
        assert!(
            plan.items[0].to_do.contains("get rid of it safely"),
            "{:?}",
            plan.items
        );
        // Nothing stopped: no such item.
        let r = regimen("[[medications]]\nname = \"Lasix 40 mg\"\n");
        assert!(plan_of(&r).items.is_empty());
    }

    fn plan_of(r: &Regimen) -> TodoPlan {
        plan(r, &[], &[])
    }

    #[test]
    fn most_serious_first_and_the_same_medicines_share_an_item() {
        let r = regimen(MEDICINES);
        let f = vec![
            finding(
                "herb-food",
                Severity::Moderate,
                &["Eliquis 5 mg"],
                "Eat the same. Call us.",
                false,
            ),
            finding(
                "interaction",
                Severity::Major,
                &["Eliquis 5 mg", "Advil"],
                "Do not take Advil. Call us.",
                false,
            ),
            finding(
                "renal",
                Severity::Moderate,
                &["Eliquis 5 mg"],
                "Drink water. Call us.",
                false,
            ),
        ];
        let plan = plan(&r, &f, &problems_of(&f));
        // The pair names a store-bought product: the item is about it.
        assert_eq!(about(&plan), ["Advil", "Eliquis 5 mg"]);
        assert_eq!(plan.items[1].to_do, "Eat the same. Call us. Drink water.");
        assert_eq!(plan.placements, [Placement::Item; 3]);
        assert_eq!(plan.more, None);
    }

    #[test]
    fn prescriber_follow_ups_become_one_item_in_list_order() {
        let r = regimen(MEDICINES);
        let f = vec![
            finding(
                "older-adult",
                Severity::Major,
                &["digoxin 0.125 mg"],
                "x",
                true,
            ),
            finding(
                "renal",
                Severity::Contraindicated,
                &["metformin 500 mg"],
                "y",
                true,
            ),
            finding(
                "side-effect",
                Severity::Moderate,
                &["Eliquis 5 mg"],
                "z",
                true,
            ),
        ];
        let plan = plan(&r, &f, &problems_of(&f));
        assert_eq!(plan.items.len(), 1);
        assert_eq!(
            plan.items[0].talked_about,
            "metformin 500 mg and digoxin 0.125 mg"
        );
        assert!(
            plan.items[0]
                .to_do
                .starts_with("We will ask your doctor about these medicines.")
        );
        assert!(
            plan.items[0]
                .to_do
                .ends_with("the side effects you told us about.")
        );
        assert_eq!(plan.placements, [Placement::AskDoctor; 3]);
    }

    #[test]
    fn a_follow_up_about_a_store_bought_product_keeps_its_own_words() {
        let r = regimen(MEDICINES);
        let f = vec![finding(
            "older-adult",
            Severity::Moderate,
            &["Advil"],
            "Ask us first.",
            true,
        )];
        let plan = plan(&r, &f, &problems_of(&f));
        assert_eq!(about(&plan), ["Advil"]);
        assert_eq!(plan.items[0].to_do, "Ask us first.");
    }

    #[test]
    fn the_reviewers_own_item_covers_its_medicine_and_comes_after_serious_ones() {
        let r = regimen(&format!(
            "{MEDICINES}[[actions]]\ntalked_about = \"Pain\"\nto_do = \"Stop Advil. Use heat.\"\n"
        ));
        let f = vec![
            finding(
                "interaction",
                Severity::Major,
                &["Eliquis 5 mg", "Advil"],
                "a",
                false,
            ),
            finding(
                "renal",
                Severity::Contraindicated,
                &["metformin 500 mg"],
                "Call today.",
                false,
            ),
            finding(
                "herb-food",
                Severity::Moderate,
                &["Eliquis 5 mg"],
                "b",
                false,
            ),
        ];
        let plan = plan(&r, &f, &problems_of(&f));
        assert_eq!(about(&plan), ["metformin 500 mg", "Pain", "Eliquis 5 mg"]);
        assert_eq!(plan.placements[0], Placement::Covered);
    }

    #[test]
    fn what_does_not_fit_is_counted_but_serious_items_always_stay() {
        let mut text = String::new();
        for i in 0..8 {
            text += &format!("[[medications]]\nname = \"m{i}\"\n");
        }
        let r = regimen(&text);
        let names: Vec<String> = (0..8).map(|i| format!("m{i}")).collect();
        let mut f: Vec<Finding> = names[..6]
            .iter()
            .map(|n| finding("interaction", Severity::Major, &[n.as_str()], "x", false))
            .collect();
        f.push(finding(
            "interaction",
            Severity::Moderate,
            &["m6"],
            "y",
            false,
        ));
        f.push(finding("interaction", Severity::Minor, &["m7"], "z", false));
        let plan = plan(&r, &f, &problems_of(&f));
        assert_eq!(plan.items.len(), 6, "the six major items all stay");
        assert_eq!(plan.placements[6], Placement::LeftOut);
        assert_eq!(plan.placements[7], Placement::LeftOut);
        assert_eq!(
            plan.more.as_deref(),
            Some(
                "We found 2 more things to go over with you. Ask us about them at your next visit."
            )
        );
    }

    #[test]
    fn large_print_fits_fewer_items() {
        let mut text = String::new();
        for i in 0..5 {
            text += &format!("[[medications]]\nname = \"m{i}\"\n");
        }
        let normal = regimen(&text);
        let mut large = regimen(&text);
        large.record.patient.large_print = true;
        let f: Vec<Finding> = (0..5)
            .map(|i| {
                finding(
                    "interaction",
                    Severity::Moderate,
                    &[&format!("m{i}")],
                    "x",
                    false,
                )
            })
            .collect();
        assert_eq!(plan(&normal, &f, &problems_of(&f)).items.len(), FIRST_PAGE);
        assert_eq!(
            plan(&large, &f, &problems_of(&f)).items.len(),
            FIRST_PAGE_LARGE
        );
    }

    #[test]
    fn no_action_dismissed_and_trimmed_findings_stay_out() {
        let r = regimen(MEDICINES);
        let mut quiet = finding(
            "complexity",
            Severity::Moderate,
            &["Eliquis 5 mg"],
            "q",
            false,
        );
        quiet.patient_action = false;
        let mut dismissed = finding("renal", Severity::Major, &["metformin 500 mg"], "d", false);
        dismissed.decision = Some(crate::checks::FindingDecision {
            action: crate::record::DecisionAction::Dismiss,
            reason: Some("known".into()),
        });
        // Three concerns about one medicine: one item, of at most two.
        let same = |c, s, t: &str| finding(c, s, &["digoxin 0.125 mg"], t, false);
        let f = vec![
            quiet,
            dismissed,
            same("interaction", Severity::Major, "One."),
            same("herb-food", Severity::Moderate, "Two."),
            same("hepatic", Severity::Minor, "Three."),
        ];
        let plan = plan(&r, &f, &problems_of(&f));
        assert_eq!(about(&plan), ["digoxin 0.125 mg"]);
        // An item says at most two things, the most serious.
        assert_eq!(plan.items[0].to_do, "One. Two.");
        assert_eq!(
            plan.placements,
            [
                Placement::NotForPatient,
                Placement::Dismissed,
                Placement::Item,
                Placement::Item,
                Placement::LeftOut
            ]
        );
        assert!(plan.more.is_some());
    }

    #[test]
    fn sentences_split_after_stops_not_in_numbers() {
        assert_eq!(
            sentences("Take 0.25 mg. Call us! Why? Then stop"),
            ["Take 0.25 mg.", "Call us!", "Why?", "Then stop"]
        );
    }
}

#[cfg(test)]
mod own_items {
    use crate::checks::fixtures::regimen;
    use crate::knowledge::Knowledge;

    /// A medicine the reviewer's own to-do item is about ("Stop Tylenol
    /// PM.") is pointed to from the medicine list and the schedule, so they
    /// never read as "keep taking it" beside it; other medicines are not.
    #[test]
    fn the_medicine_list_and_schedule_point_to_the_reviewers_item() {
        let r = regimen(
            "[[medications]]\nname = \"Tylenol PM\"\nsig = \"2 caplets qhs prn sleep\"\n\
             [[medications]]\nname = \"Lasix 40 mg\"\nsig = \"1 tab qam\"\n\
             [[actions]]\ntalked_about = \"Sleep\"\nto_do = \"Stop Tylenol PM. Use a night light.\"\n\
             for = \"patient\"\n",
        );
        let kb = Knowledge::embedded();
        let checked = crate::checks::run(&r, kb);
        let packet = crate::report::plan(&r, &checked, kb);
        let see = "See your to-do list about this medicine.";
        let line = |name: &str| {
            packet
                .summary
                .medicines
                .iter()
                .find(|m| m.name == name)
                .expect("listed")
                .notes
                .clone()
                .unwrap_or_default()
        };
        assert!(line("Tylenol PM").contains(see));
        assert!(!line("Lasix 40 mg").contains(see));
        let json = serde_json::to_string(&packet.summary.schedule).unwrap();
        assert_eq!(json.matches(see).count(), 1, "{json}");
    }
}
