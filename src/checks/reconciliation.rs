//! `reconciliation`: what a care transition left unresolved, comparing the
//! three lists of a `[transition]`: before admission, the discharge list,
//! and what the patient has at home now (`[[medications]]`).
//!
//! Medicines are matched by what they are (their ingredients), not by name,
//! so "Toprol XL" at home is the "metoprolol succinate" of the discharge
//! list. Findings, most serious first:
//! - a medicine stopped at discharge still in use at home (`major`);
//! - an old bottle still in use alongside its replacement: a medicine left
//!   off the discharge list while a new one of the same therapeutic class
//!   was started, both at home (`major`);
//! - a discharge medicine not at home (`major`);
//! - a changed dose or form at discharge while the home bottle is still the
//!   old one (`major`);
//! - a medicine of the admission list left off the discharge list with no
//!   reason (`moderate`): intended or not, someone must say;
//! - a medicine started or changed at discharge with no `change_reason`
//!   (`minor`).
//!
//! The patient's "what changed" list is built from the same comparison in
//! the documents.

use super::{Check, CheckContext, CheckDoc, Finding, Severity, finding_id};
use crate::knowledge::Knowledge;
use crate::record::{Medication, MedicineStatus};

pub struct Reconciliation;

static DOC: CheckDoc = CheckDoc {
    name: "reconciliation",
    summary: "A discrepancy after a care transition: a medicine stopped in hospital but still \
              taken at home, an old bottle used alongside its replacement, a discharge \
              medicine not at home, a new dose while the home bottle is the old one, a \
              medicine dropped from the list without a reason, or a change without a reason.",
    why: "Most patients leave hospital with at least one unintended medication discrepancy, \
          and many of these can cause harm. Comparing the lists before admission, at \
          discharge and at home is how they are found.",
    example: "[transition]\nfrom = \"Mercy Hospital\"\n\n[[transition.before]]\n\
              name = \"metoprolol tartrate 25 mg\"\n\n[[transition.discharge]]\n\
              name = \"metoprolol succinate 50 mg\"\nchange_reason = \"once daily\"",
    references: &[
        "Joint Commission National Patient Safety Goal NPSG.03.06.01: maintain and communicate \
         accurate patient medication information",
        "Coleman EA et al. Posthospital medication discrepancies: prevalence and contributing \
         factors. Arch Intern Med 2005;165:1842-1847",
    ],
};

impl Check for Reconciliation {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn run(&self, cx: &CheckContext) -> Vec<Finding> {
        let Some(t) = cx.regimen.record.transition.as_ref() else {
            return vec![];
        };
        if t.discharge.is_empty() {
            return vec![];
        }
        let kb = cx.kb;
        let before: Vec<Entry> = t.before.iter().map(|m| Entry::new(m, kb)).collect();
        let discharge: Vec<Entry> = t.discharge.iter().map(|m| Entry::new(m, kb)).collect();
        let home: Vec<Entry> = cx
            .regimen
            .record
            .medications
            .iter()
            .filter(|m| m.status == MedicineStatus::Active)
            .map(|m| Entry::new(m, kb))
            .collect();
        let mut found = Vec::new();
        let mut settled: Vec<String> = Vec::new();

        // A dropped medicine replaced by a new one of the same class, both
        // at home.
        for old in &before {
            if discharge.iter().any(|d| d.key == old.key) {
                continue;
            }
            let Some(new) = discharge.iter().find(|d| {
                d.active()
                    && !before.iter().any(|b| b.key == d.key)
                    && (d.shares_duplicate_class(old, kb) || d.says_it_replaces(old))
            }) else {
                continue;
            };
            let (Some(old_home), Some(new_home)) = (
                home.iter().find(|h| h.key == old.key),
                home.iter().find(|h| h.key == new.key),
            ) else {
                continue;
            };
            settled.push(old.key.clone());
            settled.push(new.key.clone());
            found.push(make(
                cx,
                [old, new],
                Severity::Major,
                format!(
                    "Old {} still used alongside its replacement {}",
                    old.med.name, new.med.name
                ),
                (
                    format!(
                        "You still have {} at home. The hospital changed it to {}. Taking both \
                         can be too much. Please call us before your next dose.",
                        old_home.med.name, new_home.med.name
                    ),
                    format!(
                        "Usted todavía tiene {} en casa. El hospital la cambió por {}. Tomar \
                         las dos puede ser demasiado. Llámenos antes de su próxima dosis.",
                        old_home.med.name, new_home.med.name
                    ),
                ),
                format!(
                    "{} (before admission) was left off the discharge list and {} of the same \
                     class started; both are in use at home, a likely duplication. Recommended: \
                     confirm the replacement and have the patient set the old supply aside.",
                    old.med.name, new.med.name
                ),
                vec![
                    format!("before admission: {}", old.med.name),
                    format!("discharge: {}", describe(new.med)),
                    format!("at home: {} and {}", old_home.med.name, new_home.med.name),
                ],
            ));
        }

