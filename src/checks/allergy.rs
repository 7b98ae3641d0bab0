//! `allergy`: a current medicine that is, belongs with, or may cross-react
//! with a recorded allergy.
//!
//! A recorded substance is matched, in this order, to an allergy group by
//! name ("penicillin", "sulfa"), or to the ingredients its name resolves to
//! ("Amoxil" → amoxicillin), which brings in every group holding them. A
//! medicine then matches as the allergen itself, as a member of the same
//! group (the group's severity), or through a cross-reaction with the
//! strength the knowledge base gives it (a sulfonamide-antibiotic allergy
//! reaches furosemide at `minor` at most). An intolerance is not an immune
//! reaction: the substance itself is reported at `moderate`, its group at
//! `minor`, cross-reactions not at all. A substance matched to nothing is
//! reported to the reviewer, because no medicine could be checked against
//! it.

use std::collections::BTreeMap;

use super::{Check, CheckContext, CheckDoc, Finding, Severity, finding_id};
use crate::knowledge::resolve::normalise;
use crate::knowledge::{AllergyGroup, Knowledge};
use crate::record::{Allergy as RecordedAllergy, AllergyKind};
use crate::regimen::MedicineUse;

pub struct Allergy;

static DOC: CheckDoc = CheckDoc {
    name: "allergy",
    summary: "A medicine that matches a recorded allergy: the same substance, a member of the \
              same group (penicillin and amoxicillin), or a medicine that may cross-react, with \
              the real strength of that cross-reaction (most cephalosporins after a penicillin \
              allergy; furosemide after a sulfonamide-antibiotic allergy is not a real match).",
    why: "Giving a medicine a patient is allergic to can cause a severe reaction. Overstated \
          cross-reactions are harmful too: they push prescribers to broader, costlier or less \
          effective alternatives.",
    example: "[[allergies]]\nsubstance = \"penicillin\"\nreaction = \"hives\"\n\n\
              [[medications]]\nname = \"amoxicillin 500 mg\"\nsig = \"1 cap tid x 10 days\"",
    references: &[
        "Khan DA et al. Drug allergy: a 2022 practice parameter update. J Allergy Clin Immunol \
         2022;150:1333",
        "Each allergy group and cross-reaction cites its own sources in the knowledge base",
    ],
};

/// How a medicine's ingredient relates to a recorded allergy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Match {
    CrossReaction,
    SameGroup,
    Itself,
}

/// One medicine ingredient matched to one recorded allergy.
struct Hit<'a> {
    allergy: &'a RecordedAllergy,
    how: Match,
    group: Option<&'a AllergyGroup>,
    note: String,
    severity: Severity,
    sources: Vec<String>,
}

impl Check for Allergy {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn run(&self, cx: &CheckContext) -> Vec<Finding> {
        let mut out = Vec::new();
        // (medicine index, ingredient) → the strongest hit.
        let mut hits: BTreeMap<(usize, String), Hit> = BTreeMap::new();
        for allergy in &cx.regimen.record.allergies {
            let Some(allergen) = Allergen::of(cx.kb, &allergy.substance) else {
                out.push(unrecognised(cx, allergy));
                continue;
            };
            for med in cx.regimen.active() {
                for ingredient in med.ingredient_names() {
                    let Some(hit) = allergen.hit(cx.kb, allergy, ingredient) else {
                        continue;
                    };
                    let key = (med.index, ingredient.to_owned());
                    let stronger = hits
                        .get(&key)
                        .is_none_or(|h| (hit.severity, hit.how) > (h.severity, h.how));
                    if stronger {
                        hits.insert(key, hit);
                    }
                }
            }
        }
        let active: Vec<&MedicineUse> = cx.regimen.active().collect();
        for ((index, ingredient), hit) in hits {
            let med = active
                .iter()
                .find(|m| m.index == index)
                .expect("hits come from active medicines");
            out.push(finding(cx, med, &ingredient, hit));
        }
        out
    }
}

/// What a recorded allergy points at.
struct Allergen<'a> {
    /// Ingredients the substance itself names (empty for a group name).
    ingredients: Vec<String>,
    groups: Vec<&'a AllergyGroup>,
}

