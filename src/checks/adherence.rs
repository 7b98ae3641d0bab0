//! `adherence`: the patient uses a medicine differently from its directions,
//! as recorded in the medication's `taking` field.

use super::{Check, CheckContext, CheckDoc, Finding, Severity, finding_id, prescribers_of};

pub struct Adherence;

static DOC: CheckDoc = CheckDoc {
    name: "adherence",
    summary: "A medicine the patient uses differently from the directions, as the reviewer \
              recorded it in `taking` (\"skips evening dose\", \"takes 2 instead of 1\").",
    why: "A prescriber who does not know how a medicine is really taken may raise a dose \
          that is not working because it is not taken, or miss a side effect that made the \
          patient stop. Cost, side effects and confusing directions are common reasons.",
    example: "[[medications]]\nname = \"metformin 500 mg\"\nsig = \"1 tab po bid\"\n\
              taking = \"skips the evening dose\"",
    references: &[
        "CMS Medicare Part D Medication Therapy Management: the comprehensive medication \
         review assesses how the beneficiary takes each medication (42 CFR 423.153(d))",
    ],
};

impl Check for Adherence {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn run(&self, cx: &CheckContext) -> Vec<Finding> {
        cx.regimen
            .active()
            .filter_map(|m| {
                let taking = m.medication.taking.as_deref()?.trim();
                if taking.is_empty() {
                    return None;
                }
                let name = &m.medication.name;
                let written = m
                    .medication
                    .sig
                    .clone()
                    .or_else(|| m.medication.dose.clone())
                    .unwrap_or_else(|| "no directions recorded".into());
                let mut subjects: Vec<String> = m.ingredient_names().map(str::to_owned).collect();
                if subjects.is_empty() {
                    subjects.push(crate::knowledge::resolve::name_key(name));
                }
                Some(Finding {
                    id: finding_id(DOC.name, subjects),
                    check: DOC.name,
                    severity: Severity::Moderate,
                    medicines: vec![name.clone()],
                    ingredients: m.ingredient_names().map(str::to_owned).collect(),
                    prescribers: prescribers_of([m]),
                    title: format!("{name} used differently from the directions"),
                    patient_text: cx.say(
                        format!(
                            "You told us how you use {name}: \"{taking}\". That is not what the label \
                             says. Please talk with us or your doctor before you change how you use it."
                        ),
                        format!(
                            "Usted nos dijo cómo usa {name}: \"{taking}\". Eso no es lo que dice la \
                             etiqueta. Hable con nosotros o con su médico antes de cambiar cómo lo usa."
                        ),
                    ),
                    prescriber_text: format!(
                        "Directions \"{written}\"; patient reports: \"{taking}\". Effect and side \
                         effects may differ from what the prescribed regimen implies. Recommend \
                         exploring the reason (cost, side effects, understanding) and adjusting the \
                         regimen or the directions."
                    ),
                    patient_action: true,
                    evidence: vec![DOC.references[0].to_owned()],
                    context: vec![format!("directions: {written}"), format!("patient reports: {taking}")],
                    decision: None,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{findings, regimen};

    #[test]
    fn fires_when_taking_differs() {
        let r = regimen(
            "[[medications]]\nname = \"metformin 500 mg\"\nsig = \"1 tab po bid\"\ntaking = \"skips evening dose\"\n",
        );
        let found = findings(&Adherence, &r);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "adherence/metformin");
        assert!(found[0].prescriber_text.contains("skips evening dose"));
    }

    #[test]
    fn stays_quiet_without_taking_or_when_stopped() {
        let r = regimen(
            "[[medications]]\nname = \"metformin 500 mg\"\nsig = \"1 tab po bid\"\n\
             [[medications]]\nname = \"Advil\"\ntaking = \"  \"\n\
             [[medications]]\nname = \"Aleve\"\nstatus = \"stopped\"\ntaking = \"took more\"\n",
        );
        assert!(findings(&Adherence, &r).is_empty());
    }
}
