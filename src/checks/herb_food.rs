//! `herb-food`: a medicine meeting a food, drink or habit (grapefruit,
//! alcohol, tobacco, vitamin K foods, tyramine, dairy, salt substitutes),
//! and the spacing of doses with minerals, antacids and other food-like
//! products (levothyroxine and calcium).
//!
//! When a `[[food]]` rule fires (documented in `herb-food.toml` too):
//! alcohol rules when the record's drinks per week reach the rule's
//! threshold, and as `minor` advice when alcohol use is not recorded (a
//! recorded 0 is silent); tobacco rules only when the record says the
//! patient smokes; every other exposure whenever the medicine is taken, as
//! advice at `moderate` at most, because a record does not say what the
//! patient eats (grapefruit with simvastatin is counselling, not an alarm).

use std::collections::BTreeMap;

use super::{Check, CheckContext, CheckDoc, Finding, Severity, finding_id, join_names, pairs};
use crate::knowledge::{Exposure, FoodRule, PairCheck};
use crate::regimen::MedicineUse;

pub struct HerbFood;

static DOC: CheckDoc = CheckDoc {
    name: "herb-food",
    summary: "A medicine that meets a food, drink or habit (grapefruit, alcohol, smoking, \
              vitamin K foods with warfarin, aged cheese with an MAOI, potassium salt \
              substitutes), or that must be taken apart from calcium, iron, antacids or dairy.",
    why: "What a patient eats, drinks and smokes can make a medicine stronger, weaker or \
          unsafe, and some medicines are simply not absorbed when taken with minerals. The \
          answer is usually simple advice or a change in timing.",
    example: "[[medications]]\nname = \"levothyroxine 75 mcg\"\nsig = \"1 tab qam\"\n\n\
              [[medications]]\nname = \"Caltrate 600+D\"\nsig = \"1 tab bid\"\ntype = \"supplement\"",
    references: &[
        "FDA, Grapefruit Juice and Some Drugs Don't Mix (consumer update, 2017)",
        "Each rule cites the FDA labels and fact sheets it rests on",
    ],
};

impl Check for HerbFood {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn run(&self, cx: &CheckContext) -> Vec<Finding> {
        let mut out = pairs::findings(cx, PairCheck::HerbFood, DOC.name);
        out.extend(food_findings(cx));
        out
    }
}

/// How the record's facts bear on an exposure: `None` silences the rule,
/// otherwise the severity cap and the context line.
fn exposure_fact(cx: &CheckContext, rule: &FoodRule) -> Option<(Severity, String)> {
    let health = &cx.regimen.record.health;
    match rule.exposure {
        Exposure::Alcohol => {
            let least = rule.min_drinks_per_week.unwrap_or(1);
            match health.alcohol_drinks_per_week {
                Some(n) if n >= least => Some((
                    rule.severity,
                    format!("{n} alcoholic drinks a week on record"),
                )),
                Some(_) => None,
                None => Some((
                    Severity::Minor,
                    "alcohol use not recorded: given as advice".to_owned(),
                )),
            }
        }
        Exposure::Tobacco => (health.smoker == Some(true)).then(|| {
            (
                rule.severity,
                "the record says the patient smokes".to_owned(),
            )
        }),
        // Advice only: the record does not say what the patient eats, so
        // it is counselling, not an alert, and stays at `moderate` at most.
        _ => Some((
            rule.severity.min(Severity::Moderate),
            "advice for anyone taking this medicine: the record does not say what the patient \
             eats or drinks"
                .to_owned(),
        )),
    }
}

