//! `same-ingredient`: one ingredient arriving through more than one product,
//! with the most it can add up to in a day against the labelled maximum.

use std::collections::BTreeMap;

use super::daily::{most_per_day, number, taken_schedule};
use super::{
    Check, CheckContext, CheckDoc, Finding, Severity, finding_id, join_names, prescribers_of,
};
use crate::regimen::MedicineUse;

pub struct SameIngredient;

static DOC: CheckDoc = CheckDoc {
    name: "same-ingredient",
    summary: "One ingredient taken through more than one product (a cold medicine and a pain \
              reliever that both contain acetaminophen), with the most it can add up to in a \
              day compared with the labelled daily maximum.",
    why: "People rarely read the active ingredients of over-the-counter products. \
          Acetaminophen in a cold medicine plus a pain reliever is a leading cause of \
          accidental overdose and liver injury; two sedating antihistamines add up the same way.",
    example: "[[medications]]\nname = \"NyQuil Cold & Flu\"\nsig = \"30 mL q6h prn\"\n\n\
              [[medications]]\nname = \"Tylenol Extra Strength\"\nsig = \"2 caplets q6h prn pain\"",
    references: &[
        "FDA Drug Facts labels: 'do not use with any other drug containing acetaminophen' \
         (acetaminophen OTC monograph labeling, 21 CFR 201.326)",
        "The daily maximum of each ingredient cites its own label in the knowledge base",
    ],
};

impl Check for SameIngredient {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn run(&self, cx: &CheckContext) -> Vec<Finding> {
        let mut by_ingredient: BTreeMap<&str, Vec<&MedicineUse>> = BTreeMap::new();
        for med in cx.regimen.active() {
            for name in med.ingredient_names() {
                by_ingredient.entry(name).or_default().push(med);
            }
        }
        by_ingredient
            .into_iter()
            .filter(|(_, meds)| meds.len() > 1)
            .map(|(ingredient, meds)| finding(cx, ingredient, &meds))
            .collect()
    }
}

