//! A letter to each prescriber with something to act on.

use serde::Serialize;

use super::{Header, Labelled, contact, header};
use crate::checks::{Finding, Problem, Severity};
use crate::record::{Audience, DecisionAction, Language};
use crate::regimen::Regimen;
use crate::report::strings::{LETTER, LetterStrings, strings};
use crate::report::wording::long_date;

/// A letter to one prescriber.
#[derive(Debug, Serialize)]
pub struct LetterView {
    pub header: Header,
    pub l: &'static LetterStrings,
    /// The prescriber's id in the record, or the free-text name.
    pub key: String,
    pub prescriber: PrescriberView,
    pub date: String,
    pub medicines: Vec<Labelled>,
    pub recommendations: Vec<Recommendation>,
    pub actions: Vec<String>,
    pub reviewer: String,
    pub organization: Option<String>,
    pub contact: Vec<Labelled>,
    /// Where the prescriber faxes the answered letter back.
    pub return_fax: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PrescriberView {
    pub name: String,
    pub specialty: Option<String>,
    pub organization: Option<String>,
    pub address: Vec<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
}

/// One medication-related problem for the prescriber: one recommendation,
/// with what else was found about the same concern.
#[derive(Debug, Serialize)]
pub struct Recommendation {
    /// The problem's id.
    pub id: String,
    pub title: String,
    pub severity: &'static str,
    pub medicines: Vec<String>,
    /// The titles of the problem's other findings, said once.
    pub contributing: Vec<String>,
    /// The first sentence of `why`, for the compact rows.
    pub why_short: Option<String>,
    /// Major or contraindicated: a block of its own with a reply line;
    /// the others are rows of one compact table.
    pub serious: bool,
    /// The whole clinical text, used when it cannot be split.
    pub assessment: String,
    /// Why it matters: consequence and mechanism.
    pub why: Option<String>,
    /// What is recommended.
    pub recommended: Option<String>,
    pub evidence: Vec<String>,
    pub facts: Vec<String>,
}

/// Whether a finding is a recommendation for prescribers: `moderate` or
/// above, or kept on purpose by the reviewer. `minor` findings (little
/// clinical effect, awareness) stay in the reviewer's appendix, so that a
/// letter asks a busy prescriber only what needs an answer.
pub fn recommended(f: &Finding) -> bool {
    let kept = f
        .decision
        .as_ref()
        .is_some_and(|d| d.action == DecisionAction::Keep);
    !f.is_dismissed() && (f.severity >= Severity::Moderate || kept)
}

/// The problems with a finding to recommend, each with those findings.
fn recommended_problems<'a>(
    findings: &'a [Finding],
    problems: &'a [Problem],
) -> Vec<(&'a Problem, Vec<&'a Finding>)> {
    problems
        .iter()
        .map(|p| {
            let members: Vec<&Finding> = findings
                .iter()
                .filter(|f| p.findings.contains(&f.id) && recommended(f))
                .collect();
            (p, members)
        })
        .filter(|(_, members)| !members.is_empty())
        .collect()
}

