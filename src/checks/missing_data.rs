//! `missing-data`: a check that could not run for lack of a fact. A
//! missing fact is never read as a pass: the reviewer is told which
//! medicines could not be weighed and what to record.
//!
//! This version reports:
//! - no kidney function (eGFR, CrCl, or serum creatinine with weight and
//!   sex) while a medicine has a `renal` rule;
//! - a transition review (`kind = "transition"`) without a discharge list,
//!   so that reconciliation cannot compare the lists.

use super::{Check, CheckContext, CheckDoc, Finding, Severity, patient, prescribers_of};
use crate::knowledge::KidneyMeasure;
use crate::record::ReviewKind;
use crate::regimen::MedicineUse;

pub struct MissingData;

static DOC: CheckDoc = CheckDoc {
    name: "missing-data",
    summary: "A check could not run for lack of a fact: no kidney function on file while a \
              medicine's dose depends on it, or a transition review without the discharge \
              list.",
    why: "The absence of a finding must never be read as \"no problem\". When a fact is \
          missing, the reviewer is told which medicines could not be checked and what to \
          record.",
    example: "[[medications]]\nname = \"metformin 1000 mg\"\nsig = \"1 tab bid\"\n\n\
              # no [labs] egfr, crcl or scr",
    references: &[
        "KDIGO 2024 Clinical Practice Guideline for the Evaluation and Management of Chronic \
         Kidney Disease, chapter 4: assess kidney function when prescribing medicines cleared \
         by the kidneys",
        "Joint Commission National Patient Safety Goal NPSG.03.06.01: maintain and communicate \
         accurate medication information",
    ],
};

impl Check for MissingData {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn run(&self, cx: &CheckContext) -> Vec<Finding> {
        let mut found = Vec::new();
        if let Some(f) = kidney(cx) {
            found.push(f);
        }
        if let Some(f) = discharge_list(cx) {
            found.push(f);
        }
        found
    }
}

/// Medicines with a kidney rule when no kidney value can be found.
fn kidney(cx: &CheckContext) -> Option<Finding> {
    let record = &cx.regimen.record;
    let known = [KidneyMeasure::Egfr, KidneyMeasure::Crcl]
        .iter()
        .any(|m| patient::kidney(record, *m).is_some());
    if known {
        return None;
    }
    let rules = cx.kb.renal_rules();
    let mut medicines: Vec<&MedicineUse> = Vec::new();
    let mut ingredients: Vec<String> = Vec::new();
    for med in cx.regimen.active() {
        for ingredient in med.ingredient_names() {
            if rules
                .iter()
                .any(|r| cx.kb.matches(&r.subject, &r.except, ingredient))
            {
                if !medicines.iter().any(|m| m.index == med.index) {
                    medicines.push(med);
                }
                if !ingredients.iter().any(|i| i == ingredient) {
                    ingredients.push(ingredient.to_owned());
                }
            }
        }
    }
    if medicines.is_empty() {
        return None;
    }
    ingredients.sort();
    let names: Vec<String> = medicines
        .iter()
        .map(|m| m.medication.name.clone())
        .collect();
    let mut lacking = Vec::new();
    if record.labs.scr.is_none() {
        lacking.push("serum creatinine");
    }
    if record.patient.weight_kg.is_none() {
        lacking.push("weight");
    }
    if record.patient.sex.is_none() {
        lacking.push("sex");
    }
    Some(Finding {
        id: "missing-data/kidney-function".into(),
        check: DOC.name,
        severity: Severity::Moderate,
        medicines: names.clone(),
        ingredients: ingredients.clone(),
        prescribers: prescribers_of(medicines.iter().copied()),
        title: "No kidney function on file".into(),
        patient_text: cx.say(
            "We could not check whether some of your medicines fit how well your kidneys \
             work. We need a recent kidney blood test. Ask your doctor about it."
                .into(),
            "No pudimos revisar si algunas de sus medicinas son adecuadas para sus riñones. \
             Necesitamos un análisis de sangre reciente de los riñones. Pregúntele a su médico."
                .into(),
        ),
        prescriber_text: format!(
            "The kidney-dose rules for {} could not be applied: no eGFR, no creatinine \
             clearance, and not enough to estimate one. Recommended: obtain a current serum \
             creatinine (with eGFR), and record weight and sex so that clearance can be \
             estimated.",
            ingredients.join(", ")
        ),
        patient_action: true,
        reviewer_follows_up: false,
        evidence: vec![DOC.references[0].to_owned()],
        context: vec![
            "no eGFR or CrCl on file".into(),
            format!("not recorded: {}", lacking.join(", ")),
        ],
        decision: None,
        concern: String::new(),
        why: String::new(),
        recommendation: String::new(),
    })
}

