//! Validation of the rules that weigh one medicine against the patient
//! (`[[renal]]`, `[[hepatic]]`, `[[older-adult]]`, `[[duration]]`) and of
//! the side-effect tables (`[[symptom]]`, `[[side-effect]]`): subjects,
//! conditions and symptoms resolve, ids are unique, every rule is cited,
//! triggers are complete, and patient wording uses only `{medicine}`.

use std::collections::HashSet;

use super::model::{DurationRule, PatientRule, SideEffectRule, Symptom};
use super::rules::{cited, placeholders, subject_problem, texts};

/// The patient-rule tables, as loaded.
#[derive(Debug, Default)]
pub(super) struct PatientRules {
    pub renal: Vec<PatientRule>,
    pub hepatic: Vec<PatientRule>,
    pub older_adult: Vec<PatientRule>,
    pub durations: Vec<DurationRule>,
    pub symptoms: Vec<Symptom>,
    pub side_effects: Vec<SideEffectRule>,
}

/// The labs a rule may test: the known keys of the record's `[labs]`.
pub const LABS: [&str; 11] = [
    "egfr",
    "crcl",
    "scr",
    "potassium",
    "sodium",
    "inr",
    "alt",
    "ast",
    "a1c",
    "heart_rate",
    "systolic_bp",
];

pub(super) fn validate(
    rules: &PatientRules,
    known: &dyn Fn(&str) -> bool,
    condition_known: &dyn Fn(&str) -> bool,
    class_scored: &dyn Fn(&str) -> bool,
    problems: &mut Vec<String>,
) {
    for (table, list) in [
        ("renal", &rules.renal),
        ("hepatic", &rules.hepatic),
        ("older-adult", &rules.older_adult),
    ] {
        let mut ids = HashSet::new();
        for rule in list {
            let owner = format!("{table} {}", rule.id);
            if !ids.insert(rule.id.as_str()) {
                problems.push(format!("{owner}: the id is used twice"));
            }
            patient_rule(
                &owner,
                table,
                rule,
                known,
                condition_known,
                class_scored,
                problems,
            );
        }
    }
    let mut ids = HashSet::new();
    for rule in &rules.durations {
        let owner = format!("duration {}", rule.id);
        if !ids.insert(rule.id.as_str()) {
            problems.push(format!("{owner}: the id is used twice"));
        }
        subject_problem(&owner, &rule.subject, known, problems);
        for e in rule.except.iter().chain(&rule.unless_taking) {
            subject_problem(&owner, e, known, problems);
        }
        for c in &rule.unless {
            if !condition_known(c) {
                problems.push(format!("{owner}: unknown condition \"{c}\""));
            }
        }
        if rule.max_days == 0 {
            problems.push(format!("{owner}: max_days must be above 0"));
        }
        texts(
            &owner,
            &[
                ("title", &rule.title),
                ("consequence", &rule.consequence),
                ("action", &rule.action),
            ],
            problems,
        );
        placeholders(&owner, &rule.patient, &["{medicine}"], problems);
        placeholders(&owner, &rule.patient_es, &["{medicine}"], problems);
        cited(&owner, &rule.sources, problems);
    }
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    for symptom in &rules.symptoms {
        let owner = format!("symptom {}", symptom.id);
        if !ids.insert(symptom.id.as_str()) {
            problems.push(format!("{owner}: the id is used twice"));
        }
        texts(
            &owner,
            &[
                ("name", &symptom.name),
                ("plain", &symptom.plain),
                ("plain_es", &symptom.plain_es),
            ],
            problems,
        );
        if symptom.names.is_empty() {
            problems.push(format!("{owner}: no names"));
        }
        for n in &symptom.names {
            if !names.insert(super::resolve::normalise(n)) {
                problems.push(format!("{owner}: \"{n}\" also names another symptom"));
            }
        }
    }
    let mut rule_ids = HashSet::new();
    for rule in &rules.side_effects {
        let owner = format!("side-effect {}", rule.id);
        if !rule_ids.insert(rule.id.as_str()) {
            problems.push(format!("{owner}: the id is used twice"));
        }
        if !ids.contains(rule.symptom.as_str()) {
            problems.push(format!("{owner}: unknown symptom \"{}\"", rule.symptom));
        }
        if rule.subjects.is_empty() {
            problems.push(format!("{owner}: no subjects"));
        }
        for s in rule.subjects.iter().chain(&rule.except) {
            subject_problem(&owner, s, known, problems);
        }
        texts(&owner, &[("action", &rule.action)], problems);
        cited(&owner, &rule.sources, problems);
    }
}

