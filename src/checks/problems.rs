//! Medication-related problems (`problems.md`): the findings of a review
//! grouped by clinical concern, one recommendation each.
//!
//! Every finding belongs to exactly one problem. A finding's concern is its
//! rule's, else its check's ([`super::default_concern`]); the knowledge
//! base's `concerns.toml` says how findings of a concern join: all of them
//! into one problem (bleeding from warfarin with an NSAID and from apixaban
//! with ginkgo), or those that share an ingredient (a kidney dose for
//! metformin and one for gabapentin stay two problems). The problem leads
//! with its most severe finding: its title, why it matters and what is
//! recommended; the other findings are listed as contributing.

use serde::Serialize;

use super::{Finding, FindingDecision, Severity};
use crate::knowledge::{Knowledge, Merge, ProblemCategory};

/// One medication-related problem.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// `<concern>/<ingredients sorted, joined by +>`.
    pub id: String,
    pub concern: String,
    pub category: ProblemCategory,
    /// The most severe of its findings not dismissed (of all of them when
    /// every one is dismissed).
    pub severity: Severity,
    /// Union over its findings, in the order they first appear.
    pub medicines: Vec<String>,
    /// Union over its findings, sorted.
    pub ingredients: Vec<String>,
    pub prescribers: Vec<String>,
    /// The concern's name and the medicines it is about.
    pub title: String,
    /// Why it matters: the lead finding's consequence and mechanism.
    pub why: String,
    /// What is recommended: the lead finding's recommendation.
    pub recommendation: String,
    /// The other findings' titles, as contributing facts.
    pub contributing: Vec<String>,
    /// One plain-language item for the patient when they must act: the most
    /// severe such finding's.
    pub patient_text: Option<String>,
    /// The citations of its findings, each once, in the order they first
    /// appear (the lead finding's first); one line per FDA label, its
    /// sections joined.
    pub evidence: Vec<String>,
    /// The ids of the findings it groups, most severe first.
    pub findings: Vec<String>,
    /// A reviewer's decision naming the problem, or the one every finding
    /// of it shares.
    pub decision: Option<FindingDecision>,
}

impl Problem {
    /// Dismissed by the reviewer (the problem, or each of its findings).
    pub fn is_dismissed(&self) -> bool {
        self.decision
            .as_ref()
            .is_some_and(|d| d.action == crate::record::DecisionAction::Dismiss)
    }
}

/// Groups `findings` (most severe first, as [`super::run`] sorts them) into
/// problems, most severe first, then by id.
pub fn group(findings: &[Finding], kb: &Knowledge) -> Vec<Problem> {
    // Groups of finding indices, in the order their first finding comes.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        // A concern the knowledge base does not know joins only the same subjects.
        let merge = kb.concern(&f.concern).map_or(Merge::Same, |c| c.merge);
        let joins = |g: &Vec<usize>| {
            let other = &findings[g[0]];
            other.concern == f.concern
                && match merge {
                    Merge::All => true,
                    Merge::Medicine => g.iter().any(|&j| shares_medicine(&findings[j], f)),
                    Merge::Same => same_subjects(other, f),
                }
        };
        // A finding may bridge two groups (a with b, then b with c): they
        // become one.
        let joined: Vec<usize> = (0..groups.len()).filter(|&g| joins(&groups[g])).collect();
        match joined.split_first() {
            None => groups.push(vec![i]),
            Some((&first, rest)) => {
                for &g in rest.iter().rev() {
                    let moved = groups.remove(g);
                    groups[first].extend(moved);
                }
                groups[first].push(i);
            }
        }
    }
    let mut problems: Vec<Problem> = groups
        .iter()
        .map(|g| problem(g.iter().map(|&i| &findings[i]).collect(), kb))
        .collect();
    problems.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    problems
}

/// Two findings about a common ingredient, or (with none known) a common
/// medicine.
fn shares_medicine(a: &Finding, b: &Finding) -> bool {
    if !a.ingredients.is_empty() && !b.ingredients.is_empty() {
        a.ingredients.iter().any(|i| b.ingredients.contains(i))
    } else {
        a.medicines.iter().any(|m| b.medicines.contains(m))
    }
}

/// Two findings about the same ingredients (or, with none known, the
/// same medicines).
fn same_subjects(a: &Finding, b: &Finding) -> bool {
    if !a.ingredients.is_empty() || !b.ingredients.is_empty() {
        a.ingredients == b.ingredients
    } else {
        a.medicines == b.medicines
    }
}

