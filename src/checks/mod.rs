//! The safety checks: each reads a resolved [`Regimen`] and the knowledge
//! base and yields [`Finding`]s in the model of `findings.md`.
//!
//! One file per check, each implementing [`Check`] and listed once in
//! [`REGISTRY`]. Nothing about a finding is decided later: the documents only
//! lay out what is here. The reviewer's `[[decisions]]` are applied in
//! [`run`].

mod adherence;
mod allergy;
pub mod complexity;
mod daily;
mod dose;
mod duplicate_therapy;
mod hepatic;
mod herb_food;
mod interaction;
mod missing_data;
mod older_adult;
mod outdated;
mod pairs;
pub mod patient;
pub mod problems;
mod reconciliation;
mod renal;
mod same_ingredient;
mod side_effect;
mod unknown_medicine;

use std::collections::BTreeSet;

use serde::Serialize;

use crate::knowledge::Knowledge;
use crate::record::{DecisionAction, Language};
use crate::regimen::{MedicineUse, Regimen};
pub use problems::Problem;

pub use crate::knowledge::Severity;

/// The reviewer's decision, as attached to a finding.
#[derive(Debug, Clone, Serialize)]
pub struct FindingDecision {
    pub action: DecisionAction,
    pub reason: Option<String>,
}

/// One thing a check found. Field names are the JSON contract of
/// `findings.md`: add fields, never rename them.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// `<check>/<subjects sorted, joined by +>`.
    pub id: String,
    pub check: &'static str,
    pub severity: Severity,
    /// The medicines involved, as the record names them.
    pub medicines: Vec<String>,
    /// Canonical ingredient names involved.
    pub ingredients: Vec<String>,
    /// Prescriber ids (or free-text names) who should hear about it.
    pub prescribers: Vec<String>,
    pub title: String,
    /// Plain words for the patient, in the patient's language.
    pub patient_text: String,
    /// Consequence, mechanism and recommended action, for a clinician.
    pub prescriber_text: String,
    /// Whether the patient needs to do something about it.
    pub patient_action: bool,
    /// The reviewer takes it up with the prescriber: the patient's only step
    /// is to leave the medicine as it is until they hear back. The packet
    /// gathers such findings into one to-do item instead of one each.
    pub reviewer_follows_up: bool,
    pub evidence: Vec<String>,
    /// The patient facts that made it fire.
    pub context: Vec<String>,
    pub decision: Option<FindingDecision>,
    /// Why it matters, for a clinician: the consequence (and mechanism).
    pub why: String,
    /// What is recommended, for a clinician.
    pub recommendation: String,
    /// The clinical concern it is grouped under into a problem
    /// (`concerns.toml`): its rule's, else its check's
    /// ([`default_concern`]).
    pub concern: String,
}

impl Finding {
    /// The prescriber text split into why it matters (consequence and
    /// mechanism) and what is recommended. Every check writes its
    /// recommendation after `Recommended`, so letters can set the two apart;
    /// `None` if a text does not.
    pub fn why_and_recommendation(&self) -> Option<(&str, &str)> {
        let at = self.prescriber_text.rfind(" Recommended")?;
        let why = self.prescriber_text[..at].trim();
        let rest = &self.prescriber_text[at + " Recommended".len()..];
        let what = rest.split_once(':').map_or(rest, |(_, what)| what).trim();
        (!why.is_empty() && !what.is_empty()).then_some((why, what))
    }

    /// Dismissed by the reviewer: shown only in the appendix.
    pub fn is_dismissed(&self) -> bool {
        self.decision
            .as_ref()
            .is_some_and(|d| d.action == DecisionAction::Dismiss)
    }
}

/// The sections every check documents itself with (`medreview explain`).
pub struct CheckDoc {
    pub name: &'static str,
    pub summary: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    pub references: &'static [&'static str],
}

/// What a check reads.
pub struct CheckContext<'a> {
    pub regimen: &'a Regimen,
    pub kb: &'a Knowledge,
}

impl CheckContext<'_> {
    /// Picks the patient's language.
    pub fn say(&self, en: String, es: String) -> String {
        match self.regimen.record.patient.language {
            Language::En => en,
            Language::Es => es,
        }
    }
}

/// A safety check.
pub trait Check: Sync {
    fn doc(&self) -> &'static CheckDoc;
    fn run(&self, cx: &CheckContext) -> Vec<Finding>;
}

/// Every check this version runs, in the order they are documented.
pub static REGISTRY: &[&dyn Check] = &[
    &interaction::Interaction,
    &herb_food::HerbFood,
    &same_ingredient::SameIngredient,
    &dose::Dose,
    &duplicate_therapy::DuplicateTherapy,
    &allergy::Allergy,
    &renal::Renal,
    &hepatic::Hepatic,
    &older_adult::OlderAdult,
    &outdated::Outdated,
    &side_effect::SideEffect,
    &complexity::Complexity,
    &adherence::Adherence,
    &reconciliation::Reconciliation,
    &unknown_medicine::UnknownMedicine,
    &missing_data::MissingData,
];