fn finding(cx: &CheckContext, ingredient: &str, meds: &[&MedicineUse]) -> Finding {
    let names: Vec<String> = meds.iter().map(|m| m.medication.name.clone()).collect();
    let info = cx.kb.ingredient(ingredient);
    let lower = super::daily::maximum(cx, ingredient, meds, false);
    let max = lower.as_ref().map(|m| m.amount);
    let per_med: Vec<Option<f64>> = meds
        .iter()
        .map(|m| max.and_then(|max| most_per_day(m, ingredient, max.unit)))
        .collect();
    let total: Option<f64> = per_med.iter().copied().sum();
    // What can be computed already counts: one product with unknown
    // directions does not hide that the others pass the maximum together.
    let at_least: f64 = per_med.iter().flatten().sum();

    let mut context: Vec<String> = meds
        .iter()
        .zip(&per_med)
        .map(|(m, amount)| match (amount, max) {
            (Some(a), Some(max)) => format!(
                "{}: up to {} {} of {ingredient} a day {}",
                m.medication.name,
                number(*a),
                max.unit.as_str(),
                if taken_schedule(m).is_some() {
                    "as the patient takes it"
                } else {
                    "as directed"
                }
            ),
            _ => format!(
                "{}: contains {ingredient}; daily amount not computable",
                m.medication.name
            ),
        })
        .collect();
    let over = max.is_some_and(|m| at_least > m.amount);
    if let Some(why) = lower.as_ref().and_then(|m| m.why.clone()) {
        context.push(why);
    }
    if let Some(m) = max {
        let together = match total {
            Some(t) => format!("together up to {} {}", number(t), m.unit.as_str()),
            None => format!("together at least {} {}", number(at_least), m.unit.as_str()),
        };
        context.push(format!(
            "{together} a day; maximum {} {unit}",
            number(m.amount),
            unit = m.unit.as_str()
        ));
    }

    let both_en = join_names(&names, "and");
    let both_es = join_names(&names, "y");
    let mut patient_en = format!(
        "{both_en} both have {ingredient} in them. Taking them together can give you too much. \
         Use only one of them until you talk with us."
    );
    let mut patient_es = format!(
        "{both_es} tienen {ingredient}. Si los usa juntos, puede tomar demasiado. \
         Use solo uno hasta que hable con nosotros."
    );
    if let (true, Some(m)) = (over, max) {
        let t = total.unwrap_or(at_least);
        patient_en += &format!(
            " Together they can add up to {} {unit} in 1 day. The label says no more than {} {unit} in 1 day.",
            number(t),
            number(m.amount),
            unit = m.unit.as_str()
        );
        patient_es += &format!(
            " Juntos pueden sumar {} {unit} en 1 día. La etiqueta dice no más de {} {unit} en 1 día.",
            number(t),
            number(m.amount),
            unit = m.unit.as_str()
        );
    }
    let exposure = match (total, max) {
        (Some(t), Some(m)) => format!(
            " Maximum daily intake as directed: {} {unit} against a labelled maximum of {} {unit}/day{}.",
            number(t),
            number(m.amount),
            if over { " (exceeded)" } else { "" },
            unit = m.unit.as_str()
        ),
        (None, Some(m)) => format!(
            " Daily intake could not be fully computed from the directions (at least {} {unit} \
             from the products that could be); labelled maximum {} {unit}/day{}.",
            number(at_least),
            number(m.amount),
            if over { " (exceeded)" } else { "" },
            unit = m.unit.as_str()
        ),
        _ => String::new(),
    };
    let mut evidence = vec![DOC.references[0].to_owned()];
    if let Some(limit) = lower.as_ref().and_then(|m| m.limit) {
        evidence.extend(limit.sources.iter().cloned());
    }
    if let Some(i) = info {
        evidence.extend(i.sources.iter().cloned());
    }
    Finding {
        id: finding_id(DOC.name, [ingredient]),
        check: DOC.name,
        severity: if over {
            Severity::Major
        } else {
            Severity::Moderate
        },
        medicines: names.clone(),
        ingredients: vec![ingredient.to_owned()],
        prescribers: prescribers_of(meds.iter().copied()),
        title: format!("{ingredient} in {} products", meds.len()),
        patient_text: cx.say(patient_en, patient_es),
        prescriber_text: format!(
            "{ingredient} is taken through {both_en}: additive exposure to one ingredient.{exposure} \
             Recommended: a single product and counselling to check the active ingredients of \
             over-the-counter products."
        ),
        patient_action: true,
        reviewer_follows_up: false,
        evidence,
        context,
        decision: None,
        concern: String::new(),
        why: String::new(),
        recommendation: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{findings, regimen, regimen_born};
    use crate::knowledge::Unit;

    #[test]
    fn fires_for_acetaminophen_in_a_cold_medicine_and_a_pain_reliever() {
        let r = regimen(
            "[[medications]]\nname = \"NyQuil Cold & Flu\"\nsig = \"30 mL q6h prn cough\"\ntype = \"otc\"\n\
             [[medications]]\nname = \"Tylenol Extra Strength\"\nsig = \"2 caplets q6h prn pain\"\ntype = \"otc\"\n",
        );
        let found = findings(&SameIngredient, &r);
        let f = found
            .iter()
            .find(|f| f.id == "same-ingredient/acetaminophen")
            .expect("fires");
        // 650 mg x 4 doses + 1000 mg x 4 doses = 6600 mg > 4000 mg.
        assert_eq!(f.severity, Severity::Major);
        assert!(
            f.context.iter().any(|c| c.contains("6600")),
            "{:?}",
            f.context
        );
        assert!(
            f.patient_text
                .contains("NyQuil Cold & Flu and Tylenol Extra Strength")
        );
    }

    /// "650 MG EVERY 6 HOURS" is 2.6 g of acetaminophen a day: counted
    /// in 325 mg tablets when the product says its strength, and by weight
    /// when it does not.
    #[test]
    fn a_dose_written_by_weight_counts_in_the_daily_total() {
        for name in ["Tylenol Regular Strength", "acetaminophen"] {
            let r = regimen(&format!(
                "[[medications]]\nname = \"{name}\"\nsig = \"650 MG EVERY 6 HOURS\"\n"
            ));
            let med = &r.medicines[0];
            assert_eq!(
                most_per_day(med, "acetaminophen", Unit::Mg),
                Some(2600.0),
                "{name}: {:?}",
                med.schedule
            );
        }
        // A weight of a combination product is not one ingredient's.
        let r = regimen("[[medications]]\nname = \"Tylenol PM\"\nsig = \"500 mg at bedtime\"\n");
        assert_eq!(
            most_per_day(&r.medicines[0], "acetaminophen", Unit::Mg),
            None
        );
    }

    #[test]
    fn stays_quiet_for_one_product_or_a_stopped_one() {
        let r = regimen(
            "[[medications]]\nname = \"Tylenol Extra Strength\"\nsig = \"2 caplets q6h prn pain\"\n\
             [[medications]]\nname = \"Tylenol PM\"\nstatus = \"stopped\"\n\
             [[medications]]\nname = \"lisinopril 10 mg\"\nsig = \"1 tab po qd\"\n",
        );
        assert!(findings(&SameIngredient, &r).is_empty());
    }

    #[test]
    fn major_when_the_computable_part_alone_passes_the_maximum() {
        let r = regimen(
            "[[medications]]\nname = \"Tylenol Extra Strength\"\nsig = \"2 caplets q6h\"\n\
             [[medications]]\nname = \"Tylenol 8 HR Arthritis\"\nsig = \"2 caplets q8h\"\n\
             [[medications]]\nname = \"Percocet 5/325\"\nsig = \"as directed\"\n",
        );
        let found = findings(&SameIngredient, &r);
        let f = found
            .iter()
            .find(|f| f.id == "same-ingredient/acetaminophen")
            .expect("fires");
        assert_eq!(f.severity, Severity::Major, "{:?}", f.context);
        assert!(
            f.context.iter().any(|c| c.contains("at least")),
            "{:?}",
            f.context
        );
    }

    /// 3,000 + 325 mg of acetaminophen a day: under 4 g, over 3 g.
    const BETWEEN_3_AND_4_G: &str = "[[medications]]\nname = \"Tylenol Extra Strength\"\n\
        sig = \"2 caplets tid\"\n[[medications]]\nname = \"Tylenol Regular Strength\"\nsig = \"1 tab qhs\"\n";

    fn acetaminophen(born: &str, extra: &str) -> Finding {
        let r = regimen_born(born, &format!("{extra}\n{BETWEEN_3_AND_4_G}"));
        findings(&SameIngredient, &r)
            .into_iter()
            .find(|f| f.id == "same-ingredient/acetaminophen")
            .expect("fires")
    }

    #[test]
    fn the_lower_acetaminophen_limit_applies_with_liver_disease_or_alcohol_not_by_age() {
        let young = acetaminophen("1986-05-05", "");
        assert_eq!(young.severity, Severity::Moderate, "{:?}", young.context);
        assert!(young.context.iter().any(|c| c.contains("3325")));
        // Age alone lowers nothing: the cited panel keeps 4 g a day.
        for born in ["1962-11-21", "1961-11-20", "1940-01-01"] {
            let f = acetaminophen(born, "");
            assert_eq!(f.severity, Severity::Moderate, "{born}: {:?}", f.context);
            assert!(
                !f.context.iter().any(|c| c.contains("lower maximum")),
                "{born}"
            );
        }
        let f = acetaminophen(
            "1986-05-05",
            "[health]\nconditions = [\"Alcoholic cirrhosis\"]",
        );
        assert_eq!(f.severity, Severity::Major);
        assert!(f.context.iter().any(|c| c.contains("cirrhosis")));
        let f = acetaminophen("1986-05-05", "[health]\nalcohol_drinks_per_week = 21");
        assert_eq!(f.severity, Severity::Major);
        let f = acetaminophen("1986-05-05", "[health]\nalcohol_drinks_per_week = 20");
        assert_eq!(f.severity, Severity::Moderate);
    }

    #[test]
    fn the_total_counts_what_the_patient_really_takes() {
        let r = regimen_born(
            "1986-05-05",
            "[[medications]]\nname = \"Tylenol Extra Strength\"\nsig = \"1 caplet q6h prn\"\n\
             taking = \"2 caplets q4h\"\n[[medications]]\nname = \"Tylenol Regular Strength\"\n\
             sig = \"1 tab qhs\"\n",
        );
        let f = findings(&SameIngredient, &r)
            .into_iter()
            .find(|f| f.id == "same-ingredient/acetaminophen")
            .expect("fires");
        // 2 x 500 mg x 6 doses = 6000 mg as taken (as directed: 2000 mg).
        assert_eq!(f.severity, Severity::Major, "{:?}", f.context);
        assert!(
            f.context
                .iter()
                .any(|c| c.contains("6000") && c.contains("as the patient takes it")),
            "{:?}",
            f.context
        );
    }

    #[test]
    fn moderate_when_the_total_cannot_be_computed() {
        let r = regimen(
            "[[medications]]\nname = \"Tylenol\"\n[[medications]]\nname = \"Percocet 5/325\"\n",
        );
        let found = findings(&SameIngredient, &r);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Moderate);
    }
}
