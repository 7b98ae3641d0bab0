//! What the `renal`, `hepatic` and `older-adult` checks share: the patient
//! facts a rule is weighed against (age, kidney function, conditions, labs,
//! alcohol, the dose really taken) and the engine that applies a table of
//! [`PatientRule`]s.
//!
//! Kidney function: a rule stated in creatinine clearance uses the
//! record's `crcl`, else a Cockcroft–Gault estimate from age, weight, sex
//! and serum creatinine, else the eGFR as a stand-in (said so in the
//! finding's context); a rule stated in eGFR uses `egfr`, else a clearance.
//! With no kidney value at all the rule cannot be weighed: the
//! `missing-data` check says so, the rule never passes silently.

use std::collections::BTreeMap;

use super::{Finding, Severity, finding_id, prescribers_of};
use crate::knowledge::{Advice, Delivery, KidneyMeasure, Knowledge, PatientRule};
use crate::record::{LabValue, Labs, Record, Sex};
use crate::regimen::{MedicineUse, Regimen};

/// Age from which the `older-adult` rules apply (Beers, STOPP).
pub const OLDER_ADULT_AGE: i32 = 65;

/// A kidney-function value and how it was obtained, for the context.
#[derive(Debug, Clone, PartialEq)]
pub struct KidneyValue {
    pub value: f64,
    pub context: String,
}

/// Kidney function in the measure a rule is stated in.
pub fn kidney(record: &Record, measure: KidneyMeasure) -> Option<KidneyValue> {
    let labs = &record.labs;
    let egfr = labs.egfr.map(|v| KidneyValue {
        value: v.value,
        context: format!("eGFR {}{}", number(v.value), dated(v)),
    });
    let crcl = labs
        .crcl
        .map(|v| KidneyValue {
            value: v.value,
            context: format!("CrCl {} mL/min{}", number(v.value), dated(v)),
        })
        .or_else(|| cockcroft_gault(record));
    match measure {
        KidneyMeasure::Crcl => crcl.or_else(|| {
            egfr.map(|e| KidneyValue {
                context: format!(
                    "{} used in place of creatinine clearance (no CrCl, and not enough \
                     recorded to estimate one)",
                    e.context
                ),
                ..e
            })
        }),
        KidneyMeasure::Egfr => egfr.or_else(|| {
            crcl.map(|c| KidneyValue {
                context: format!("{} used in place of eGFR (none recorded)", c.context),
                ..c
            })
        }),
    }
}

/// Creatinine clearance by Cockcroft–Gault, (140 − age) × weight / (72 ×
/// serum creatinine), × 0.85 for women; with sex "other" the lower (× 0.85)
/// estimate is used and said so. Needs age, weight, sex and creatinine.
pub fn cockcroft_gault(record: &Record) -> Option<KidneyValue> {
    let scr = record.labs.scr?;
    let weight = record.patient.weight_kg?;
    let sex = record.patient.sex?;
    if scr.value <= 0.0 || weight <= 0.0 {
        return None;
    }
    let age = record.age();
    let factor = match sex {
        Sex::Male => 1.0,
        Sex::Female | Sex::Other => 0.85,
    };
    let value = (140.0 - f64::from(age)) * weight / (72.0 * scr.value) * factor;
    let value = (value * 10.0).round() / 10.0;
    let sex_text = match sex {
        Sex::Male => "male",
        Sex::Female => "female",
        Sex::Other => "sex other (the lower, female estimate used)",
    };
    Some(KidneyValue {
        value,
        context: format!(
            "CrCl {} mL/min estimated by Cockcroft–Gault from age {age}, weight {} kg, \
             {sex_text}, serum creatinine {} mg/dL{}",
            number(value),
            number(weight),
            number(scr.value),
            dated(scr)
        ),
    })
}