/// Checks of `findings.md` this version does not run yet. Documents and
/// `explain` say so, so that a missing finding is never read as "safe".
pub static NOT_YET: &[(&str, &str)] = &[];

/// The concern a check's findings are grouped under when their rule names
/// none (`concerns.toml` holds every one).
pub fn default_concern(check: &str) -> &'static str {
    match check {
        "interaction" => "interaction",
        "herb-food" => "food-and-habits",
        "same-ingredient" => "too-much-one-ingredient",
        "dose" => "dose-too-high",
        "duplicate-therapy" => "duplicate",
        "allergy" => "allergy",
        "renal" => "kidney-dose",
        "hepatic" => "liver",
        "older-adult" => "older-adult",
        "outdated" => "no-longer-needed",
        "side-effect" => "side-effect",
        "complexity" => "complexity",
        "adherence" => "adherence",
        "reconciliation" => "transition",
        "unknown-medicine" => "unknown-medicine",
        _ => "missing-data",
    }
}

/// The documentation of a check by name.
pub fn doc(name: &str) -> Option<&'static CheckDoc> {
    REGISTRY.iter().map(|c| c.doc()).find(|d| d.name == name)
}

/// The result of checking one record.
#[derive(Debug, Clone)]
pub struct Checked {
    /// Most serious first, then by id.
    pub findings: Vec<Finding>,
    /// The findings grouped into medication-related problems, most serious
    /// first ([`problems`]).
    pub problems: Vec<Problem>,
    /// Decisions naming neither a finding nor a problem of this review
    /// (probably a typo).
    pub warnings: Vec<String>,
}

/// Runs every check on a regimen and applies the reviewer's decisions.
pub fn run(regimen: &Regimen, kb: &Knowledge) -> Checked {
    let cx = CheckContext { regimen, kb };
    let mut findings: Vec<Finding> = REGISTRY.iter().flat_map(|c| c.run(&cx)).collect();
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    let mut findings = merge_same_ids(findings);
    for f in &mut findings {
        if f.concern.is_empty() {
            f.concern = default_concern(f.check).to_owned();
        }
        // Checks that compose their text in code write it as "...
        // Recommended: ..."; rule-based checks set the parts themselves.
        if f.why.is_empty() && f.recommendation.is_empty() {
            let (why, what) = f
                .why_and_recommendation()
                .map(|(w, r)| (w.to_owned(), r.to_owned()))
                .unwrap_or_else(|| (f.prescriber_text.clone(), String::new()));
            f.why = why;
            f.recommendation = what;
        }
    }

    // A decision names a finding, or a problem: then it holds for each of
    // the problem's findings that has no decision of its own.
    let decided = |d: &crate::record::Decision| FindingDecision {
        action: d.action,
        reason: d.reason.clone(),
    };
    let mut for_problems = Vec::new();
    for decision in &regimen.record.decisions {
        match findings.iter_mut().find(|f| f.id == decision.finding) {
            Some(f) => f.decision = Some(decided(decision)),
            None => for_problems.push(decision),
        }
    }
    let mut warnings = Vec::new();
    let mut grouped = problems::group(&findings, kb);
    let mut decided_problem = false;
    for decision in for_problems {
        match grouped.iter().find(|p| p.id == decision.finding) {
            Some(p) => {
                for f in findings.iter_mut().filter(|f| p.findings.contains(&f.id)) {
                    f.decision.get_or_insert_with(|| decided(decision));
                }
                decided_problem = true;
            }
            None => warnings.push(format!(
                "a decision names \"{}\", which is neither a finding nor a problem of this \
                 review (a typo?)",
                decision.finding
            )),
        }
    }
    // The decisions change the problems' severities and decisions: group
    // again, only then.
    if decided_problem {
        grouped = problems::group(&findings, kb);
    }
    let problems = grouped;
    Checked {
        findings,
        problems,
        warnings,
    }
}

/// Two findings with one id (the same ingredients reached through two
/// medicines) become one that names every medicine: none is dropped.
fn merge_same_ids(findings: Vec<Finding>) -> Vec<Finding> {
    let mut merged: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings {
        match merged.iter_mut().find(|m| m.id == f.id) {
            None => merged.push(f),
            Some(m) => {
                for (into, from) in [
                    (&mut m.medicines, f.medicines),
                    (&mut m.prescribers, f.prescribers),
                    (&mut m.context, f.context),
                    (&mut m.evidence, f.evidence),
                ] {
                    for item in from {
                        if !into.contains(&item) {
                            into.push(item);
                        }
                    }
                }
            }
        }
    }
    merged
}

/// `<check>/<subjects sorted and joined by +>`.
pub fn finding_id(check: &str, subjects: impl IntoIterator<Item = impl Into<String>>) -> String {
    let subjects: BTreeSet<String> = subjects.into_iter().map(Into::into).collect();
    format!(
        "{check}/{}",
        subjects.into_iter().collect::<Vec<_>>().join("+")
    )
}