        for d in &discharge {
            if settled.contains(&d.key) {
                continue;
            }
            let at_home = home.iter().find(|h| h.key == d.key);
            let was = before.iter().find(|b| b.key == d.key);
            if !d.active() {
                if let Some(h) = at_home {
                    settled.push(d.key.clone());
                    let reason = d
                        .med
                        .change_reason
                        .clone()
                        .or_else(|| d.med.stop_reason.clone())
                        .unwrap_or_else(|| "no reason given".into());
                    found.push(make(
                        cx,
                        [d, h],
                        Severity::Major,
                        format!("{} stopped at discharge, still taken at home", d.med.name),
                        (
                            format!(
                                "The hospital stopped {}, but you still take it. Please call \
                                 us or your doctor before your next dose.",
                                h.med.name
                            ),
                            format!(
                                "El hospital suspendió {}, pero usted todavía la toma. Llame \
                                 a nosotros o a su médico antes de la próxima dosis.",
                                h.med.name
                            ),
                        ),
                        format!(
                            "Stopped at discharge ({reason}) but still in use at home. \
                             Recommended: confirm the stop with the patient and the prescriber."
                        ),
                        vec![
                            format!("discharge: stopped ({reason})"),
                            format!("at home: {}", describe(h.med)),
                        ],
                    ));
                }
                continue;
            }
            match (at_home, was) {
                (None, _) => {
                    settled.push(d.key.clone());
                    found.push(make(
                        cx,
                        [d],
                        Severity::Major,
                        format!("Discharge medicine {} not at home", d.med.name),
                        (
                            format!(
                                "The hospital wants you to take {}, but it is not with your \
                                 medicines at home. Please call us today.",
                                d.med.name
                            ),
                            format!(
                                "El hospital quiere que tome {}, pero no está con sus \
                                 medicinas en casa. Llámenos hoy.",
                                d.med.name
                            ),
                        ),
                        format!(
                            "On the discharge list ({}) but not among the medicines at home: \
                             not filled, or not understood. Recommended: confirm whether it \
                             should be taken and help the patient obtain it.",
                            describe(d.med)
                        ),
                        vec![
                            format!("discharge: {}", describe(d.med)),
                            "at home: not found".into(),
                        ],
                    ));
                }
                (Some(h), Some(b)) if d.differs(b) && !h.differs(b) && h.differs(d) => {
                    settled.push(d.key.clone());
                    found.push(make(
                        cx,
                        [d],
                        Severity::Major,
                        format!("{}: the home supply is the old dose", d.med.name),
                        (
                            format!(
                                "The hospital changed how you take {}. The bottle at home is \
                                 still the old one. Please call us before your next dose.",
                                h.med.name
                            ),
                            format!(
                                "El hospital cambió cómo debe tomar {}. El frasco en casa es \
                                 el de antes. Llámenos antes de su próxima dosis.",
                                h.med.name
                            ),
                        ),
                        format!(
                            "Changed at discharge from {} to {}{}, but the home supply matches \
                             the admission list. Recommended: confirm the new dose and a new \
                             supply.",
                            describe(b.med),
                            describe(d.med),
                            reason(d.med)
                        ),
                        vec![
                            format!("before admission: {}", describe(b.med)),
                            format!("discharge: {}", describe(d.med)),
                            format!("at home: {}", describe(h.med)),
                        ],
                    ));
                }
                (Some(_), was) => {
                    let started = was.is_none();
                    let changed = was.is_some_and(|b| d.differs(b));
                    if (started || changed) && d.med.change_reason.is_none() {
                        settled.push(d.key.clone());
                        found.push(make(
                            cx,
                            [d],
                            Severity::Minor,
                            format!(
                                "{} {} at discharge without a reason",
                                d.med.name,
                                if started { "started" } else { "changed" }
                            ),
                            (
                                format!(
                                    "{} is new or changed since your hospital stay. Ask us if \
                                     you are not sure why.",
                                    d.med.name
                                ),
                                format!(
                                    "{} es nueva o cambió desde su estadía en el hospital. \
                                     Pregúntenos si no sabe por qué.",
                                    d.med.name
                                ),
                            ),
                            format!(
                                "{} at discharge ({}) with no reason recorded. Recommended: \
                                 document the indication so the change is carried forward.",
                                if started { "Started" } else { "Changed" },
                                describe(d.med)
                            ),
                            vec![format!("discharge: {}", describe(d.med))],
                        ));
                    }
                }
            }
        }