impl<'a> Allergen<'a> {
    fn of(kb: &'a Knowledge, substance: &str) -> Option<Allergen<'a>> {
        if let Some(group) = kb.allergy_group_named(substance) {
            return Some(Allergen {
                ingredients: vec![],
                groups: vec![group],
            });
        }
        let resolved = kb.resolve(substance, None);
        if resolved.is_unknown() {
            return None;
        }
        let ingredients: Vec<String> = resolved.ingredients.into_iter().map(|i| i.name).collect();
        let groups = kb
            .allergies()
            .iter()
            .filter(|g| {
                ingredients
                    .iter()
                    .any(|i| g.members.iter().any(|m| kb.matches(m, &[], i)))
            })
            .collect();
        Some(Allergen {
            ingredients,
            groups,
        })
    }

    fn hit(
        &self,
        kb: &Knowledge,
        allergy: &'a RecordedAllergy,
        ingredient: &str,
    ) -> Option<Hit<'a>> {
        let intolerance = allergy.kind == AllergyKind::Intolerance;
        let mut best: Option<Hit> = None;
        let mut offer = |hit: Hit<'a>| {
            if best
                .as_ref()
                .is_none_or(|b| (hit.severity, hit.how) > (b.severity, b.how))
            {
                best = Some(hit);
            }
        };
        if self.ingredients.iter().any(|i| i == ingredient) {
            offer(Hit {
                allergy,
                how: Match::Itself,
                group: None,
                note: String::new(),
                severity: if intolerance {
                    Severity::Moderate
                } else {
                    Severity::Contraindicated
                },
                sources: vec![],
            });
        }
        for &group in &self.groups {
            if group.members.iter().any(|m| kb.matches(m, &[], ingredient)) {
                offer(Hit {
                    allergy,
                    how: Match::SameGroup,
                    group: Some(group),
                    note: group.note.clone(),
                    severity: if intolerance {
                        Severity::Minor
                    } else {
                        group.severity
                    },
                    sources: group.sources.clone(),
                });
            }
            if intolerance {
                continue;
            }
            for cross in &group.cross {
                if cross
                    .members
                    .iter()
                    .any(|m| kb.matches(m, &cross.except, ingredient))
                {
                    offer(Hit {
                        allergy,
                        how: Match::CrossReaction,
                        group: Some(group),
                        note: cross.note.clone(),
                        severity: cross.severity,
                        sources: cross.sources.clone(),
                    });
                }
            }
        }
        best
    }
}

