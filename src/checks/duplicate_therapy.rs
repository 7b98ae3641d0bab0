//! `duplicate-therapy`: two different medicines of the same therapeutic
//! class taken together (two NSAIDs, two SSRIs, two ACE inhibitors).

use std::collections::BTreeSet;

use super::{
    Check, CheckContext, CheckDoc, Finding, Severity, finding_id, join_names, prescribers_of,
};
use crate::regimen::MedicineUse;

pub struct DuplicateTherapy;

static DOC: CheckDoc = CheckDoc {
    name: "duplicate-therapy",
    summary: "Two different medicines of the same therapeutic class, taken together: two \
              NSAID pain relievers, two SSRIs, two ACE inhibitors, two sleeping pills.",
    why: "Duplicates add side effects without adding much benefit, and often arise when two \
          prescribers, or a prescriber and the patient's own shopping, each add one.",
    example: "[[medications]]\nname = \"Advil\"\nsig = \"2 tabs q6h prn pain\"\ntype = \"otc\"\n\n\
              [[medications]]\nname = \"Aleve\"\nsig = \"1 tab bid\"\ntype = \"otc\"",
    references: &[
        "STOPP/START version 3 (O'Mahony et al., Eur Geriatr Med 2023;14:625), Section A: \
         duplicate drug-class prescriptions",
        "Class membership cites its own source in the knowledge base",
    ],
};

impl Check for DuplicateTherapy {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn run(&self, cx: &CheckContext) -> Vec<Finding> {
        let active: Vec<&MedicineUse> = cx.regimen.active().collect();
        let mut out = Vec::new();
        for class in cx.kb.classes().filter(|c| c.duplicate) {
            let members: Vec<(&MedicineUse, Vec<&str>)> = active
                .iter()
                .map(|m| {
                    let inside: Vec<&str> = m
                        .ingredient_names()
                        .filter(|i| class.members.iter().any(|c| c == i))
                        .collect();
                    (*m, inside)
                })
                .filter(|(_, inside)| !inside.is_empty())
                .collect();
            let ingredients: BTreeSet<&str> = members
                .iter()
                .flat_map(|(_, inside)| inside.iter().copied())
                .collect();
            // The same ingredient twice is `same-ingredient`'s business; a
            // usual, deliberate combination (aspirin with clopidogrel) is
            // not a duplicate.
            if members.len() < 2
                || ingredients.len() < 2
                || all_intended(cx, &class.id, &ingredients)
            {
                continue;
            }
            let meds: Vec<&MedicineUse> = members.iter().map(|(m, _)| *m).collect();
            let names: Vec<String> = meds.iter().map(|m| m.medication.name.clone()).collect();
            let ingredients: Vec<String> = ingredients.into_iter().map(str::to_owned).collect();
            let pairs: Vec<String> = members
                .iter()
                .map(|(m, inside)| format!("{} ({})", m.medication.name, inside.join(", ")))
                .collect();
            let mut evidence = vec![DOC.references[0].to_owned()];
            evidence.extend(class.sources.iter().cloned());
            out.push(Finding {
                id: finding_id(DOC.name, ingredients.iter().cloned()),
                check: DOC.name,
                severity: Severity::Moderate,
                medicines: names.clone(),
                ingredients: ingredients.clone(),
                prescribers: prescribers_of(meds.iter().copied()),
                title: format!("Duplicate therapy: {}", class.name),
                patient_text: cx.say(
                    format!(
                        "{} are both {}. Taking both may be too much of the same kind of medicine. \
                         Ask us if you need both.",
                        join_names(&names, "and"),
                        class.plain
                    ),
                    format!(
                        "{} son {}. Tomar los dos puede ser demasiado del mismo tipo de medicina. \
                         Pregúntenos si necesita los dos.",
                        join_names(&names, "y"),
                        class.plain_es
                    ),
                ),
                prescriber_text: format!(
                    "Therapeutic duplication ({}): {}. Additive adverse effects with little added \
                     benefit. Recommended: confirm intent and stop one unless the combination \
                     is deliberate (for example a planned cross-taper).",
                    class.name,
                    join_names(&pairs, "and")
                ),
                patient_action: true,
                reviewer_follows_up: false,
                evidence,
                context: vec![format!(
                    "{} active medicines in class {}",
                    meds.len(),
                    class.id
                )],
                decision: None,
                concern: String::new(),
                why: String::new(),
                recommendation: String::new(),
            });
        }
        out
    }
}

/// Whether every two different ingredients here are an intended pair.
fn all_intended(cx: &CheckContext, class: &str, ingredients: &BTreeSet<&str>) -> bool {
    ingredients.iter().all(|x| {
        ingredients
            .iter()
            .filter(|y| *y != x)
            .all(|y| cx.kb.intended(class, x, y).is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{findings, regimen};

    #[test]
    fn fires_for_two_nsaids() {
        let r = regimen(
            "[[medications]]\nname = \"Advil\"\n[[medications]]\nname = \"Aleve 220 mg\"\n",
        );
        let found = findings(&DuplicateTherapy, &r);
        assert!(
            found
                .iter()
                .any(|f| f.id == "duplicate-therapy/ibuprofen+naproxen"),
            "{found:?}"
        );
    }

    #[test]
    fn stays_quiet_for_different_classes_and_for_one_ingredient_twice() {
        let r = regimen(
            "[[medications]]\nname = \"lisinopril 10 mg\"\n[[medications]]\nname = \"amlodipine 5 mg\"\n\
             [[medications]]\nname = \"Advil\"\n[[medications]]\nname = \"Motrin IB\"\n",
        );
        assert!(findings(&DuplicateTherapy, &r).is_empty());
    }

    #[test]
    fn intended_combinations_are_not_duplicates_but_a_third_member_is() {
        let r = regimen(
            "[[medications]]\nname = \"aspirin 81 mg\"\n[[medications]]\nname = \"Plavix 75 mg\"\n\
             [[medications]]\nname = \"Advair Diskus 250/50\"\n[[medications]]\nname = \"ProAir HFA\"\n\
             sig = \"2 puffs q4-6h prn wheeze\"\n",
        );
        assert!(findings(&DuplicateTherapy, &r).is_empty());
        let r = regimen(
            "[[medications]]\nname = \"aspirin 81 mg\"\n[[medications]]\nname = \"Plavix 75 mg\"\n\
             [[medications]]\nname = \"Brilinta 90 mg\"\n",
        );
        let found = findings(&DuplicateTherapy, &r);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].id,
            "duplicate-therapy/aspirin+clopidogrel+ticagrelor"
        );
    }

    #[test]
    fn two_prescribers_both_hear_of_a_duplicate() {
        let r = regimen(
            "[[medications]]\nname = \"sertraline 50 mg\"\nprescriber = \"psych\"\n\
             [[medications]]\nname = \"Prozac 20 mg\"\nprescriber = \"gp\"\n",
        );
        let found = findings(&DuplicateTherapy, &r);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].prescribers, ["gp", "psych"]);
    }

    #[test]
    fn ignores_stopped_medicines() {
        let r = regimen(
            "[[medications]]\nname = \"Advil\"\n[[medications]]\nname = \"Aleve\"\nstatus = \"stopped\"\n",
        );
        assert!(findings(&DuplicateTherapy, &r).is_empty());
    }
}
