//! `dose`: one medicine taken at more than the labelled daily maximum for
//! this patient, or a once-a-week medicine scheduled on several days a week
//! (daily oral methotrexate, a dosing error that has killed).
//!
//! The maximum that applies ([`maximum`]) is the ingredient's labelled one,
//! or that of its extended-release products when every product taken is
//! extended-release (zolpidem 10 mg, 12.5 mg extended), lowered by the
//! knowledge base's `[[limit]]`s that fit the patient: age, liver disease,
//! alcohol, sex, release form. A limit that is the label's *recommended*
//! dose for these patients (zolpidem 5 mg for women) gives a `moderate`
//! finding; above a maximum is `major`. Two products of one ingredient are
//! the `same-ingredient` check's: it adds them up against the same maximum,
//! so this check looks at ingredients taken through one product only.

use std::collections::BTreeMap;

use super::daily::{maximum, most_per_day, number, taken_schedule};
use super::{Check, CheckContext, CheckDoc, Finding, Severity, finding_id, prescribers_of};
use crate::record::MedicineType;
use crate::regimen::{MedicineUse, Schedule};

pub struct Dose;

static DOC: CheckDoc = CheckDoc {
    name: "dose",
    summary: "One medicine taken at more than its labelled daily maximum for this patient \
              (lower for older adults, liver disease or heavy drinking where a source says so; \
              the extended-release maximum for extended-release products), counted as the \
              patient really takes it; above the dose a label recommends for the patient (for \
              women) at moderate; and a once-a-week medicine (oral methotrexate) whose \
              directions read as several days a week.",
    why: "Doses drift up, directions are misread, and a label's lower dose for older adults \
          or women is missed. Oral methotrexate taken daily instead of weekly is a known, \
          fatal medication error.",
    example: "[[medications]]\nname = \"methotrexate 2.5 mg\"\nsig = \"1 tab daily\"",
    references: &[
        "The daily maximum of each ingredient cites its own label in the knowledge base",
        "FDA label, Xatmep (methotrexate) oral solution, Warnings and Precautions (serious \
         adverse reactions, including death, from daily instead of weekly dosing) (2020)",
        "ISMP Targeted Medication Safety Best Practices for Hospitals 2022-2023, Best Practice \
         2 (weekly oral methotrexate) (2022)",
    ],
};

impl Check for Dose {
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
        let mut found = Vec::new();
        for (ingredient, meds) in by_ingredient {
            if let [med] = meds[..]
                && let Some(f) = above_maximum(cx, ingredient, med)
            {
                found.push(f);
            }
            if cx.kb.ingredient(ingredient).is_some_and(|i| i.once_weekly) {
                found.extend(meds.iter().filter_map(|m| not_weekly(cx, ingredient, m)));
            }
        }
        found
    }
}