fn finding(cx: &CheckContext, med: &MedicineUse, ingredient: &str, hit: Hit) -> Finding {
    let name = &med.medication.name;
    let substance = &hit.allergy.substance;
    let reaction = hit
        .allergy
        .reaction
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    let kind = match hit.allergy.kind {
        AllergyKind::Allergy => "allergy",
        AllergyKind::Intolerance => "intolerance",
    };
    let group_name = hit.group.map(|g| g.name.as_str()).unwrap_or("");
    let (relation, patient_en, patient_es) = match hit.how {
        Match::Itself => (
            format!("{name} contains {ingredient}, the recorded substance itself."),
            format!(
                "Your record says you react to {substance}. {name} has it in it. Talk with us \
                 before your next dose."
            ),
            format!(
                "Su registro dice que tiene reacción a {substance}. {name} lo contiene. Hable \
                 con nosotros antes de la próxima dosis."
            ),
        ),
        Match::SameGroup => {
            let g = hit.group.expect("a group match has a group");
            (
                format!(
                    "{ingredient} belongs to the same group ({group_name}). {}",
                    hit.note
                ),
                format!(
                    "Your record says you react to {substance}. {name} is one of the {}. It may \
                     cause the same reaction. Talk with us before your next dose.",
                    g.plain
                ),
                format!(
                    "Su registro dice que tiene reacción a {substance}. {name} es de las {}. \
                     Puede causar la misma reacción. Hable con nosotros antes de la próxima dosis.",
                    g.plain_es
                ),
            )
        }
        Match::CrossReaction => (
            format!("Possible cross-reactivity with {group_name}: {}", hit.note),
            if hit.severity >= Severity::Moderate {
                format!(
                    "Your record says you react to {substance}. {name} is close to it and may \
                     cause a reaction. Talk with us before your next dose."
                )
            } else {
                format!(
                    "Your record says you react to {substance}. {name} is a little like it. Most \
                     people with this allergy can take it. We will check with your doctor."
                )
            },
            if hit.severity >= Severity::Moderate {
                format!(
                    "Su registro dice que tiene reacción a {substance}. {name} se parece y puede \
                     causar una reacción. Hable con nosotros antes de la próxima dosis."
                )
            } else {
                format!(
                    "Su registro dice que tiene reacción a {substance}. {name} se parece un poco. \
                     La mayoría de las personas con esta alergia lo pueden tomar. Lo \
                     consultaremos con su médico."
                )
            },
        ),
    };
    let action = match hit.severity {
        Severity::Contraindicated | Severity::Major => {
            "Recommend an alternative, unless the allergy history (reaction, timing, later \
             tolerance) shows a low risk; consider allergy evaluation or a supervised challenge \
             if this class is needed."
        }
        Severity::Moderate => {
            "Recommend confirming the history (what reaction, when, tolerated since?) and \
             documenting the decision to continue or change."
        }
        Severity::Minor => {
            "Cross-reactivity is low; the medicine can usually be continued. Recommend \
             documenting that the allergy was considered."
        }
    };
    let mut evidence = vec![DOC.references[0].to_owned()];
    for s in hit.sources {
        if !evidence.contains(&s) {
            evidence.push(s);
        }
    }
    Finding {
        id: finding_id(DOC.name, [ingredient]),
        check: DOC.name,
        severity: hit.severity,
        medicines: vec![name.clone()],
        ingredients: vec![ingredient.to_owned()],
        prescribers: super::prescribers_of([med]),
        title: match hit.how {
            Match::Itself => format!("Recorded {kind} to {substance}: {name}"),
            Match::SameGroup => format!("Recorded {kind} to {substance}: {name} ({group_name})"),
            Match::CrossReaction => format!("Possible cross-reaction with {substance}: {name}"),
        },
        patient_text: cx.say(patient_en, patient_es),
        prescriber_text: format!(
            "Recorded {kind}: {substance}{reaction}. {relation} Recommended: {action}"
        ),
        patient_action: hit.severity >= Severity::Moderate,
        reviewer_follows_up: false,
        evidence,
        context: vec![format!("recorded {kind}: {substance}{reaction}")],
        decision: None,
        concern: String::new(),
        why: String::new(),
        recommendation: String::new(),
    }
}