/// A lab of the record by its key (`alt`, `potassium`…).
pub fn lab(labs: &Labs, name: &str) -> Option<LabValue> {
    match name {
        "egfr" => labs.egfr,
        "crcl" => labs.crcl,
        "scr" => labs.scr,
        "potassium" => labs.potassium,
        "sodium" => labs.sodium,
        "inr" => labs.inr,
        "alt" => labs.alt,
        "ast" => labs.ast,
        "a1c" => labs.a1c,
        "heart_rate" => labs.heart_rate,
        "systolic_bp" => labs.systolic_bp,
        _ => None,
    }
}

/// The facts of a record that patient rules test, worked out once.
pub struct Facts<'a> {
    pub record: &'a Record,
    pub age: i32,
    /// Condition ids the record's conditions name, sorted.
    pub conditions: Vec<&'a str>,
}

impl<'a> Facts<'a> {
    pub fn new(regimen: &'a Regimen, kb: &'a Knowledge) -> Facts<'a> {
        Facts {
            record: &regimen.record,
            age: regimen.record.age(),
            conditions: kb.record_conditions(&regimen.record.health.conditions),
        }
    }
}

/// Whether a rule fires for one ingredient of one medicine, and the facts
/// that made it fire. `None`: it does not fire (or cannot be weighed).
fn weigh(
    rule: &PatientRule,
    check: &str,
    facts: &Facts,
    kb: &Knowledge,
    med: &MedicineUse,
    ingredient: &str,
) -> Option<Vec<String>> {
    let mut context = Vec::new();
    let min_age = rule
        .min_age
        .map(|a| a as i32)
        .or((check == "older-adult").then_some(OLDER_ADULT_AGE));
    if let Some(min) = min_age {
        if facts.age < min {
            return None;
        }
        context.push(format!("age {}", facts.age));
    }
    if let Some(measure) = rule.measure {
        let k = kidney(facts.record, measure)?;
        let in_band =
            rule.below.is_none_or(|b| k.value < b) && rule.at_least.is_none_or(|a| k.value >= a);
        if !in_band {
            return None;
        }
        context.push(k.context);
    }
    if !rule.conditions.is_empty() {
        let named: Vec<&str> = rule
            .conditions
            .iter()
            .filter(|c| facts.conditions.contains(&c.as_str()))
            .map(|c| kb.condition_name(c).unwrap_or(c))
            .collect();
        if named.is_empty() {
            return None;
        }
        context.push(format!("condition: {}", named.join(", ")));
    }
    if rule
        .unless
        .iter()
        .any(|c| facts.conditions.contains(&c.as_str()))
    {
        return None;
    }
    if let Some(name) = &rule.lab {
        let v = lab(&facts.record.labs, name)?;
        let in_range = rule.lab_at_least.is_none_or(|a| v.value >= a)
            && rule.lab_below.is_none_or(|b| v.value < b);
        if !in_range {
            return None;
        }
        context.push(format!("{}{}", lab_text(name, v.value), dated(v)));
    }
    if let Some(most) = rule.weight_at_most {
        let weight = facts.record.patient.weight_kg?;
        if weight > most {
            return None;
        }
        context.push(format!("weight {} kg", number(weight)));
    }
    if rule.release.is_some_and(|r| r != med.release()) {
        return None;
    }
    if med
        .resolved
        .product
        .as_ref()
        .is_some_and(|p| rule.except_products.contains(p))
    {
        return None;
    }
    if let Some(delivery) = rule.delivery {
        if crate::regimen::delivery_of(&med.medication) != delivery {
            return None;
        }
        context.push(match delivery {
            Delivery::Systemic => "taken by mouth or through the skin (systemic)".to_owned(),
            Delivery::Vaginal => "used in the vagina".to_owned(),
            Delivery::Unknown => "the record does not say how it is used".to_owned(),
        });
    }
    if let Some(min) = rule.drinks_at_least {
        let drinks = facts.record.health.alcohol_drinks_per_week?;
        if drinks < min {
            return None;
        }
        context.push(format!("{drinks} alcoholic drinks a week"));
    }
    if let Some(max) = rule.max_daily {
        let limit = format!("{} {} a day", number(max.amount), max.unit.as_str());
        match super::daily::most_per_day(med, ingredient, max.unit) {
            Some(taken) if taken <= max.amount + 1e-9 => return None,
            Some(taken) => context.push(format!(
                "takes up to {} {} of {ingredient} a day; the limit here is {limit}",
                number(taken),
                max.unit.as_str()
            )),
            None => context.push(format!(
                "the daily dose of {ingredient} could not be worked out from the record; \
                 the limit here is {limit}"
            )),
        }
    }
    Some(context)
}