/// The prescribers of these medicines, sorted, without repeats.
pub fn prescribers_of<'a>(medicines: impl IntoIterator<Item = &'a MedicineUse>) -> Vec<String> {
    let set: BTreeSet<String> = medicines
        .into_iter()
        .filter_map(|m| m.prescriber().map(str::to_owned))
        .collect();
    set.into_iter().collect()
}

/// A rule's prescriber wording: consequence, mechanism, recommended action.
pub fn clinical_text(consequence: &str, mechanism: &str, action: &str) -> String {
    format!("{consequence} Mechanism: {mechanism} Recommended: {action}")
}

/// Joins names for a sentence: "A", "A and B", "A, B and C" (or "y").
pub fn join_names(names: &[String], and: &str) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Builds small regimens from TOML snippets for the checks' tests.
    use super::*;
    use std::path::Path;

    /// A record with a patient born in 1950, a review on 2026-11-20 and
    /// the given extra TOML.
    pub fn regimen(extra: &str) -> Regimen {
        regimen_born("1950-01-01", extra)
    }

    /// [`regimen`] with another birth date.
    pub fn regimen_born(born: &str, extra: &str) -> Regimen {
        let text = format!(
            "[patient]\nid = \"T-1\"\nname = \"Test Patient\"\nborn = {born}\n\n\
             [review]\ndate = 2026-11-20\nreviewer = \"Pat Doe, PharmD\"\n\n{extra}"
        );
        let record = crate::record::parse(Path::new("test.toml"), &text)
            .unwrap_or_else(|e| panic!("fixture does not load:\n{e}"));
        Regimen::new(record, Knowledge::embedded())
    }

    /// The findings of one check on a regimen.
    pub fn findings(check: &dyn Check, regimen: &Regimen) -> Vec<Finding> {
        check.run(&CheckContext {
            regimen,
            kb: Knowledge::embedded(),
        })
    }

    /// A small knowledge base: one ingredient per name (`a`, `b`…, each a
    /// medicine citing "test") plus the given TOML tables.
    pub fn small_kb(ingredients: &[&str], extra: &str) -> Knowledge {
        let mut text = String::new();
        for name in ingredients {
            text += &format!(
                "[[ingredient]]\nname = \"{name}\"\nkind = \"medicine\"\npurpose = \"p\"\n\
                 purpose_es = \"p\"\nsources = [\"test\"]\n"
            );
        }
        Knowledge::from_files(&[("test.toml", &text), ("rules.toml", extra)])
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// A record resolved against `kb`, as [`regimen`] does with the
    /// embedded one.
    pub fn regimen_with(kb: &Knowledge, extra: &str) -> Regimen {
        regimen_with_born(kb, "1950-01-01", extra)
    }

    /// [`regimen_with`] with another birth date (the review is on
    /// 2026-11-20).
    pub fn regimen_with_born(kb: &Knowledge, born: &str, extra: &str) -> Regimen {
        let text = format!(
            "[patient]\nid = \"T-1\"\nname = \"Test Patient\"\nborn = {born}\n\n\
             [review]\ndate = 2026-11-20\nreviewer = \"Pat Doe, PharmD\"\n\n{extra}"
        );
        let record = crate::record::parse(Path::new("test.toml"), &text)
            .unwrap_or_else(|e| panic!("fixture does not load:\n{e}"));
        Regimen::new(record, kb)
    }

    /// The findings of one check on a regimen resolved against `kb`.
    pub fn findings_with(check: &dyn Check, kb: &Knowledge, regimen: &Regimen) -> Vec<Finding> {
        check.run(&CheckContext { regimen, kb })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_their_subjects() {
        assert_eq!(
            finding_id("interaction", ["ibuprofen", "apixaban"]),
            "interaction/apixaban+ibuprofen"
        );
    }

    #[test]
    fn every_check_is_documented_once() {
        let mut names: Vec<&str> = REGISTRY.iter().map(|c| c.doc().name).collect();
        names.extend(NOT_YET.iter().map(|(n, _)| *n));
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count);
        for c in REGISTRY {
            assert!(
                !c.doc().references.is_empty(),
                "{} cites nothing",
                c.doc().name
            );
        }
    }

    #[test]
    fn a_dismissal_is_attached_and_a_typo_is_reported() {
        let regimen = fixtures::regimen(
            "[[medications]]\nname = \"Advil\"\n[[medications]]\nname = \"Aleve\"\n\
             [[decisions]]\nfinding = \"duplicate-therapy/ibuprofen+naproxen\"\n\
             action = \"dismiss\"\nreason = \"Short course agreed with the doctor\"\n\
             [[decisions]]\nfinding = \"duplicate-therapy/ibuprofen+naproxn\"\naction = \"keep\"\n",
        );
        let checked = run(&regimen, Knowledge::embedded());
        let f = checked
            .findings
            .iter()
            .find(|f| f.id == "duplicate-therapy/ibuprofen+naproxen");
        assert!(f.expect("the duplicate fires").is_dismissed());
        assert_eq!(checked.warnings.len(), 1);
        assert!(checked.warnings[0].contains("naproxn"));
    }
}