fn patient_rule(
    owner: &str,
    table: &str,
    rule: &PatientRule,
    known: &dyn Fn(&str) -> bool,
    condition_known: &dyn Fn(&str) -> bool,
    class_scored: &dyn Fn(&str) -> bool,
    problems: &mut Vec<String>,
) {
    subject_problem(owner, &rule.subject, known, problems);
    for e in &rule.except {
        subject_problem(owner, e, known, problems);
    }
    for c in rule.conditions.iter().chain(&rule.unless) {
        if !condition_known(c) {
            problems.push(format!("{owner}: unknown condition \"{c}\""));
        }
    }
    let banded = rule.below.is_some() || rule.at_least.is_some();
    if rule.measure.is_some() != banded {
        problems.push(format!(
            "{owner}: measure needs below or at_least, and they need measure"
        ));
    }
    // A renal rule is about kidney function, or about a blood test the
    // kidneys govern whatever the function (potassium), or about the body
    // size a label weighs with them (apixaban's age, weight, creatinine).
    if table == "renal"
        && rule.measure.is_none()
        && rule.lab.is_none()
        && rule.weight_at_most.is_none()
    {
        problems.push(format!(
            "{owner}: a renal rule needs a kidney measure, a lab or a weight"
        ));
    }
    if rule.weight_at_most.is_some_and(|w| w <= 0.0) {
        problems.push(format!("{owner}: weight_at_most must be above 0"));
    }
    match &rule.lab {
        Some(lab) if !LABS.contains(&lab.as_str()) => {
            problems.push(format!("{owner}: unknown lab \"{lab}\""));
        }
        Some(_) if rule.lab_at_least.is_none() && rule.lab_below.is_none() => {
            problems.push(format!("{owner}: lab needs lab_at_least or lab_below"));
        }
        None if rule.lab_at_least.is_some() || rule.lab_below.is_some() => {
            problems.push(format!("{owner}: lab_at_least and lab_below need lab"));
        }
        _ => {}
    }
    let class = rule.subject.strip_prefix("class:");
    if (rule.count_at_least.is_some() || rule.score_at_least.is_some()) && class.is_none() {
        problems.push(format!(
            "{owner}: count_at_least and score_at_least need a class subject"
        ));
    }
    if rule.score_at_least.is_some() && !class.is_some_and(class_scored) {
        problems.push(format!("{owner}: score_at_least needs a class with scores"));
    }
    let triggered = rule.measure.is_some()
        || !rule.conditions.is_empty()
        || rule.lab.is_some()
        || rule.drinks_at_least.is_some()
        || rule.min_age.is_some()
        || rule.weight_at_most.is_some()
        || rule.count_at_least.is_some()
        || rule.score_at_least.is_some()
        || table == "older-adult";
    if !triggered {
        problems.push(format!("{owner}: the rule has no trigger"));
    }
    texts(
        owner,
        &[
            ("title", &rule.title),
            ("consequence", &rule.consequence),
            ("action", &rule.action),
        ],
        problems,
    );
    placeholders(owner, &rule.patient, &["{medicine}"], problems);
    placeholders(owner, &rule.patient_es, &["{medicine}"], problems);
    cited(owner, &rule.sources, problems);
}