/// A transition review without the discharge list.
fn discharge_list(cx: &CheckContext) -> Option<Finding> {
    let record = &cx.regimen.record;
    let has_list = record
        .transition
        .as_ref()
        .is_some_and(|t| !t.discharge.is_empty());
    if record.review.kind != ReviewKind::Transition || has_list {
        return None;
    }
    Some(Finding {
        id: "missing-data/discharge-list".into(),
        check: DOC.name,
        severity: Severity::Moderate,
        medicines: vec![],
        ingredients: vec![],
        prescribers: vec![],
        title: "Transition review without a discharge list".into(),
        patient_text: cx.say(
            "We do not have the medicine list from your hospital stay. Please bring your \
             discharge papers so we can check what changed."
                .into(),
            "No tenemos la lista de medicinas de su estadía en el hospital. Traiga sus papeles \
             de alta para revisar qué cambió."
                .into(),
        ),
        prescriber_text: "The review is marked as a care transition, but no discharge \
                          medication list was recorded, so the lists could not be \
                          reconciled. Recommended: obtain the discharge list."
            .into(),
        patient_action: true,
        reviewer_follows_up: false,
        evidence: vec![DOC.references[1].to_owned()],
        context: vec!["review kind: transition; no [[transition.discharge]] entries".into()],
        decision: None,
        concern: String::new(),
        why: String::new(),
        recommendation: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{findings, regimen};

    #[test]
    fn a_kidney_rule_without_kidney_function_is_reported() {
        let metformin = "[[medications]]\nname = \"metformin 500 mg\"\nsig = \"1 tab bid\"\n";
        let found = findings(&MissingData, &regimen(metformin));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].id, "missing-data/kidney-function");
        assert_eq!(found[0].ingredients, ["metformin"]);
        assert!(found[0].context[1].contains("serum creatinine, weight, sex"));
        // With an eGFR, or a medicine without kidney rules: nothing.
        assert!(
            findings(
                &MissingData,
                &regimen(&format!("[labs]\negfr = 50\n{metformin}"))
            )
            .is_empty()
        );
        assert!(
            findings(
                &MissingData,
                &regimen("[[medications]]\nname = \"Claritin\"\n")
            )
            .is_empty()
        );
    }

    #[test]
    fn a_transition_review_needs_its_discharge_list() {
        let r = crate::checks::fixtures::regimen_born(
            "1950-01-01",
            "[[medications]]\nname = \"Claritin\"\n",
        );
        assert!(findings(&MissingData, &r).is_empty());
        let text = "[patient]\nid = \"T\"\nname = \"T\"\nborn = 1950-01-01\n\
                    [review]\ndate = 2026-11-20\nreviewer = \"R\"\nkind = \"transition\"\n";
        let record = crate::record::parse(std::path::Path::new("t.toml"), text).unwrap();
        let r = crate::regimen::Regimen::new(record, crate::knowledge::Knowledge::embedded());
        let found = findings(&MissingData, &r);
        assert_eq!(found[0].id, "missing-data/discharge-list");
    }
}