        for b in &before {
            if settled.contains(&b.key) || discharge.iter().any(|d| d.key == b.key) {
                continue;
            }
            // Stopped before admission, or replaced with a reason that says
            // so ("replaces metoprolol tartrate").
            if b.med.status == MedicineStatus::Stopped
                || discharge.iter().any(|d| d.says_it_replaces(b))
            {
                continue;
            }
            let at_home = home.iter().find(|h| h.key == b.key);
            found.push(make(
                cx,
                [b],
                Severity::Moderate,
                format!(
                    "{} left off the discharge list without a reason",
                    b.med.name
                ),
                (
                    match at_home {
                        Some(_) => format!(
                            "{} was not on your hospital discharge list. Ask us or your doctor \
                             if you should keep taking it.",
                            b.med.name
                        ),
                        None => format!(
                            "{} was not on your hospital discharge list. Ask us or your doctor \
                             if you should start it again.",
                            b.med.name
                        ),
                    },
                    match at_home {
                        Some(_) => format!(
                            "{} no estaba en su lista de alta del hospital. Pregúntenos si \
                             debe seguir tomándola.",
                            b.med.name
                        ),
                        None => format!(
                            "{} no estaba en su lista de alta del hospital. Pregúntenos si \
                             debe volver a tomarla.",
                            b.med.name
                        ),
                    },
                ),
                format!(
                    "On the admission list ({}) but absent from the discharge list, with no \
                     stop recorded; {}. Recommended: confirm whether the omission was intended \
                     and document it.",
                    describe(b.med),
                    if at_home.is_some() {
                        "the patient still takes it at home"
                    } else {
                        "the patient no longer takes it"
                    }
                ),
                vec![
                    format!("before admission: {}", describe(b.med)),
                    "discharge: not listed".into(),
                    format!(
                        "at home: {}",
                        at_home.map_or("not found".into(), |h| describe(h.med))
                    ),
                ],
            ));
        }
        found
    }
}

/// One medication entry of a list, keyed by what it is.
struct Entry<'a> {
    med: &'a Medication,
    /// Canonical ingredients joined by `+`, or the name's key if unknown.
    key: String,
    ingredients: Vec<String>,
    /// The amount of each ingredient per unit, where the name or strength
    /// says ("20 mg").
    amounts: Vec<Option<(u64, crate::knowledge::Unit)>>,
}