/// One rule that fired for an ingredient, with what it fired on.
struct Hit<'a> {
    rule: &'a PatientRule,
    /// File order, to break ties.
    order: usize,
    medicines: Vec<&'a MedicineUse>,
    ingredients: Vec<String>,
    context: Vec<String>,
}

/// Applies a table of rules to a regimen: at most one finding per
/// ingredient (the most severe rule, then the first in file order), plus
/// one per combination rule (`count_at_least`, `score_at_least`).
pub fn findings(
    regimen: &Regimen,
    kb: &Knowledge,
    check: &'static str,
    rules: &[PatientRule],
) -> Vec<Finding> {
    let facts = Facts::new(regimen, kb);
    let mut best: BTreeMap<String, Hit> = BTreeMap::new();
    let mut combined: Vec<Hit> = Vec::new();
    for (order, rule) in rules.iter().enumerate() {
        if rule.count_at_least.is_some() || rule.score_at_least.is_some() {
            combined.extend(combination(rule, order, check, &facts, kb, regimen));
            continue;
        }
        for med in regimen.active() {
            for ingredient in med.ingredient_names() {
                if !kb.matches(&rule.subject, &rule.except, ingredient) {
                    continue;
                }
                let Some(context) = weigh(rule, check, &facts, kb, med, ingredient) else {
                    continue;
                };
                match best.get_mut(ingredient) {
                    Some(hit) if hit.rule.id == rule.id => {
                        if !hit.medicines.iter().any(|m| m.index == med.index) {
                            hit.medicines.push(med);
                        }
                        for c in context {
                            if !hit.context.contains(&c) {
                                hit.context.push(c);
                            }
                        }
                    }
                    Some(hit) if hit.rule.severity >= rule.severity => {}
                    _ => {
                        best.insert(
                            ingredient.to_owned(),
                            Hit {
                                rule,
                                order,
                                medicines: vec![med],
                                ingredients: vec![ingredient.to_owned()],
                                context,
                            },
                        );
                    }
                }
            }
        }
    }
    let mut hits: Vec<Hit> = best.into_values().chain(combined).collect();
    hits.sort_by_key(|h| h.order);
    hits.into_iter()
        .map(|hit| finding(regimen, check, hit))
        .collect()
}