pub(super) fn letters(
    regimen: &Regimen,
    findings: &[Finding],
    problems: &[Problem],
) -> Vec<LetterView> {
    let record = &regimen.record;
    let to_recommend = recommended_problems(findings, problems);
    // A problem goes to every prescriber of the findings it recommends.
    let prescribers_of = |members: &[&Finding]| -> Vec<String> {
        let mut keys: Vec<String> = members
            .iter()
            .flat_map(|f| f.prescribers.iter().cloned())
            .collect();
        keys.sort();
        keys.dedup();
        keys
    };
    let mut keys: Vec<String> = to_recommend
        .iter()
        .flat_map(|(_, members)| prescribers_of(members))
        .collect();
    keys.extend(record.actions.iter().filter_map(|a| match &a.audience {
        Audience::Prescriber(id) => Some(id.clone()),
        Audience::Patient => None,
    }));
    keys.sort();
    keys.dedup();
    let t = strings(Language::En);
    keys.into_iter()
        .map(|key| {
            let listed = record.prescriber(&key);
            let prescriber = PrescriberView {
                name: listed.map_or_else(|| key.clone(), |p| p.name.clone()),
                specialty: listed.and_then(|p| p.specialty.clone()),
                organization: listed.and_then(|p| p.organization.clone()),
                // An address that starts with the organization's name says it once.
                address: listed
                    .map(|p| {
                        p.address
                            .iter()
                            .filter(|line| Some(*line) != p.organization.as_ref())
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default(),
                phone: listed.and_then(|p| p.phone.clone()),
                fax: listed.and_then(|p| p.fax.clone()),
            };
            let recommendations = to_recommend
                .iter()
                .filter(|(_, members)| prescribers_of(members).contains(&key))
                .map(|(p, members)| recommendation(p, members))
                .collect();
            let actions = record
                .actions
                .iter()
                .filter(|a| a.audience == Audience::Prescriber(key.clone()))
                .map(|a| match (&a.talked_about, &a.to_do) {
                    (Some(about), Some(todo)) => format!("{about}: {todo}"),
                    (Some(one), None) | (None, Some(one)) => one.clone(),
                    (None, None) => String::new(),
                })
                .collect();
            let medicines = regimen
                .active()
                .map(|m| Labelled {
                    label: m.medication.name.clone(),
                    value: m
                        .medication
                        .sig
                        .clone()
                        .or_else(|| m.medication.dose.clone())
                        .unwrap_or_default(),
                })
                .collect();
            LetterView {
                header: header(regimen, Language::En, t.letter_title, false),
                l: &LETTER,
                key,
                prescriber,
                date: long_date(record.review.date, Language::En),
                medicines,
                recommendations,
                actions,
                reviewer: record.review.reviewer.clone(),
                organization: record.review.organization.clone(),
                contact: contact(regimen, t),
                return_fax: record.review.fax.clone(),
            }
        })
        .collect()
}

/// The block of one problem: led by its most severe finding recommended,
/// the facts of every finding once, its evidence once.
fn recommendation(problem: &Problem, members: &[&Finding]) -> Recommendation {
    let lead = members
        .iter()
        .max_by(|a, b| a.severity.cmp(&b.severity).then_with(|| b.id.cmp(&a.id)))
        .expect("a recommended problem has a finding");
    let mut facts: Vec<String> = Vec::new();
    let mut evidence: Vec<String> = Vec::new();
    // Which rule fired, which two medicines a pair rule matched, and that
    // food advice is for anyone on the medicine, are for the reviewer's
    // appendix: "Found" names the medicines already.
    let pair = |c: &str| c.contains(") with ") && c.ends_with(')');
    for f in members {
        for c in f.context.iter().filter(|c| {
            !c.starts_with("knowledge-base rule ")
                && !c.starts_with("advice for anyone taking this medicine")
                && !pair(c)
        }) {
            if !facts.contains(c) {
                facts.push(c.clone());
            }
        }
    }
    // The evidence of the recommendation made; the others' is in the
    // reviewer's appendix.
    for e in &lead.evidence {
        if !evidence.contains(e) {
            evidence.push(e.clone());
        }
    }

    let mut contributing: Vec<String> = members
        .iter()
        .filter(|f| f.id != lead.id)
        .map(|f| f.title.clone())
        .collect();
    contributing.dedup();
    // Three are enough to show what adds up; the rest are in the appendix.
    if contributing.len() > 3 {
        let more = contributing.len() - 2;
        contributing.truncate(2);
        contributing.push(format!("{more} more in the reviewer's appendix"));
    }
    Recommendation {
        id: problem.id.clone(),
        title: if members.len() == 1 {
            lead.title.clone()
        } else {
            problem.title.clone()
        },
        severity: lead.severity.as_str(),
        serious: lead.severity >= Severity::Major,
        medicines: problem.medicines.clone(),
        contributing,
        assessment: lead.prescriber_text.clone(),
        why: (!lead.why.is_empty()).then(|| lead.why.clone()),
        why_short: (!lead.why.is_empty()).then(|| first_sentence(&lead.why)),
        recommended: (!lead.recommendation.is_empty()).then(|| lead.recommendation.clone()),
        evidence: about_these(
            crate::knowledge::merge_label_citations(&evidence),
            &problem.ingredients,
        ),
        facts,
    }
}

/// The citations that are about these ingredients: a class rule cites the
/// label of every member, and a prescriber needs the labels of the
/// patient's medicines (the reviewer's appendix keeps them all). An FDA
/// label whose document names none of them is left out; other sources
/// (guidelines, the FDA table) stay. When none would be left, all stay.
fn about_these(citations: Vec<String>, ingredients: &[String]) -> Vec<String> {
    let kept: Vec<String> = citations
        .iter()
        .filter(|c| match crate::knowledge::cited_label(c) {
            Some(document) => ingredients.iter().any(|i| document.contains(i.as_str())),
            None => true,
        })
        .cloned()
        .collect();
    if kept.is_empty() { citations } else { kept }
}

/// The first sentence of a text: up to its first ". " (the whole text when
/// it has one sentence).
fn first_sentence(text: &str) -> String {
    match text.find(". ") {
        Some(at) => text[..=at].to_owned(),
        None => text.to_owned(),
    }
}