/// A recorded allergy that matches nothing known: the reviewer must check it.
fn unrecognised(cx: &CheckContext, allergy: &RecordedAllergy) -> Finding {
    let substance = &allergy.substance;
    let resolved = cx.kb.resolve(substance, None);
    let near = resolved
        .suggestion
        .map(|s| format!(" Did you mean \"{s}\"? (not assumed)"))
        .unwrap_or_default();
    let key = normalise(substance).replace(' ', "-");
    Finding {
        id: finding_id(DOC.name, [format!("unrecognised:{key}")]),
        check: DOC.name,
        severity: Severity::Minor,
        medicines: vec![],
        ingredients: vec![],
        prescribers: vec![],
        title: format!("Allergy not recognised: {substance}"),
        patient_text: cx.say(
            format!("We could not match your allergy to {substance} to a medicine name."),
            format!("No pudimos relacionar su alergia a {substance} con una medicina."),
        ),
        prescriber_text: format!(
            "The recorded allergy \"{substance}\" matches no medicine, class or known non-drug \
             allergen in the knowledge base.{near} No medicine was checked against it. \
             Recommended: check the medicine list against it by hand and record the substance \
             by its generic name."
        ),
        patient_action: false,
        reviewer_follows_up: false,
        evidence: vec![DOC.references[1].to_owned()],
        context: vec![format!("recorded allergy: {substance}")],
        decision: None,
        concern: String::new(),
        why: String::new(),
        recommendation: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{findings_with, regimen_with, small_kb};

    /// Penicillins with two cross-reacting groups of different strength,
    /// and latex as a known non-medicine allergen.
    fn kb() -> Knowledge {
        small_kb(
            &[
                "penicillin v",
                "amoxicillin",
                "cephalexin",
                "cefazolin",
                "furosemide",
                "lisinopril",
            ],
            "[[class]]\nid = \"pen\"\nname = \"P\"\nplain = \"p\"\nplain_es = \"p\"\n\
             members = [\"penicillin v\", \"amoxicillin\"]\nsources = [\"s\"]\n\
             [[allergy]]\nid = \"penicillins\"\nname = \"Penicillins\"\nplain = \"penicillin-type antibiotics\"\n\
             plain_es = \"antibióticos tipo penicilina\"\nnames = [\"penicillin\", \"pcn\"]\n\
             members = [\"class:pen\"]\nseverity = \"contraindicated\"\nnote = \"Same ring.\"\nsources = [\"G\"]\n\
             [[allergy.cross]]\nmembers = [\"cephalexin\"]\nseverity = \"major\"\nnote = \"Shared side chain.\"\nsources = [\"X1\"]\n\
             [[allergy.cross]]\nmembers = [\"cefazolin\"]\nseverity = \"minor\"\nnote = \"Unique side chain.\"\nsources = [\"X2\"]\n\
             [[allergy]]\nid = \"latex\"\nname = \"Latex\"\nplain = \"latex\"\nplain_es = \"látex\"\n\
             names = [\"latex\"]\nseverity = \"minor\"\nnote = \"Not a medicine.\"\nsources = [\"L\"]\n",
        )
    }

    fn found(allergies: &str, medicines: &[&str]) -> Vec<Finding> {
        let kb = kb();
        let meds: String = medicines
            .iter()
            .map(|m| format!("[[medications]]\nname = \"{m}\"\n"))
            .collect();
        let r = regimen_with(&kb, &format!("{allergies}\n{meds}"));
        findings_with(&Allergy, &kb, &r)
    }

    fn severity_of(found: &[Finding], id: &str) -> Option<Severity> {
        found.iter().find(|f| f.id == id).map(|f| f.severity)
    }

    #[test]
    fn a_group_name_matches_members_and_cross_reactions_at_their_strength() {
        let all = ["amoxicillin", "cephalexin", "cefazolin", "furosemide"];
        let f = found(
            "[[allergies]]\nsubstance = \"PCN\"\nreaction = \"hives\"\n",
            &all,
        );
        assert_eq!(
            severity_of(&f, "allergy/amoxicillin"),
            Some(Severity::Contraindicated)
        );
        assert_eq!(severity_of(&f, "allergy/cephalexin"), Some(Severity::Major));
        assert_eq!(severity_of(&f, "allergy/cefazolin"), Some(Severity::Minor));
        assert_eq!(severity_of(&f, "allergy/furosemide"), None);
        assert_eq!(f.len(), 3);
        let amox = f.iter().find(|f| f.id == "allergy/amoxicillin").unwrap();
        assert!(amox.prescriber_text.contains("PCN (hives)"));
        assert!(amox.patient_text.contains("penicillin-type antibiotics"));
        assert!(amox.evidence.contains(&"G".to_owned()));
    }

    #[test]
    fn an_ingredient_allergy_brings_in_its_group() {
        let f = found(
            "[[allergies]]\nsubstance = \"amoxicillin\"\n",
            &["amoxicillin", "penicillin v", "lisinopril"],
        );
        let amox = f.iter().find(|f| f.id == "allergy/amoxicillin").unwrap();
        assert_eq!(amox.severity, Severity::Contraindicated);
        assert!(
            amox.prescriber_text
                .contains("the recorded substance itself")
        );
        assert_eq!(
            severity_of(&f, "allergy/penicillin v"),
            Some(Severity::Contraindicated)
        );
        assert_eq!(severity_of(&f, "allergy/lisinopril"), None);
    }

    #[test]
    fn an_intolerance_is_not_an_allergy() {
        let f = found(
            "[[allergies]]\nsubstance = \"amoxicillin\"\nkind = \"intolerance\"\n",
            &["amoxicillin", "penicillin v", "cephalexin"],
        );
        assert_eq!(
            severity_of(&f, "allergy/amoxicillin"),
            Some(Severity::Moderate)
        );
        assert_eq!(
            severity_of(&f, "allergy/penicillin v"),
            Some(Severity::Minor)
        );
        assert_eq!(severity_of(&f, "allergy/cephalexin"), None);
    }

    #[test]
    fn an_unknown_substance_is_reported_and_a_known_non_medicine_is_not() {
        let f = found(
            "[[allergies]]\nsubstance = \"Latex\"\n[[allergies]]\nsubstance = \"zorblamycin\"\n",
            &["amoxicillin"],
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].id, "allergy/unrecognised:zorblamycin");
        assert!(!f[0].patient_action);
        assert!(f[0].prescriber_text.contains("No medicine was checked"));
    }

    /// The embedded allergy groups on real records: (allergy, kind,
    /// medicine, finding id, expected severity or None).
    #[test]
    fn the_embedded_groups_grade_real_cross_reactions() {
        use crate::checks::fixtures::{findings, regimen};
        let cases: &[(&str, &str, &str, &str, Option<Severity>)] = &[
            (
                "penicillin",
                "allergy",
                "amoxicillin 500 mg",
                "allergy/amoxicillin",
                Some(Severity::Contraindicated),
            ),
            (
                "PCN",
                "allergy",
                "Augmentin 875",
                "allergy/amoxicillin",
                Some(Severity::Contraindicated),
            ),
            (
                "penicillins",
                "allergy",
                "cephalexin 500 mg",
                "allergy/cephalexin",
                Some(Severity::Moderate),
            ),
            (
                "penicillin",
                "allergy",
                "cefdinir 300 mg",
                "allergy/cefdinir",
                Some(Severity::Minor),
            ),
            (
                "Amoxil",
                "allergy",
                "penicillin VK 500 mg",
                "allergy/penicillin v",
                Some(Severity::Contraindicated),
            ),
            (
                "sulfa",
                "allergy",
                "Bactrim DS",
                "allergy/sulfamethoxazole",
                Some(Severity::Contraindicated),
            ),
            (
                "sulfa drugs",
                "allergy",
                "furosemide 40 mg",
                "allergy/furosemide",
                Some(Severity::Minor),
            ),
            (
                "sulfa",
                "allergy",
                "hydrochlorothiazide 25 mg",
                "allergy/hydrochlorothiazide",
                Some(Severity::Minor),
            ),
            (
                "sulfa",
                "allergy",
                "amoxicillin 500 mg",
                "allergy/amoxicillin",
                None,
            ),
            (
                "lisinopril",
                "allergy",
                "enalapril 10 mg",
                "allergy/enalapril",
                Some(Severity::Contraindicated),
            ),
            (
                "codeine",
                "intolerance",
                "Tylenol with Codeine #3",
                "allergy/codeine",
                Some(Severity::Moderate),
            ),
            (
                "codeine",
                "intolerance",
                "oxycodone 5 mg",
                "allergy/oxycodone",
                Some(Severity::Minor),
            ),
            (
                "latex",
                "allergy",
                "lisinopril 10 mg",
                "allergy/lisinopril",
                None,
            ),
        ];
        let mut wrong = Vec::new();
        for (substance, kind, medicine, id, expected) in cases {
            let r = regimen(&format!(
                "[[allergies]]\nsubstance = \"{substance}\"\nkind = \"{kind}\"\n\
                 [[medications]]\nname = \"{medicine}\"\n"
            ));
            let found = findings(&Allergy, &r);
            let got = found.iter().find(|f| f.id == *id).map(|f| f.severity);
            if got != *expected || found.iter().any(|f| f.id.contains("unrecognised")) {
                wrong.push(format!(
                    "{substance} ({kind}) + {medicine}: got {got:?}, expected {expected:?}; {:?}",
                    found.iter().map(|f| &f.id).collect::<Vec<_>>()
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