/// A combination rule: enough different members of its class taken
/// together (count), or their scores adding up (score).
fn combination<'a>(
    rule: &'a PatientRule,
    order: usize,
    check: &str,
    facts: &Facts,
    kb: &Knowledge,
    regimen: &'a Regimen,
) -> Option<Hit<'a>> {
    let min_age = rule
        .min_age
        .map(|a| a as i32)
        .or((check == "older-adult").then_some(OLDER_ADULT_AGE));
    if min_age.is_some_and(|min| facts.age < min) {
        return None;
    }
    if !rule.conditions.is_empty()
        && !rule
            .conditions
            .iter()
            .any(|c| facts.conditions.contains(&c.as_str()))
    {
        return None;
    }
    let class = rule
        .subject
        .strip_prefix("class:")
        .and_then(|id| kb.class(id))?;
    let mut medicines: Vec<&MedicineUse> = Vec::new();
    let mut ingredients: Vec<String> = Vec::new();
    for med in regimen.active() {
        for ingredient in med.ingredient_names() {
            if kb.matches(&rule.subject, &rule.except, ingredient) {
                if !ingredients.iter().any(|i| i == ingredient) {
                    ingredients.push(ingredient.to_owned());
                }
                if !medicines.iter().any(|m| m.index == med.index) {
                    medicines.push(med);
                }
            }
        }
    }
    ingredients.sort();
    let mut context = Vec::new();
    if min_age.is_some() {
        context.push(format!("age {}", facts.age));
    }
    if let Some(n) = rule.count_at_least {
        if (ingredients.len() as u32) < n {
            return None;
        }
        context.push(format!(
            "{} {} taken together: {}",
            ingredients.len(),
            class.name.to_lowercase(),
            ingredients.join(", ")
        ));
    }
    if let Some(n) = rule.score_at_least {
        let scores: Vec<(String, u8)> = ingredients
            .iter()
            .map(|i| (i.clone(), class.scores.get(i).copied().unwrap_or(0)))
            .collect();
        let total: u32 = scores.iter().map(|(_, s)| u32::from(*s)).sum();
        if total < n {
            return None;
        }
        let parts: Vec<String> = scores.iter().map(|(i, s)| format!("{i} {s}")).collect();
        context.push(format!("total score {total} ({})", parts.join(", ")));
    }
    Some(Hit {
        rule,
        order,
        medicines,
        ingredients,
        context,
    })
}

/// The sentence a patient text of a kidney, liver or older-adult rule ends
/// with when the reviewer, not the patient, takes the next step.
const REVIEWER_FOLLOWS_UP: &str = "We will ask your doctor";

fn finding(regimen: &Regimen, check: &'static str, hit: Hit) -> Finding {
    let rule = hit.rule;
    let names: Vec<String> = hit
        .medicines
        .iter()
        .map(|m| m.medication.name.clone())
        .collect();
    let and = match regimen.record.patient.language {
        crate::record::Language::En => "and",
        crate::record::Language::Es => "y",
    };
    let joined = super::join_names(&names, and);
    let patient = match regimen.record.patient.language {
        crate::record::Language::En => &rule.patient,
        crate::record::Language::Es => &rule.patient_es,
    };
    let advice = match rule.advice {
        Advice::Avoid => "avoid",
        Advice::Reduce => "reduce the dose",
        Advice::Monitor => "monitor",
    };
    Finding {
        id: finding_id(check, hit.ingredients.iter().cloned()),
        check,
        severity: rule.severity,
        medicines: names,
        ingredients: hit.ingredients,
        prescribers: prescribers_of(hit.medicines.iter().copied()),
        title: rule.title.clone(),
        patient_text: patient.replace("{medicine}", &joined),
        prescriber_text: format!(
            "{} Recommended ({advice}): {}",
            rule.consequence, rule.action
        ),
        patient_action: rule.severity >= Severity::Moderate,
        reviewer_follows_up: rule.patient.contains(REVIEWER_FOLLOWS_UP),
        evidence: rule.sources.clone(),
        context: hit.context,
        decision: None,
        concern: rule.concern.clone().unwrap_or_default(),
        why: rule.consequence.clone(),
        recommendation: rule.action.clone(),
    }
}

/// A lab value as clinicians write it: "potassium 5.4 mmol/L", "ALT 150 U/L".
pub fn lab_text(name: &str, value: f64) -> String {
    let (label, unit) = match name {
        "egfr" => ("eGFR", " mL/min/1.73 m²"),
        "crcl" => ("CrCl", " mL/min"),
        "scr" => ("serum creatinine", " mg/dL"),
        "potassium" => ("potassium", " mmol/L"),
        "sodium" => ("sodium", " mmol/L"),
        "inr" => ("INR", ""),
        "alt" => ("ALT", " U/L"),
        "ast" => ("AST", " U/L"),
        "a1c" => ("A1c", "%"),
        "heart_rate" => ("heart rate", " bpm"),
        "systolic_bp" => ("systolic blood pressure", " mmHg"),
        other => (other, ""),
    };
    format!("{label} {}{unit}", number(value))
}