fn problem(mut members: Vec<&Finding>, kb: &Knowledge) -> Problem {
    // The lead: the most severe finding still in force, then by id.
    members.sort_by(|a, b| {
        a.is_dismissed()
            .cmp(&b.is_dismissed())
            .then_with(|| b.severity.cmp(&a.severity))
            .then_with(|| a.id.cmp(&b.id))
    });
    let lead = members[0];
    let concern = kb.concern(&lead.concern);
    let mut medicines: Vec<String> = Vec::new();
    let mut prescribers: Vec<String> = Vec::new();
    let mut ingredients: Vec<String> = Vec::new();
    let mut evidence: Vec<String> = Vec::new();
    for f in &members {
        for e in &f.evidence {
            if !evidence.contains(e) {
                evidence.push(e.clone());
            }
        }
        for m in &f.medicines {
            if !medicines.contains(m) {
                medicines.push(m.clone());
            }
        }
        for p in &f.prescribers {
            if !prescribers.contains(p) {
                prescribers.push(p.clone());
            }
        }
        ingredients.extend(f.ingredients.iter().cloned());
    }
    ingredients.sort();
    ingredients.dedup();
    let subjects = if ingredients.is_empty() {
        let mut names: Vec<String> = medicines.iter().map(|m| m.to_lowercase()).collect();
        names.sort();
        names
    } else {
        ingredients.clone()
    };
    let whole_review = concern.is_some_and(|c| c.merge == Merge::All) && ingredients.is_empty();
    let id = if subjects.is_empty() || whole_review {
        lead.concern.clone()
    } else {
        format!("{}/{}", lead.concern, subjects.join("+"))
    };
    let title = match (members.len(), concern) {
        (1, _) | (_, None) => lead.title.clone(),
        (_, Some(c)) => format!("{}: {}", c.name, super::join_names(&medicines, "and")),
    };
    let (why, recommendation) = (lead.why.clone(), lead.recommendation.clone());
    let patient_text = members
        .iter()
        .filter(|f| f.patient_action && !f.is_dismissed())
        .max_by(|a, b| a.severity.cmp(&b.severity).then_with(|| b.id.cmp(&a.id)))
        .map(|f| f.patient_text.clone());
    let in_force: Vec<&&Finding> = members.iter().filter(|f| !f.is_dismissed()).collect();
    let severity = in_force
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(lead.severity);
    // A decision every finding shares is the problem's.
    let decision = members
        .iter()
        .map(|f| f.decision.as_ref().map(|d| d.action))
        .reduce(|a, b| if a == b { a } else { None })
        .flatten()
        .and_then(|_| lead.decision.clone());
    Problem {
        id,
        concern: lead.concern.clone(),
        category: concern.map_or(ProblemCategory::Safety, |c| c.category),
        severity,
        medicines,
        ingredients,
        prescribers,
        title,
        why,
        recommendation,
        contributing: members[1..].iter().map(|f| f.title.clone()).collect(),
        patient_text,
        evidence: crate::knowledge::merge_label_citations(&evidence),
        findings: members.iter().map(|f| f.id.clone()).collect(),
        decision,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{regimen_with, small_kb};

    /// A pair rule of `concern` in the shape of `interactions.toml`.
    fn rule(id: &str, a: &str, b: &str, severity: &str, concern: &str) -> String {
        format!(
            "[[interaction]]\nid = \"{id}\"\nbetween = [\"{a}\", \"{b}\"]\nseverity = \"{severity}\"\n\
             title = \"T {id}\"\nconsequence = \"C {id}.\"\nmechanism = \"M.\"\naction = \"A {id}.\"\n\
             patient = \"{{a}} with {{b}}.\"\npatient_es = \"{{a}} con {{b}}.\"\n\
             concern = \"{concern}\"\nsources = [\"S {id}\"]\n"
        )
    }

    const CONCERNS: &str = "[[concern]]\nid = \"bleeding\"\nname = \"Bleeding risk\"\n\
        plain = \"bleeding\"\nplain_es = \"sangrado\"\ncategory = \"safety\"\nmerge = \"all\"\n\
        [[concern]]\nid = \"interaction\"\nname = \"Interaction\"\nplain = \"i\"\nplain_es = \"i\"\n\
        category = \"safety\"\nmerge = \"medicine\"\n";

    fn meds(names: &[&str]) -> String {
        names
            .iter()
            .map(|n| format!("[[medications]]\nname = \"{n}\"\nprescriber = \"dr-{n}\"\n"))
            .collect()
    }

    fn problems_of(kb: &Knowledge, names: &[&str]) -> Vec<Problem> {
        let r = regimen_with(kb, &meds(names));
        crate::checks::run(&r, kb).problems
    }

    #[test]
    fn one_concern_that_merges_is_one_problem_with_every_pair() {
        let kb = small_kb(
            &["warfarin", "naproxen", "apixaban", "ginkgo"],
            &(CONCERNS.to_owned()
                + &rule("w", "warfarin", "naproxen", "major", "bleeding")
                + &rule("g", "apixaban", "ginkgo", "moderate", "bleeding")),
        );
        let problems = problems_of(&kb, &["warfarin", "naproxen", "apixaban", "ginkgo"]);
        let bleeding: Vec<&Problem> = problems
            .iter()
            .filter(|p| p.concern == "bleeding")
            .collect();
        assert_eq!(bleeding.len(), 1, "{problems:#?}");
        let p = bleeding[0];
        assert_eq!(p.id, "bleeding/apixaban+ginkgo+naproxen+warfarin");
        assert_eq!(p.severity, Severity::Major);
        assert_eq!(p.findings.len(), 2);
        // Led by the most severe: its recommendation, the other contributing.
        assert_eq!(p.recommendation, "A w.");
        assert_eq!(p.contributing, vec!["T g".to_owned()]);
    }

    #[test]
    fn a_concern_by_medicine_stays_apart_unless_they_share_one() {
        let kb = small_kb(
            &["a", "b", "c", "d"],
            &(CONCERNS.to_owned()
                + &rule("ab", "a", "b", "moderate", "interaction")
                + &rule("bc", "b", "c", "minor", "interaction")),
        );
        // a–b and b–c share b: one problem.
        let problems = problems_of(&kb, &["a", "b", "c"]);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].id, "interaction/a+b+c");
        // a–b and c–d share nothing: two.
        let kb = small_kb(
            &["a", "b", "c", "d"],
            &(CONCERNS.to_owned()
                + &rule("ab", "a", "b", "moderate", "interaction")
                + &rule("cd", "c", "d", "minor", "interaction")),
        );
        let problems = problems_of(&kb, &["a", "b", "c", "d"]);
        assert_eq!(problems.len(), 2, "{problems:#?}");
    }

    #[test]
    fn every_check_groups_under_a_concern_the_knowledge_base_knows() {
        let kb = Knowledge::embedded();
        for check in crate::checks::REGISTRY {
            let name = check.doc().name;
            let concern = crate::checks::default_concern(name);
            assert!(kb.concern(concern).is_some(), "{name}: {concern}");
        }
    }

    #[test]
    fn a_decision_may_name_a_problem() {
        let kb = small_kb(
            &["warfarin", "naproxen", "apixaban", "ginkgo"],
            &(CONCERNS.to_owned()
                + &rule("w", "warfarin", "naproxen", "major", "bleeding")
                + &rule("g", "apixaban", "ginkgo", "moderate", "bleeding")),
        );
        let text = meds(&["warfarin", "naproxen", "apixaban", "ginkgo"])
            + "[[decisions]]\nfinding = \"bleeding/apixaban+ginkgo+naproxen+warfarin\"\n\
               action = \"dismiss\"\nreason = \"Cardiology aware; INR weekly\"\n";
        let r = regimen_with(&kb, &text);
        let checked = crate::checks::run(&r, &kb);
        assert!(checked.warnings.is_empty(), "{:?}", checked.warnings);
        assert!(checked.findings.iter().all(|f| f.is_dismissed()));
        assert!(checked.problems[0].is_dismissed());
        // A name that is neither warns.
        let r = regimen_with(
            &kb,
            &(meds(&["warfarin", "naproxen"])
                + "[[decisions]]\nfinding = \"bleeding/typo\"\naction = \"keep\"\n"),
        );
        assert_eq!(crate::checks::run(&r, &kb).warnings.len(), 1);
    }

    #[test]
    fn every_finding_is_in_exactly_one_problem() {
        let kb = small_kb(
            &["a", "b", "c", "d"],
            &(CONCERNS.to_owned()
                + &rule("ab", "a", "b", "moderate", "interaction")
                + &rule("cd", "c", "d", "minor", "bleeding")
                + &rule("ac", "a", "c", "major", "bleeding")),
        );
        let r = regimen_with(&kb, &meds(&["a", "b", "c", "d"]));
        let checked = crate::checks::run(&r, &kb);
        for f in &checked.findings {
            let holders = checked
                .problems
                .iter()
                .filter(|p| p.findings.contains(&f.id))
                .count();
            assert_eq!(holders, 1, "{}", f.id);
        }
        let total: usize = checked.problems.iter().map(|p| p.findings.len()).sum();
        assert_eq!(total, checked.findings.len());
    }
}
