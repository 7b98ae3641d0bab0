//! `unknown-medicine`: a medicine the knowledge base cannot resolve, wholly
//! or in part. It is never treated as safe: the reviewer must check it by
//! hand, because no other check could look at it.

use super::{Check, CheckContext, CheckDoc, Finding, Severity, finding_id};
use crate::knowledge::resolve::name_key;

pub struct UnknownMedicine;

static DOC: CheckDoc = CheckDoc {
    name: "unknown-medicine",
    summary: "A medicine whose name medreview cannot map to known ingredients (a foreign \
              brand, a typo, a compounded product), or maps only in part (\"Tylenol Cold \
              Severe\" where only \"Tylenol\" is known).",
    why: "Every other check only sees ingredients it knows. A medicine it cannot resolve \
          was not checked for interactions, duplicates or doses, so its silence must never \
          be read as safety. A product recognised only in part may contain more than was found.",
    example: "[[medications]]\nname = \"Zentravix 5 mg\"\nsig = \"1 tab qd\"",
    references: &[
        "medreview knowledge base: what it holds and how names resolve \
         (shared/docs/knowledge.md)",
    ],
};

impl Check for UnknownMedicine {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn run(&self, cx: &CheckContext) -> Vec<Finding> {
        cx.regimen
            .active()
            .filter(|m| m.resolved.is_unknown() || m.resolved.is_partial())
            .map(|m| {
                let name = &m.medication.name;
                let partial = m.resolved.is_partial();
                let words = m.resolved.unrecognised.join(" ");
                let found: Vec<String> = m.ingredient_names().map(str::to_owned).collect();
                let what = if partial {
                    format!(
                        "Only partly recognised: found {}, but not \"{words}\"; the product may \
                         contain more.",
                        found.join(", ")
                    )
                } else {
                    "Not found in the knowledge base.".to_owned()
                };
                let what = match &m.resolved.suggestion {
                    Some(near) => format!("{what} Did you mean \"{near}\"? (not assumed)"),
                    None => what,
                };
                Finding {
                    id: finding_id(DOC.name, [name_key(name)]),
                    check: DOC.name,
                    severity: Severity::Moderate,
                    medicines: vec![name.clone()],
                    ingredients: found,
                    prescribers: vec![],
                    title: format!("{name} could not be looked up"),
                    patient_text: cx.say(
                        format!(
                            "We could not look up {name} in our list. We will check it by hand."
                        ),
                        format!(
                            "No encontramos {name} en nuestra lista. Lo vamos a revisar a mano."
                        ),
                    ),
                    prescriber_text: format!(
                        "{what} No interaction, duplicate or dose check covered it. Recommended: verify the \
                         product and its ingredients by hand (knowledge base {}).",
                        cx.kb.version()
                    ),
                    patient_action: false,
                    reviewer_follows_up: false,
                    evidence: vec![format!(
                        "{} (release {})",
                        DOC.references[0],
                        cx.kb.version()
                    )],
                    context: vec![format!("name as recorded: {name}")],
                    decision: None,
                    concern: String::new(),
                    why: String::new(),
                    recommendation: String::new(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{findings, regimen};

    #[test]
    fn fires_for_an_unknown_and_a_partly_known_name() {
        let r = regimen(
            "[[medications]]\nname = \"Zentravix 5 mg\"\n[[medications]]\nname = \"Tylenol Frobnicate\"\n",
        );
        let found = findings(&UnknownMedicine, &r);
        let ids: Vec<&str> = found.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "unknown-medicine/zentravix",
                "unknown-medicine/tylenol frobnicate"
            ]
        );
        assert!(found[1].prescriber_text.contains("frobnicate"));
    }

    #[test]
    fn stays_quiet_for_known_names_with_strengths_and_forms() {
        let r = regimen(
            "[[medications]]\nname = \"Lisinopril 10 mg tablet\"\n\
             [[medications]]\nname = \"metformin ER 500 mg\"\n\
             [[medications]]\nname = \"Tylenol Extra Strength\"\n",
        );
        assert!(findings(&UnknownMedicine, &r).is_empty());
    }
}
