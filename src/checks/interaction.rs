//! `interaction`: two active medicines (or a medicine and a herb or
//! supplement) that act on each other, from the knowledge base's
//! `[[interaction]]` rules.

use super::{Check, CheckContext, CheckDoc, Finding, pairs};
use crate::knowledge::PairCheck;

pub struct Interaction;

static DOC: CheckDoc = CheckDoc {
    name: "interaction",
    summary: "Two medicines the patient takes now that act on each other: more bleeding, \
              too much sedation, serotonin toxicity, a heart-rhythm risk, high potassium, one \
              medicine raising or lowering the level of another. Also herbs and supplements \
              with a drug-like effect (St John's wort, ginkgo).",
    why: "Interactions are a leading, preventable cause of harm from medicines, and they \
          often arise between prescribers who do not see each other's lists, or with \
          something bought over the counter.",
    example: "[[medications]]\nname = \"Eliquis 5 mg\"\nsig = \"1 tab bid\"\n\n\
              [[medications]]\nname = \"Advil\"\nsig = \"2 tabs q6h prn pain\"\ntype = \"otc\"",
    references: &[
        "Phansalkar S et al. High-priority drug-drug interactions for use in electronic health \
         records. J Am Med Inform Assoc 2012;19:735",
        "Phansalkar S et al. Drug-drug interactions that should be non-interruptive in order to \
         reduce alert fatigue. J Am Med Inform Assoc 2013;20:489",
        "FDA, Drug Development and Drug Interactions: Table of Substrates, Inhibitors and \
         Inducers (2023)",
        "Each rule cites the FDA labels and other sources it rests on",
    ],
};

impl Check for Interaction {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn run(&self, cx: &CheckContext) -> Vec<Finding> {
        pairs::findings(cx, PairCheck::Interaction, DOC.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Severity;
    use crate::checks::fixtures::{findings, findings_with, regimen, regimen_with, small_kb};

    /// A rule in the shape of `interactions.toml`.
    fn rule(id: &str, a: &str, b: &str, severity: &str, extra: &str) -> String {
        format!(
            "[[interaction]]\nid = \"{id}\"\nbetween = [\"{a}\", \"{b}\"]\nseverity = \"{severity}\"\n\
             title = \"T {id}\"\nconsequence = \"C.\"\nmechanism = \"M.\"\naction = \"A.\"\n\
             patient = \"{{a}} with {{b}}: rule {id}.\"\npatient_es = \"{{a}} con {{b}}.\"\n\
             sources = [\"S {id}\"]\n{extra}\n"
        )
    }

    const CLASS: &str = "[[class]]\nid = \"k\"\nname = \"K\"\nplain = \"k\"\nplain_es = \"k\"\n\
                         members = [\"beta\", \"gamma\"]\nsources = [\"s\"]\n";

    fn meds(names: &[&str]) -> String {
        names
            .iter()
            .map(|n| format!("[[medications]]\nname = \"{n}\"\nprescriber = \"dr-{n}\"\n"))
            .collect()
    }

    #[test]
    fn a_class_rule_fires_for_every_member_in_either_order() {
        let kb = small_kb(
            &["alpha", "beta", "gamma", "delta"],
            &(CLASS.to_owned() + &rule("r1", "class:k", "alpha", "major", "")),
        );
        let r = regimen_with(&kb, &meds(&["alpha", "gamma", "delta"]));
        let found = findings_with(&Interaction, &kb, &r);
        assert_eq!(found.len(), 1, "{found:?}");
        let f = &found[0];
        assert_eq!(f.id, "interaction/alpha+gamma");
        assert_eq!(f.severity, Severity::Major);
        assert_eq!(f.ingredients, ["alpha", "gamma"]);
        assert_eq!(f.prescribers, ["dr-alpha", "dr-gamma"]);
        // {a} is the class member, {b} the named ingredient.
        assert_eq!(f.patient_text, "gamma with alpha: rule r1.");
        assert!(f.prescriber_text.contains("Mechanism: M."));
        assert_eq!(f.evidence, ["S r1"]);
    }

    #[test]
    fn the_most_severe_then_the_most_specific_rule_wins() {
        let rules = CLASS.to_owned()
            + &rule("broad", "class:k", "alpha", "moderate", "")
            + &rule("narrow", "beta", "alpha", "moderate", "")
            + &rule("severe-broad", "class:k", "delta", "major", "")
            + &rule("mild-narrow", "beta", "delta", "minor", "");
        let kb = small_kb(&["alpha", "beta", "gamma", "delta"], &rules);
        let r = regimen_with(&kb, &meds(&["alpha", "beta", "delta"]));
        let found = findings_with(&Interaction, &kb, &r);
        let by_id = |id: &str| found.iter().find(|f| f.id == id).expect(id);
        assert!(
            by_id("interaction/alpha+beta")
                .context
                .contains(&"knowledge-base rule narrow".to_owned())
        );
        assert_eq!(by_id("interaction/beta+delta").severity, Severity::Major);
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn except_stopped_medicines_and_one_product_alone_do_not_fire() {
        let rules = CLASS.to_owned()
            + &rule("r", "class:k", "alpha", "major", "except = [\"beta\"]")
            + "[[product]]\nname = \"Combo\"\ntype = \"prescription\"\n\
               ingredients = [{ name = \"alpha\" }, { name = \"gamma\" }]\nsources = [\"s\"]\n";
        let kb = small_kb(&["alpha", "beta", "gamma"], &rules);
        // beta is excepted; Combo holds both subjects but is one medicine.
        let r = regimen_with(&kb, &meds(&["beta", "Combo"]));
        assert!(findings_with(&Interaction, &kb, &r).is_empty());
        // A stopped medicine is history.
        let r = regimen_with(
            &kb,
            "[[medications]]\nname = \"alpha\"\n[[medications]]\nname = \"gamma\"\nstatus = \"stopped\"\n",
        );
        assert!(findings_with(&Interaction, &kb, &r).is_empty());
        // Combo with a second medicine holding gamma fires.
        let r = regimen_with(&kb, &meds(&["Combo", "gamma"]));
        let found = findings_with(&Interaction, &kb, &r);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].medicines, ["Combo", "gamma"]);
    }