/// " on 2026-10-02" when the value is dated.
fn dated(v: LabValue) -> String {
    v.date.map(|d| format!(" on {d}")).unwrap_or_default()
}

fn number(value: f64) -> String {
    super::daily::number(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{regimen_with_born, small_kb};
    use crate::knowledge::Knowledge;

    /// A patient rule in the shape of `renal.toml`, with its trigger lines.
    fn rule(table: &str, id: &str, subject: &str, severity: &str, trigger: &str) -> String {
        format!(
            "[[{table}]]\nid = \"{id}\"\nsubject = \"{subject}\"\nseverity = \"{severity}\"\n\
             advice = \"avoid\"\ntitle = \"T {id}\"\nconsequence = \"C.\"\naction = \"A {id}.\"\n\
             patient = \"Rule {id} for {{medicine}}.\"\npatient_es = \"Regla {id}.\"\n\
             sources = [\"S {id}\"]\n{trigger}\n"
        )
    }

    fn run(kb: &Knowledge, check: &'static str, born: &str, extra: &str) -> Vec<Finding> {
        let r = regimen_with_born(kb, born, extra);
        let rules = match check {
            "renal" => kb.renal_rules(),
            "hepatic" => kb.hepatic_rules(),
            _ => kb.older_adult_rules(),
        };
        findings(&r, kb, check, rules)
    }

    const CONDITIONS: &str = "[[condition]]\nid = \"cirrhosis\"\nname = \"Cirrhosis\"\n\
                              names = [\"cirrhosis\", \"alcoholic cirrhosis\"]\n\
                              [[condition]]\nid = \"gout\"\nname = \"Gout\"\nnames = [\"gout\"]\n";

    const MED: &str = "[[medications]]\nname = \"alpha\"\nprescriber = \"dr-a\"\n";

    #[test]
    fn an_egfr_threshold_fires_below_it_and_not_at_or_above() {
        let kb = small_kb(
            &["alpha"],
            &rule(
                "renal",
                "r1",
                "alpha",
                "major",
                "measure = \"egfr\"\nbelow = 30",
            ),
        );
        for (egfr, fires) in [(29, true), (30, false), (31, false)] {
            let found = run(
                &kb,
                "renal",
                "1950-01-01",
                &format!("[labs]\negfr = {egfr}\n{MED}"),
            );
            assert_eq!(found.len(), usize::from(fires), "eGFR {egfr}: {found:?}");
            if fires {
                assert_eq!(found[0].id, "renal/alpha");
                assert_eq!(found[0].context, ["eGFR 29"]);
                assert_eq!(found[0].patient_text, "Rule r1 for alpha.");
            }
        }
    }

    #[test]
    fn a_band_fires_only_inside_it_and_the_most_severe_rule_wins() {
        let kb = small_kb(
            &["alpha"],
            &(rule(
                "renal",
                "low",
                "alpha",
                "contraindicated",
                "measure = \"egfr\"\nbelow = 30",
            ) + &rule(
                "renal",
                "band",
                "alpha",
                "moderate",
                "measure = \"egfr\"\nbelow = 45\nat_least = 30",
            )),
        );
        let at = |egfr: u32| {
            run(
                &kb,
                "renal",
                "1950-01-01",
                &format!("[labs]\negfr = {egfr}\n{MED}"),
            )
            .into_iter()
            .map(|f| (f.severity, f.title))
            .collect::<Vec<_>>()
        };
        assert_eq!(at(29), [(Severity::Contraindicated, "T low".to_owned())]);
        assert_eq!(at(30), [(Severity::Moderate, "T band".to_owned())]);
        assert_eq!(at(44), [(Severity::Moderate, "T band".to_owned())]);
        assert!(at(45).is_empty());
    }

    #[test]
    fn creatinine_clearance_is_estimated_by_cockcroft_gault() {
        let kb = small_kb(
            &["alpha"],
            &rule(
                "renal",
                "r1",
                "alpha",
                "major",
                "measure = \"crcl\"\nbelow = 30",
            ),
        );
        // Age 76 at the review: (140 - 76) × 50 / (72 × 1.5) × 0.85 = 25.2.
        let found = run(
            &kb,
            "renal",
            "1950-01-01\nsex = \"female\"\nweight_kg = 50",
            &format!("[labs]\nscr = 1.5\n{MED}"),
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0].context[0].starts_with("CrCl 25.2 mL/min estimated by Cockcroft–Gault"),
            "{:?}",
            found[0].context
        );
        // A man of the same size: 29.6, still below 30.
        let man = run(
            &kb,
            "renal",
            "1950-01-01\nsex = \"male\"\nweight_kg = 50",
            &format!("[labs]\nscr = 1.5\n{MED}"),
        );
        assert!(man[0].context[0].starts_with("CrCl 29.6"));
        // Heavier: 35.6, above the threshold.
        let heavier = run(
            &kb,
            "renal",
            "1950-01-01\nsex = \"male\"\nweight_kg = 60",
            &format!("[labs]\nscr = 1.5\n{MED}"),
        );
        assert!(heavier.is_empty(), "{heavier:?}");
        // Without weight, an eGFR stands in and says so.
        let stand_in = run(
            &kb,
            "renal",
            "1950-01-01\nsex = \"male\"",
            &format!("[labs]\nscr = 1.5\negfr = 25\n{MED}"),
        );
        assert!(stand_in[0].context[0].contains("used in place of creatinine clearance"));
        // Nothing at all: the rule cannot be weighed (missing-data says so).
        assert!(run(&kb, "renal", "1950-01-01", MED).is_empty());
    }

    #[test]
    fn older_adult_rules_start_at_65_on_the_review_date() {
        let kb = small_kb(
            &["alpha"],
            &rule("older-adult", "o1", "alpha", "moderate", ""),
        );
        // The review is on 2026-11-20.
        assert!(run(&kb, "older-adult", "1961-11-21", MED).is_empty(), "64");
        let found = run(&kb, "older-adult", "1961-11-20", MED);
        assert_eq!(found.len(), 1, "65 on the day");
        assert_eq!(found[0].context, ["age 65"]);
    }

    #[test]
    fn conditions_unless_labs_and_alcohol_all_must_hold() {
        let kb = small_kb(
            &["alpha"],
            &(CONDITIONS.to_owned()
                + &rule(
                    "hepatic",
                    "h1",
                    "alpha",
                    "major",
                    "conditions = [\"cirrhosis\"]\nunless = [\"gout\"]",
                )
                + &rule(
                    "hepatic",
                    "h2",
                    "alpha",
                    "moderate",
                    "lab = \"alt\"\nlab_at_least = 120",
                )
                + &rule("hepatic", "h3", "alpha", "minor", "drinks_at_least = 21")),
        );
        let with = |health: &str| run(&kb, "hepatic", "1950-01-01", &format!("{health}\n{MED}"));
        let f = with("[health]\nconditions = [\"alcoholic cirrhosis\"]");
        assert_eq!(f[0].title, "T h1");
        assert_eq!(f[0].context, ["condition: Cirrhosis"]);
        assert!(with("[health]\nconditions = [\"cirrhosis\", \"gout\"]").is_empty());
        assert_eq!(with("[labs]\nalt = 120")[0].title, "T h2");
        assert!(with("[labs]\nalt = 119").is_empty());
        assert_eq!(
            with("[health]\nalcohol_drinks_per_week = 21")[0].title,
            "T h3"
        );
        assert!(with("[health]\nalcohol_drinks_per_week = 20").is_empty());
    }

    #[test]
    fn a_dose_limit_compares_the_dose_really_taken() {
        let kb = small_kb(
            &["alpha"],
            &rule(
                "renal",
                "r1",
                "alpha",
                "moderate",
                "measure = \"egfr\"\nbelow = 60\nmax_daily = { amount = 2, unit = \"mg\" }",
            ),
        );
        let med = |sig: &str, taking: &str| {
            format!(
                "[labs]\negfr = 40\n[[medications]]\nname = \"alpha\"\nstrength = \"1 mg\"\n\
                 sig = \"{sig}\"\n{taking}"
            )
        };
        assert!(run(&kb, "renal", "1950-01-01", &med("1 tab bid", "")).is_empty());
        let over = run(&kb, "renal", "1950-01-01", &med("1 tab tid", ""));
        assert!(over[0].context[1].contains("takes up to 3 mg"), "{over:?}");
        // Directed at 2 a day, but the patient takes 4: it fires.
        let taken = run(
            &kb,
            "renal",
            "1950-01-01",
            &med("1 tab bid", "taking = \"2 tabs bid\""),
        );
        assert_eq!(taken.len(), 1);
        // A dose that cannot be worked out fires and says so.
        let unclear = run(&kb, "renal", "1950-01-01", &med("as directed", ""));
        assert!(unclear[0].context[1].contains("could not be worked out"));
        // A dose written by weight counts too: 1.5 mg twice a day is 3 mg,
        // whether or not the record gives a strength.
        for strength in ["strength = \"1 mg\"", ""] {
            let text = format!(
                "[labs]\negfr = 40\n[[medications]]\nname = \"alpha\"\n{strength}\n\
                 sig = \"1 MG TWICE DAILY\"\n"
            );
            assert!(
                run(&kb, "renal", "1950-01-01", &text).is_empty(),
                "{strength}"
            );
            let over = text.replace("1 MG", "1.5 MG");
            let found = run(&kb, "renal", "1950-01-01", &over);
            assert!(
                found
                    .first()
                    .is_some_and(|f| f.context[1].contains("takes up to 3 mg")),
                "{strength}: {found:?}"
            );
        }
    }

    #[test]
    fn combination_rules_count_members_and_add_scores() {
        let classes = "[[class]]\nid = \"k\"\nname = \"K drugs\"\nplain = \"k\"\nplain_es = \"k\"\n\
                       members = [\"alpha\", \"beta\", \"gamma\"]\nsources = [\"s\"]\n\
                       [class.scores]\nalpha = 1\nbeta = 2\ngamma = 3\n";
        let kb = small_kb(
            &["alpha", "beta", "gamma"],
            &(classes.to_owned()
                + &rule(
                    "older-adult",
                    "c3",
                    "class:k",
                    "major",
                    "count_at_least = 3",
                )
                + &rule(
                    "older-adult",
                    "s3",
                    "class:k",
                    "moderate",
                    "score_at_least = 3",
                )),
        );
        let meds = |names: &[&str]| -> String {
            names
                .iter()
                .map(|n| format!("[[medications]]\nname = \"{n}\"\n"))
                .collect()
        };
        let two = run(&kb, "older-adult", "1950-01-01", &meds(&["alpha", "beta"]));
        assert_eq!(two.len(), 1, "{two:?}");
        assert_eq!(two[0].title, "T s3");
        assert_eq!(two[0].id, "older-adult/alpha+beta");
        assert!(two[0].context[1].contains("total score 3"));
        assert!(run(&kb, "older-adult", "1950-01-01", &meds(&["alpha"])).is_empty());
        let three = run(
            &kb,
            "older-adult",
            "1950-01-01",
            &meds(&["alpha", "beta", "gamma"]),
        );
        assert_eq!(three.len(), 2);
    }
}