/// One product of `ingredient` taken at more than the maximum that applies.
fn above_maximum(cx: &CheckContext, ingredient: &str, med: &MedicineUse) -> Option<Finding> {
    let max = maximum(cx, ingredient, &[med], true)?;
    let taken = most_per_day(med, ingredient, max.amount.unit)?;
    if taken <= max.amount.amount + 1e-9 {
        return None;
    }
    let unit = max.amount.unit.as_str();
    let (taken_text, limit_text) = (number(taken), number(max.amount.amount));
    let name = &med.medication.name;
    let how = if taken_schedule(med).is_some() {
        "as the patient takes it"
    } else {
        "as directed"
    };
    let mut context = vec![format!(
        "{name}: up to {taken_text} {unit} of {ingredient} a day {how}"
    )];
    context.extend(max.why.clone());
    context.push(format!(
        "{} {limit_text} {unit} a day",
        if max.recommended() {
            "recommended dose"
        } else {
            "maximum"
        }
    ));
    let self_care = matches!(
        med.medication.kind,
        MedicineType::Otc | MedicineType::Supplement | MedicineType::Herbal
    );
    let (patient_en, patient_es) = if max.recommended() {
        (
            format!(
                "Your dose of {name} is higher than the label suggests for you. \
                 Do not change it on your own. We will ask your doctor about it."
            ),
            format!(
                "Su dosis de {name} es más alta de lo que la etiqueta sugiere para usted. \
                 No la cambie por su cuenta. Le preguntaremos a su médico."
            ),
        )
    } else if self_care {
        (
            format!(
                "The way you take {name} can give you up to {taken_text} {unit} in 1 day. \
                 The label says no more than {limit_text} {unit} in 1 day. \
                 Do not take more than the label says. Ask us what else can help."
            ),
            format!(
                "Como toma {name}, puede recibir hasta {taken_text} {unit} en 1 día. \
                 La etiqueta dice no más de {limit_text} {unit} en 1 día. \
                 No tome más de lo que dice la etiqueta. Pregúntenos qué más puede ayudarle."
            ),
        )
    } else {
        (
            format!(
                "Your dose of {name} is more than the most the label gives for 1 day. \
                 Do not change it on your own. We will ask your doctor about it today."
            ),
            format!(
                "Su dosis de {name} es más de lo máximo que la etiqueta da para 1 día. \
                 No la cambie por su cuenta. Hoy le preguntaremos a su médico."
            ),
        )
    };
    let what = if max.recommended() {
        "the dose the label recommends for this patient"
    } else {
        "the labelled daily maximum for this patient"
    };
    let mut evidence = Vec::new();
    if let Some(l) = max.limit {
        evidence.extend(l.sources.iter().cloned());
    }
    if let Some(i) = cx.kb.ingredient(ingredient) {
        evidence.extend(i.sources.iter().cloned());
    }
    Some(Finding {
        id: finding_id(DOC.name, [ingredient]),
        check: DOC.name,
        severity: if max.recommended() {
            Severity::Moderate
        } else {
            Severity::Major
        },
        medicines: vec![name.clone()],
        ingredients: vec![ingredient.to_owned()],
        prescribers: prescribers_of([med]),
        title: format!("{ingredient} above {what}"),
        patient_text: cx.say(patient_en, patient_es),
        prescriber_text: format!(
            "{name} gives up to {taken_text} {unit} of {ingredient} a day {how}, above {what} \
             ({limit_text} {unit}). Recommended: confirm the intended dose and lower it to \
             {limit_text} {unit} a day or less, or document why a higher dose is needed."
        ),
        patient_action: self_care && !max.recommended(),
        reviewer_follows_up: !self_care || max.recommended(),
        evidence,
        context,
        decision: None,
        concern: String::new(),
        why: String::new(),
        recommendation: String::new(),
    })
}

/// How many days a week a schedule is taken, when its directions say:
/// 7 for a daily schedule.
fn days_a_week(s: &Schedule) -> Option<f64> {
    if !s.understood() || s.as_needed || !s.steps.is_empty() {
        return None;
    }
    if s.weekly {
        return Some(s.weekdays.len().max(1) as f64);
    }
    if let Some(n) = s.per_week {
        return Some(f64::from(n));
    }
    if s.every_other_day {
        return Some(3.5);
    }
    (s.doses_per_day().is_some() || s.every_hours.is_some()).then_some(7.0)
}

