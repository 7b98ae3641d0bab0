//! `side-effect`: a symptom the patient reports (`[health] symptoms`, in
//! their own words) that a current medicine is known to cause. Reported
//! words map to the knowledge base's `[[symptom]]` entries (whole-word
//! phrases: "dizzy when standing", "swollen ankles"); `[[side-effect]]`
//! rules say which medicines cause each. One finding per symptom names every
//! current medicine that may cause it, at the most serious rule's severity.
//! A reported symptom no rule explains is not a finding: it stays on the
//! patient's list for the reviewer.

use super::{Check, CheckContext, CheckDoc, Finding, Severity, finding_id, join_names};
use crate::regimen::MedicineUse;

pub struct SideEffect;

static DOC: CheckDoc = CheckDoc {
    name: "side-effect",
    summary: "A symptom the patient reports (\"dizzy when standing\", \"dry cough\", \
              \"swollen ankles\", \"shaky and sweaty\") that a current medicine is known to \
              cause.",
    why: "Side effects are often taken for a new illness and treated with another medicine \
          (a prescribing cascade): ankle swelling from amlodipine treated with a diuretic, a \
          cough from an ACE inhibitor treated with cough syrup. Naming the likely cause lets \
          the prescriber change the medicine instead.",
    example: "[health]\nsymptoms = [\"dry cough\"]\n\n[[medications]]\nname = \"lisinopril 10 mg\"\n\
              sig = \"1 tab daily\"",
    references: &[
        "Rochon PA, Gurwitz JH. Optimising drug treatment for elderly people: the prescribing \
         cascade. BMJ 1997;315:1096-1099",
        "Each rule cites the Adverse Reactions or Warnings section of the FDA label it rests on",
    ],
};

impl Check for SideEffect {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn run(&self, cx: &CheckContext) -> Vec<Finding> {
        let mut found: Vec<Finding> = Vec::new();
        for reported in &cx.regimen.record.health.symptoms {
            for symptom in cx.kb.symptoms_in(reported) {
                if let Some(f) = finding(cx, reported, symptom) {
                    // Two reports of one symptom ("dizzy", "lightheaded"):
                    // one finding quoting both.
                    match found.iter_mut().find(|x| x.id == f.id) {
                        Some(x) => x.context.extend(f.context),
                        None => found.push(f),
                    }
                }
            }
        }
        found
    }
}

fn finding(
    cx: &CheckContext,
    reported: &str,
    symptom: &crate::knowledge::Symptom,
) -> Option<Finding> {
    let mut medicines: Vec<&MedicineUse> = Vec::new();
    let mut ingredients: Vec<String> = Vec::new();
    let mut severity = Severity::Minor;
    let mut actions: Vec<String> = Vec::new();
    let mut evidence: Vec<String> = Vec::new();
    for rule in cx
        .kb
        .side_effect_rules()
        .iter()
        .filter(|r| r.symptom == symptom.id)
    {
        let mut fired = false;
        for med in cx.regimen.active() {
            for ingredient in med.ingredient_names() {
                if rule
                    .subjects
                    .iter()
                    .any(|s| cx.kb.matches(s, &rule.except, ingredient))
                {
                    fired = true;
                    if !medicines.iter().any(|m| m.index == med.index) {
                        medicines.push(med);
                    }
                    if !ingredients.iter().any(|i| i == ingredient) {
                        ingredients.push(ingredient.to_owned());
                    }
                }
            }
        }
        if fired {
            severity = severity.max(rule.severity);
            if !actions.contains(&rule.action) {
                actions.push(rule.action.clone());
            }
            for s in &rule.sources {
                if !evidence.contains(s) {
                    evidence.push(s.clone());
                }
            }
        }
    }
    if medicines.is_empty() {
        return None;
    }
    medicines.sort_by_key(|m| m.index);
    ingredients.sort();
    let names: Vec<String> = medicines
        .iter()
        .map(|m| m.medication.name.clone())
        .collect();
    let es = cx.regimen.record.patient.language == crate::record::Language::Es;
    let patient_text = if es {
        format!(
            "Usted nos habló de {}. Esto puede ser un efecto de {}. No deje ninguna medicina \
             por su cuenta. Hablaremos con su médico.",
            symptom.plain_es,
            join_names(&names, "o")
        )
    } else {
        format!(
            "You told us about {}. This can be a side effect of {}. Do not stop any medicine \
             on your own. We will talk with your doctor about it.",
            symptom.plain,
            join_names(&names, "or")
        )
    };
    Some(Finding {
        id: finding_id(
            DOC.name,
            ingredients.iter().cloned().chain([symptom.id.clone()]),
        ),
        check: DOC.name,
        severity,
        medicines: names,
        ingredients: ingredients.clone(),
        prescribers: super::prescribers_of(medicines.iter().copied()),
        title: format!(
            "{}: possible side effect of {}",
            symptom.name,
            ingredients.join(", ")
        ),
        patient_text,
        prescriber_text: format!(
            "Patient reports \"{reported}\". Possible adverse effect: {} Recommended: consider \
             the medicine as the cause before treating the symptom.",
            actions.join(" ")
        ),
        patient_action: severity >= Severity::Moderate,
        reviewer_follows_up: true,
        evidence,
        context: vec![format!("reported: \"{reported}\"")],
        decision: None,
        concern: String::new(),
        why: String::new(),
        recommendation: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{findings_with, regimen_with, small_kb};

    const RULES: &str = "[[symptom]]\nid = \"cough\"\nname = \"Dry cough\"\nplain = \"a dry cough\"\n\
                         plain_es = \"tos seca\"\nnames = [\"dry cough\", \"tickly cough\"]\n\
                         [[symptom]]\nid = \"ankles\"\nname = \"Ankle swelling\"\n\
                         plain = \"swollen ankles\"\nplain_es = \"tobillos hinchados\"\n\
                         names = [\"swollen ankles\"]\n\
                         [[side-effect]]\nid = \"s1\"\nsymptom = \"cough\"\nsubjects = [\"alpha\"]\n\
                         severity = \"moderate\"\naction = \"Alpha causes cough.\"\nsources = [\"S1\"]\n\
                         [[side-effect]]\nid = \"s2\"\nsymptom = \"cough\"\nsubjects = [\"beta\"]\n\
                         severity = \"minor\"\naction = \"Beta may cause cough.\"\nsources = [\"S2\"]\n";

    fn run(symptoms: &str, meds: &[&str]) -> Vec<Finding> {
        let kb = small_kb(&["alpha", "beta", "gamma"], RULES);
        let mut text = format!("[health]\nsymptoms = [{symptoms}]\n");
        for m in meds {
            text += &format!("[[medications]]\nname = \"{m}\"\n");
        }
        findings_with(&SideEffect, &kb, &regimen_with(&kb, &text))
    }

    #[test]
    fn a_reported_symptom_names_every_medicine_that_may_cause_it() {
        let f = run("\"Has a dry cough at night\"", &["alpha", "beta", "gamma"]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].id, "side-effect/alpha+beta+cough");
        assert_eq!(f[0].severity, Severity::Moderate);
        assert_eq!(f[0].medicines, ["alpha", "beta"]);
        assert!(f[0].patient_text.contains("a dry cough"));
        assert_eq!(f[0].evidence, ["S1", "S2"]);
    }

    #[test]
    fn no_finding_without_a_matching_medicine_or_symptom() {
        assert!(run("\"swollen ankles\"", &["alpha"]).is_empty());
        assert!(run("\"coughing up blood\"", &["alpha"]).is_empty());
        assert!(run("\"dry cough\"", &["gamma"]).is_empty());
    }
}