    #[test]
    fn apixaban_with_ibuprofen_is_major_and_addressed_to_both_prescribers() {
        let r = regimen(
            "[[prescribers]]\nid = \"card\"\nname = \"Dr. Heart\"\n\
             [[prescribers]]\nid = \"gp\"\nname = \"Dr. Home\"\n\
             [[medications]]\nname = \"Eliquis 5 mg\"\nsig = \"1 tab bid\"\nprescriber = \"card\"\n\
             [[medications]]\nname = \"Motrin IB\"\nsig = \"2 tabs q6h prn\"\nprescriber = \"gp\"\n",
        );
        let found = findings(&Interaction, &r);
        let f = found
            .iter()
            .find(|f| f.id == "interaction/apixaban+ibuprofen")
            .expect("fires");
        assert_eq!(f.severity, Severity::Major);
        assert_eq!(f.prescribers, ["card", "gp"]);
        assert!(f.patient_text.starts_with("Eliquis 5 mg and Motrin IB"));
    }

    #[test]
    fn an_nsaid_with_an_ace_inhibitor_and_a_diuretic_is_one_finding() {
        let ids = |names: &[&str]| -> Vec<String> {
            findings(&Interaction, &regimen(&meds(names)))
                .into_iter()
                .map(|f| format!("{}={}", f.id, f.severity.as_str()))
                .collect()
        };
        // Three medicines: one finding replaces the NSAID's two pairs.
        let three = ids(&["naproxen 500 mg", "lisinopril 10 mg", "furosemide 40 mg"]);
        assert!(
            three.contains(&"interaction/furosemide+lisinopril+naproxen=major".to_owned()),
            "{three:?}"
        );
        assert!(
            !three
                .iter()
                .any(|f| f.starts_with("interaction/lisinopril+naproxen")
                    || f.starts_with("interaction/furosemide+naproxen")),
            "{three:?}"
        );
        // The ACE inhibitor and the diuretic in one tablet count as two.
        let combined = ids(&["ibuprofen 400 mg", "Zestoretic 20/12.5"]);
        assert!(
            combined.iter().any(
                |f| f.starts_with("interaction/hydrochlorothiazide+ibuprofen+lisinopril=major")
            ),
            "{combined:?}"
        );
        // Two of the three: the pair rule, not the three.
        let two = ids(&["naproxen 500 mg", "lisinopril 10 mg"]);
        assert!(
            two.iter()
                .any(|f| f.starts_with("interaction/lisinopril+naproxen=")),
            "{two:?}"
        );
        assert!(!two.iter().any(|f| f.matches('+').count() == 2), "{two:?}");
        // Low-dose aspirin is not the NSAID of the three.
        let aspirin = ids(&[
            "aspirin 81 mg",
            "losartan 50 mg",
            "hydrochlorothiazide 25 mg",
        ]);
        assert!(
            !aspirin.iter().any(|f| f.matches('+').count() == 2),
            "{aspirin:?}"
        );
    }

    #[test]
    fn unrelated_medicines_stay_quiet() {
        let r = regimen(
            "[[medications]]\nname = \"Eliquis 5 mg\"\n[[medications]]\nname = \"Eliquis\"\n\
             status = \"stopped\"\n[[medications]]\nname = \"Advil\"\nstatus = \"stopped\"\n",
        );
        assert!(findings(&Interaction, &r).is_empty());
    }
}