impl<'a> Entry<'a> {
    fn new(med: &'a Medication, kb: &Knowledge) -> Entry<'a> {
        let resolved = kb.resolve(&med.name, med.strength.as_deref());
        let ingredients: Vec<String> = resolved
            .ingredients
            .iter()
            .map(|i| i.name.clone())
            .collect();
        let key = if ingredients.is_empty() {
            crate::knowledge::resolve::name_key(&med.name)
        } else {
            ingredients.join("+")
        };
        let amounts = resolved
            .ingredients
            .iter()
            .map(|i| {
                i.amount
                    .map(|a| ((a.amount * 1000.0).round() as u64, a.unit))
            })
            .collect();
        Entry {
            med,
            key,
            ingredients,
            amounts,
        }
    }

    /// Whether its change reason names the other entry ("replaces
    /// lisinopril: dry cough").
    fn says_it_replaces(&self, old: &Entry) -> bool {
        let Some(reason) = self.med.change_reason.as_deref() else {
            return false;
        };
        let reason = format!(" {} ", crate::knowledge::resolve::normalise(reason));
        old.ingredients
            .iter()
            .chain(std::iter::once(&old.key))
            .any(|name| reason.contains(&format!(" {name} ")))
    }

    fn active(&self) -> bool {
        self.med.status == MedicineStatus::Active
    }

    /// A different strength or directions. Strengths compare as amounts
    /// when both are known ("Furosemide 20 mg" is `strength = "20 mg"`),
    /// else as written; directions compare as written, ignoring case and
    /// punctuation.
    fn differs(&self, other: &Entry) -> bool {
        let squash = |s: Option<&str>| s.map(crate::knowledge::resolve::normalise);
        let amounts_known =
            |e: &Entry| !e.amounts.is_empty() && e.amounts.iter().all(Option::is_some);
        let strength_differs = if amounts_known(self) && amounts_known(other) {
            self.amounts != other.amounts
        } else {
            let strength = |e: &Entry| {
                squash(e.med.strength.as_deref())
                    .unwrap_or_else(|| crate::knowledge::resolve::normalise(&e.med.name))
            };
            strength(self) != strength(other)
        };
        let directions = |e: &Entry| squash(e.med.sig.as_deref().or(e.med.dose.as_deref()));
        strength_differs || directions(self) != directions(other)
    }

    /// Whether both belong to one duplicate-therapy class.
    fn shares_duplicate_class(&self, other: &Entry, kb: &Knowledge) -> bool {
        self.ingredients.iter().any(|a| {
            kb.classes_of(a).iter().any(|c| {
                kb.class(c).is_some_and(|class| class.duplicate)
                    && other
                        .ingredients
                        .iter()
                        .any(|b| kb.classes_of(b).contains(c))
            })
        })
    }
}

/// "metoprolol 25 mg, 1 tab bid".
fn describe(m: &Medication) -> String {
    let mut s = m.name.clone();
    let squash = crate::knowledge::resolve::normalise;
    if let Some(strength) = &m.strength
        && !squash(&m.name).contains(&squash(strength))
    {
        s += &format!(" {strength}");
    }
    if let Some(sig) = m.sig.as_deref().or(m.dose.as_deref()) {
        s += &format!(", {sig}");
    }
    s
}

fn reason(m: &Medication) -> String {
    m.change_reason
        .as_deref()
        .map(|r| format!(" (reason: {r})"))
        .unwrap_or_default()
}

#[allow(clippy::too_many_arguments)]
fn make<'a, const N: usize>(
    cx: &CheckContext,
    entries: [&Entry<'a>; N],
    severity: Severity,
    title: String,
    (en, es): (String, String),
    prescriber_text: String,
    context: Vec<String>,
) -> Finding {
    let mut ingredients: Vec<String> = entries
        .iter()
        .flat_map(|e| e.ingredients.iter().cloned())
        .collect();
    ingredients.sort();
    ingredients.dedup();
    let subjects: Vec<String> = entries.iter().map(|e| e.key.clone()).collect();
    let mut prescribers: Vec<String> = entries
        .iter()
        .filter_map(|e| e.med.prescriber.clone())
        .filter(|p| !p.trim().is_empty())
        .collect();
    prescribers.sort();
    prescribers.dedup();
    let mut medicines: Vec<String> = entries.iter().map(|e| e.med.name.clone()).collect();
    medicines.dedup();
    Finding {
        id: finding_id(DOC.name, subjects),
        check: DOC.name,
        severity,
        medicines,
        ingredients,
        prescribers,
        title,
        patient_text: cx.say(en, es),
        prescriber_text,
        patient_action: severity >= Severity::Moderate,
        reviewer_follows_up: false,
        evidence: DOC.references.iter().map(|s| (*s).to_owned()).collect(),
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
    use crate::checks::fixtures::{findings, regimen};

    fn list(table: &str, entries: &[(&str, &str)]) -> String {
        entries
            .iter()
            .map(|(name, extra)| format!("[[{table}]]\nname = \"{name}\"\n{extra}\n"))
            .collect()
    }

    fn ids(found: &[Finding]) -> Vec<(String, Severity)> {
        let mut v: Vec<_> = found.iter().map(|f| (f.id.clone(), f.severity)).collect();
        v.sort();
        v
    }

    #[test]
    fn finds_each_kind_of_discrepancy() {
        let text = [
            list(
                "medications",
                &[
                    // Stopped at discharge, still at home.
                    ("ibuprofen 400 mg", "sig = \"1 tab tid\""),
                    // Old bottle and its replacement, both at home.
                    ("lisinopril 10 mg", "sig = \"1 tab daily\""),
                    ("enalapril 5 mg", "sig = \"1 tab bid\""),
                    // The old dose at home.
                    ("metoprolol tartrate 25 mg", "sig = \"1 tab bid\""),
                    // Same as discharge: nothing to say.
                    ("atorvastatin 40 mg", "sig = \"1 tab qhs\""),
                ],
            ),
            "[transition]\nfrom = \"Mercy Hospital\"\n".into(),
            list(
                "transition.before",
                &[
                    ("ibuprofen 400 mg", "sig = \"1 tab tid\""),
                    ("lisinopril 10 mg", "sig = \"1 tab daily\""),
                    ("metoprolol tartrate 25 mg", "sig = \"1 tab bid\""),
                    ("atorvastatin 40 mg", "sig = \"1 tab qhs\""),
                    // Left off with no reason, not at home.
                    ("levothyroxine 50 mcg", "sig = \"1 tab qam\""),
                ],
            ),
            list(
                "transition.discharge",
                &[
                    (
                        "ibuprofen 400 mg",
                        "status = \"stopped\"\nchange_reason = \"kidney injury\"",
                    ),
                    (
                        "enalapril 5 mg",
                        "sig = \"1 tab bid\"\nchange_reason = \"formulary\"",
                    ),
                    (
                        "metoprolol tartrate 50 mg",
                        "sig = \"1 tab bid\"\nchange_reason = \"heart rate\"",
                    ),
                    ("atorvastatin 40 mg", "sig = \"1 tab qhs\""),
                    // Not at home.
                    (
                        "apixaban 5 mg",
                        "sig = \"1 tab bid\"\nchange_reason = \"new AF\"",
                    ),
                ],
            ),
        ]
        .concat();
        let found = findings(&Reconciliation, &regimen(&text));
        assert_eq!(
            ids(&found),
            [
                ("reconciliation/apixaban".to_owned(), Severity::Major),
                (
                    "reconciliation/enalapril+lisinopril".to_owned(),
                    Severity::Major
                ),
                ("reconciliation/ibuprofen".to_owned(), Severity::Major),
                (
                    "reconciliation/levothyroxine".to_owned(),
                    Severity::Moderate
                ),
                ("reconciliation/metoprolol".to_owned(), Severity::Major),
            ]
        );
        let metoprolol = found
            .iter()
            .find(|f| f.id == "reconciliation/metoprolol")
            .unwrap();
        assert!(
            metoprolol.title.contains("old dose"),
            "{}",
            metoprolol.title
        );
    }

    #[test]
    fn a_faithful_home_list_and_reasons_give_nothing() {
        let text = [
            list(
                "medications",
                &[("Toprol XL 50 mg", "sig = \"1 tab daily\"")],
            ),
            "[transition]\nfrom = \"Mercy Hospital\"\n".into(),
            list(
                "transition.before",
                &[("metoprolol succinate 25 mg", "sig = \"1 tab daily\"")],
            ),
            list(
                "transition.discharge",
                &[(
                    "metoprolol succinate 50 mg",
                    "sig = \"1 tab daily\"\nchange_reason = \"heart rate\"",
                )],
            ),
        ]
        .concat();
        assert!(findings(&Reconciliation, &regimen(&text)).is_empty());
        // No transition at all: nothing to compare.
        assert!(
            findings(
                &Reconciliation,
                &regimen(&list("medications", &[("Advil", "")]))
            )
            .is_empty()
        );
    }

    #[test]
    fn a_change_without_a_reason_is_minor() {
        let text = [
            list(
                "medications",
                &[("amlodipine 10 mg", "sig = \"1 tab daily\"")],
            ),
            "[transition]\nfrom = \"Mercy Hospital\"\n".into(),
            list(
                "transition.before",
                &[("amlodipine 5 mg", "sig = \"1 tab daily\"")],
            ),
            list(
                "transition.discharge",
                &[("amlodipine 10 mg", "sig = \"1 tab daily\"")],
            ),
        ]
        .concat();
        let found = findings(&Reconciliation, &regimen(&text));
        assert_eq!(
            ids(&found),
            [("reconciliation/amlodipine".to_owned(), Severity::Minor)]
        );
    }
}