/// The rules of one (ingredient, exposure), with their file order, and the
/// medicines bringing the ingredient.
type Hits<'k, 'r> = (Vec<(usize, &'k FoodRule)>, Vec<&'r MedicineUse>);

fn food_findings(cx: &CheckContext) -> Vec<Finding> {
    let mut hits: BTreeMap<(&str, Exposure), Hits> = BTreeMap::new();
    for med in cx.regimen.active() {
        for ingredient in med.ingredient_names() {
            for (order, rule) in cx.kb.foods().iter().enumerate() {
                if !cx.kb.matches(&rule.medicine, &rule.except, ingredient) {
                    continue;
                }
                let entry = hits.entry((ingredient, rule.exposure)).or_default();
                if !entry.0.iter().any(|(o, _)| *o == order) {
                    entry.0.push((order, rule));
                }
                if !entry.1.iter().any(|m| m.index == med.index) {
                    entry.1.push(med);
                }
            }
        }
    }
    let mut out = Vec::new();
    for ((ingredient, exposure), (rules, meds)) in hits {
        // Among the rules that fire for this record (a rule with a higher
        // drinks threshold may not), the most severe, then the most
        // specific, then the first.
        let best = rules
            .into_iter()
            .filter_map(|(order, rule)| {
                let (severity, fact) = exposure_fact(cx, rule)?;
                Some((severity.min(rule.severity), order, rule, fact))
            })
            .max_by_key(|(severity, order, rule, _)| {
                (
                    *severity,
                    !rule.medicine.starts_with("class:"),
                    std::cmp::Reverse(*order),
                )
            });
        let Some((severity, _, rule, fact)) = best else {
            continue;
        };
        let names: Vec<String> = meds.iter().map(|m| m.medication.name.clone()).collect();
        let fill = |text: &str, and: &str| text.replace("{medicine}", &join_names(&names, and));
        let mut context = vec![
            format!("{} ({ingredient})", join_names(&names, "and")),
            fact,
        ];
        if let Some(h) = rule.separate_hours {
            context.push(format!("keep at least {h} hours apart"));
        }
        context.push(format!("knowledge-base rule {}", rule.id));
        out.push(Finding {
            id: finding_id(DOC.name, [ingredient, exposure.as_str()]),
            check: DOC.name,
            severity,
            medicines: names.clone(),
            ingredients: vec![ingredient.to_owned()],
            prescribers: super::prescribers_of(meds.iter().copied()),
            title: rule.title.clone(),
            patient_text: cx.say(fill(&rule.patient, "and"), fill(&rule.patient_es, "y")),
            prescriber_text: super::clinical_text(&rule.consequence, &rule.mechanism, &rule.action),
            patient_action: true,
            reviewer_follows_up: false,
            evidence: rule.sources.clone(),
            context,
            decision: None,
            concern: rule.concern.clone().unwrap_or_default(),
            why: format!("{} Mechanism: {}", rule.consequence, rule.mechanism),
            recommendation: rule.action.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{findings, findings_with, regimen, regimen_with, small_kb};
    use crate::knowledge::Knowledge;

    fn food(id: &str, medicine: &str, exposure: &str, severity: &str, extra: &str) -> String {
        format!(
            "[[food]]\nid = \"{id}\"\nmedicine = \"{medicine}\"\nexposure = \"{exposure}\"\n\
             severity = \"{severity}\"\ntitle = \"T\"\nconsequence = \"C.\"\nmechanism = \"M.\"\n\
             action = \"A.\"\npatient = \"{{medicine}}: {id}.\"\npatient_es = \"{{medicine}}.\"\n\
             sources = [\"S\"]\n{extra}\n"
        )
    }

    fn kb() -> Knowledge {
        small_kb(
            &["alpha", "beta"],
            &(food(
                "a-alcohol",
                "alpha",
                "alcohol",
                "major",
                "min_drinks_per_week = 7",
            ) + &food("a-smoke", "alpha", "tobacco", "moderate", "")
                + &food("b-grapefruit", "beta", "grapefruit", "moderate", "")),
        )
    }

    fn ids(health: &str) -> Vec<(String, Severity)> {
        let kb = kb();
        let r = regimen_with(
            &kb,
            &format!(
                "[health]\n{health}\n[[medications]]\nname = \"alpha\"\n\
                 [[medications]]\nname = \"beta\"\n"
            ),
        );
        findings_with(&HerbFood, &kb, &r)
            .into_iter()
            .map(|f| (f.id, f.severity))
            .collect()
    }

    #[test]
    fn alcohol_rules_follow_the_recorded_drinks() {
        let alcohol = |h: &str| {
            ids(h)
                .into_iter()
                .find(|(id, _)| id == "herb-food/alcohol+alpha")
                .map(|(_, s)| s)
        };
        assert_eq!(
            alcohol("alcohol_drinks_per_week = 10"),
            Some(Severity::Major)
        );
        assert_eq!(
            alcohol("alcohol_drinks_per_week = 7"),
            Some(Severity::Major)
        );
        assert_eq!(alcohol("alcohol_drinks_per_week = 6"), None);
        assert_eq!(alcohol("alcohol_drinks_per_week = 0"), None);
        // Not recorded: advice, at minor.
        assert_eq!(alcohol(""), Some(Severity::Minor));
    }

    #[test]
    fn tobacco_rules_need_a_smoker_and_food_rules_always_advise() {
        let with = ids("smoker = true");
        assert!(with.contains(&("herb-food/alpha+tobacco".into(), Severity::Moderate)));
        assert!(with.contains(&("herb-food/beta+grapefruit".into(), Severity::Moderate)));
        for health in ["smoker = false", ""] {
            let without = ids(health);
            assert!(!without.iter().any(|(id, _)| id.contains("tobacco")));
            assert!(
                without
                    .iter()
                    .any(|(id, _)| id == "herb-food/beta+grapefruit")
            );
        }
    }

    #[test]
    fn a_stricter_rule_that_does_not_fire_leaves_room_for_one_that_does() {
        let kb = small_kb(
            &["alpha"],
            &(food(
                "heavy",
                "alpha",
                "alcohol",
                "major",
                "min_drinks_per_week = 21",
            ) + &food(
                "some",
                "alpha",
                "alcohol",
                "moderate",
                "min_drinks_per_week = 7",
            ) + &food("fruit", "alpha", "grapefruit", "major", "")),
        );
        let run = |drinks: u32| {
            let r = regimen_with(
                &kb,
                &format!(
                    "[health]\nalcohol_drinks_per_week = {drinks}\n[[medications]]\nname = \"alpha\"\n"
                ),
            );
            findings_with(&HerbFood, &kb, &r)
        };
        let alcohol = |found: &[Finding]| {
            found
                .iter()
                .find(|f| f.id == "herb-food/alcohol+alpha")
                .map(|f| f.severity)
        };
        assert_eq!(alcohol(&run(10)), Some(Severity::Moderate));
        assert_eq!(alcohol(&run(30)), Some(Severity::Major));
        assert_eq!(alcohol(&run(3)), None);
        // Food advice is counselling: capped at moderate.
        let fruit = run(0)
            .into_iter()
            .find(|f| f.id == "herb-food/alpha+grapefruit")
            .expect("fires");
        assert_eq!(fruit.severity, Severity::Moderate);
    }

    #[test]
    fn warfarin_gets_the_vitamin_k_advice_and_loratadine_nothing() {
        let r = regimen(
            "[[medications]]\nname = \"Coumadin 5 mg\"\nsig = \"1 tab qpm\"\n\
             [[medications]]\nname = \"Claritin 10 mg\"\n",
        );
        let found = findings(&HerbFood, &r);
        let f = found
            .iter()
            .find(|f| f.id == "herb-food/vitamin-k-foods+warfarin")
            .expect("fires");
        assert!(
            f.patient_text.contains("Coumadin 5 mg"),
            "{}",
            f.patient_text
        );
        assert!(!found.iter().any(|f| f.ingredients == ["loratadine"]));
    }
}