/// A once-a-week medicine whose directions (or the way the patient takes
/// it) read as more than two days a week. Two days allow the labelled split
/// of one weekly dose into doses 12 hours apart.
fn not_weekly(cx: &CheckContext, ingredient: &str, med: &MedicineUse) -> Option<Finding> {
    let taken = taken_schedule(med);
    let schedule = taken.as_ref().unwrap_or(&med.schedule);
    let days = days_a_week(schedule)?;
    if days <= 2.0 {
        return None;
    }
    let name = &med.medication.name;
    let how = if taken.is_some() {
        "as the patient takes it"
    } else {
        "as directed"
    };
    let mut evidence: Vec<String> = DOC.references[1..].iter().map(|s| s.to_string()).collect();
    if let Some(i) = cx.kb.ingredient(ingredient) {
        evidence.extend(i.sources.iter().cloned());
    }
    Some(Finding {
        id: finding_id(DOC.name, [ingredient]),
        check: DOC.name,
        severity: Severity::Major,
        medicines: vec![name.clone()],
        ingredients: vec![ingredient.to_owned()],
        prescribers: prescribers_of([med]),
        title: format!("{ingredient} scheduled on more days than once a week"),
        patient_text: cx.say(
            format!(
                "{name} is almost always taken once a week, not every day. \
                 Taking it more often can cause serious harm. \
                 Call us today, before your next dose."
            ),
            format!(
                "{name} casi siempre se toma una vez a la semana, no todos los días. \
                 Tomarlo más seguido puede hacerle mucho daño. \
                 Llámenos hoy, antes de su próxima dosis."
            ),
        ),
        prescriber_text: format!(
            "The directions of {name} read as {} days a week {how}. Oral {ingredient} is \
             taken once weekly for rheumatoid arthritis, psoriasis and most other uses; daily \
             instead of weekly dosing has caused fatal toxicity (bone marrow suppression, \
             mucositis, liver and kidney injury). Recommended: confirm the intended schedule \
             today and write it as once weekly on a named day, unless a daily regimen is \
             intended (some cancer protocols) and documented.",
            number(days)
        ),
        patient_action: true,
        reviewer_follows_up: false,
        evidence,
        context: vec![format!("{name}: {} days a week {how}", number(days))],
        decision: None,
        concern: String::new(),
        why: String::new(),
        recommendation: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{findings, regimen, regimen_born};
    use crate::knowledge::{Knowledge, Release};
    use crate::regimen::Regimen;

    /// A patient born on `born`, of `sex`, on `meds`.
    fn patient(born: &str, sex: &str, meds: &str) -> Regimen {
        let text = format!(
            "[patient]\nid = \"T-1\"\nname = \"T\"\nborn = {born}\nsex = \"{sex}\"\n\n\
             [review]\ndate = 2026-11-20\nreviewer = \"R\"\n\n{meds}"
        );
        let record = crate::record::parse(std::path::Path::new("t.toml"), &text).unwrap();
        Regimen::new(record, Knowledge::embedded())
    }

    fn dose_of<'a>(found: &'a [Finding], ingredient: &str) -> Option<&'a Finding> {
        found.iter().find(|f| f.id == format!("dose/{ingredient}"))
    }

    #[test]
    fn daily_methotrexate_is_caught_and_weekly_is_not() {
        for (sig, fires) in [
            ("1 tab daily", true),
            ("2.5 mg bid", true),
            ("3 tabs once weekly on Mondays", false),
            ("6 tabs every Monday", false),
            ("1 tab twice a week", false),
        ] {
            let r = regimen(&format!(
                "[[medications]]\nname = \"methotrexate 2.5 mg\"\nsig = \"{sig}\"\n"
            ));
            let found = findings(&Dose, &r);
            assert_eq!(dose_of(&found, "methotrexate").is_some(), fires, "{sig}");
        }
        // Weekly directions, but the patient takes it daily.
        let r = regimen(
            "[[medications]]\nname = \"methotrexate 2.5 mg\"\nsig = \"6 tabs weekly\"\n\
             taking = \"1 tab daily\"\n",
        );
        let f = findings(&Dose, &r);
        let f = dose_of(&f, "methotrexate").expect("fires on taking");
        assert_eq!(f.severity, Severity::Major);
        assert!(f.context[0].contains("as the patient takes it"), "{f:?}");
    }

    #[test]
    fn zolpidem_extended_release_has_its_own_maximum() {
        // 12.5 mg extended-release is within its label; 20 mg is not.
        let young = "1980-01-01";
        let r = regimen_born(
            young,
            "[[medications]]\nname = \"zolpidem ER 12.5 mg\"\nsig = \"1 tab at bedtime\"\n",
        );
        assert!(dose_of(&findings(&Dose, &r), "zolpidem").is_none());
        let r = regimen_born(
            young,
            "[[medications]]\nname = \"zolpidem 10 mg\"\nsig = \"2 tabs at bedtime\"\n",
        );
        let found = findings(&Dose, &r);
        let f = dose_of(&found, "zolpidem").expect("20 mg is above 10 mg");
        assert_eq!(f.severity, Severity::Major);
        // Immediate-release 12.5 mg is not a product, but 15 mg is above.
        let r = regimen_born(
            young,
            "[[medications]]\nname = \"zolpidem 5 mg\"\nsig = \"3 tabs at bedtime\"\n",
        );
        assert!(dose_of(&findings(&Dose, &r), "zolpidem").is_some());
    }

    #[test]
    fn zolpidem_lower_doses_for_older_adults_and_women() {
        // 10 mg at 76: above the older adult's 5 mg.
        let r = regimen_born(
            "1950-01-01",
            "[[medications]]\nname = \"zolpidem 10 mg\"\nsig = \"1 tab at bedtime\"\n",
        );
        let found = findings(&Dose, &r);
        let f = dose_of(&found, "zolpidem").expect("older adult");
        assert_eq!(f.severity, Severity::Major);
        assert!(f.context.iter().any(|c| c.contains("age 76")), "{f:?}");
        // 6.25 mg extended-release at 76 is the label's dose.
        let r = regimen_born(
            "1950-01-01",
            "[[medications]]\nname = \"Ambien CR 6.25 mg\"\nsig = \"1 tab at bedtime\"\n",
        );
        assert!(dose_of(&findings(&Dose, &r), "zolpidem").is_none());
        // A woman of 46 on 10 mg: above the recommended dose, moderate.
        let bedtime = "[[medications]]\nname = \"zolpidem 10 mg\"\nsig = \"1 tab at bedtime\"\n";
        let found = findings(&Dose, &patient("1980-01-01", "female", bedtime));
        let f = dose_of(&found, "zolpidem").expect("woman");
        assert_eq!(f.severity, Severity::Moderate);
        // A man of 46 on 10 mg: nothing.
        let found = findings(&Dose, &patient("1980-01-01", "male", bedtime));
        assert!(dose_of(&found, "zolpidem").is_none());
    }

    #[test]
    fn extended_release_is_read_from_the_name_the_form_or_the_product() {
        for (med, release) in [
            ("name = \"Ambien CR 6.25 mg\"", Release::Extended),
            ("name = \"zolpidem ER 12.5 mg\"", Release::Extended),
            ("name = \"Namenda XR 28 mg\"", Release::Extended),
            ("name = \"Namzaric 28 mg/10 mg\"", Release::Extended),
            (
                "name = \"metoprolol succinate\"\nform = \"extended-release tablet\"",
                Release::Extended,
            ),
            ("name = \"zolpidem 10 mg\"", Release::Immediate),
            ("name = \"Namenda 10 mg\"", Release::Immediate),
            ("name = \"Lasix 40 mg\"", Release::Immediate),
        ] {
            let r = regimen(&format!("[[medications]]\n{med}\nsig = \"1 daily\"\n"));
            assert_eq!(r.medicines[0].release(), release, "{med}");
        }
    }

    #[test]
    fn colchicine_has_a_daily_maximum() {
        // 3.6 mg a day is above the label's highest daily dose (2.4 mg, in
        // familial Mediterranean fever); 2.4 mg is not.
        let r = regimen("[[medications]]\nname = \"colchicine 0.6 mg\"\nsig = \"3 tab bid\"\n");
        assert!(dose_of(&findings(&Dose, &r), "colchicine").is_some());
        let r = regimen("[[medications]]\nname = \"colchicine 0.6 mg\"\nsig = \"2 tab bid\"\n");
        assert!(dose_of(&findings(&Dose, &r), "colchicine").is_none());
    }

    #[test]
    fn two_products_of_one_ingredient_are_left_to_same_ingredient() {
        let r = regimen(
            "[[medications]]\nname = \"Tylenol Extra Strength\"\nsig = \"2 caplets q4h\"\ntype = \"otc\"\n\
             [[medications]]\nname = \"NyQuil Cold & Flu\"\nsig = \"30 mL q6h\"\ntype = \"otc\"\n",
        );
        assert!(dose_of(&findings(&Dose, &r), "acetaminophen").is_none());
        // One product above the maximum: the patient is told the label's limit.
        let r = regimen(
            "[[medications]]\nname = \"Tylenol Extra Strength\"\nsig = \"2 caplets q4h\"\ntype = \"otc\"\n",
        );
        let found = findings(&Dose, &r);
        let f = dose_of(&found, "acetaminophen").expect("6 g a day");
        assert!(f.patient_text.contains("4000 mg"), "{}", f.patient_text);
        assert!(f.patient_action);
    }
}
