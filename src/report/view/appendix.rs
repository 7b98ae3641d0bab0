//! The reviewer's appendix: every finding, how every medicine resolved,
//! what was and was not checked.

use serde::Serialize;

use super::todo::Placement;
use super::{Header, Labelled, header, prescriber_name};
use crate::checks::{Finding, NOT_YET, Problem, REGISTRY};
use crate::knowledge::Knowledge;
use crate::record::Language;
use crate::regimen::Regimen;
use crate::report::strings::{APPENDIX, AppendixStrings, strings};
use crate::report::wording::long_date;

/// The reviewer's appendix.
#[derive(Debug, Serialize)]
pub struct AppendixView {
    pub header: Header,
    pub a: &'static AppendixStrings,
    pub reviewer: String,
    pub review_date: String,
    pub kind: &'static str,
    pub sources: Vec<String>,
    pub knowledge_version: String,
    pub tool_version: &'static str,
    pub checks_run: Vec<&'static str>,
    pub checks_not_run: Vec<Labelled>,
    /// Every finding, grouped into its problem, most serious first.
    pub problems: Vec<AppendixProblem>,
    /// How many findings in all.
    pub finding_count: usize,
    pub medicines: Vec<AppendixMedicine>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct AppendixFinding {
    pub id: String,
    pub severity: &'static str,
    pub title: String,
    pub medicines: Vec<String>,
    pub prescribers: Vec<String>,
    /// The patient's wording, for a finding left out of the to-do list for
    /// room (to go over with the patient); the others' is in the packet or
    /// not for the patient.
    pub patient_text: Option<String>,
    pub prescriber_text: String,
    pub evidence: Vec<String>,
    pub context: Vec<String>,
    pub decision: Option<String>,
    /// Where it went in the patient's packet.
    pub in_packet: &'static str,
}

/// One problem and the findings it groups.
#[derive(Debug, Serialize)]
pub struct AppendixProblem {
    pub id: String,
    pub title: String,
    pub concern: String,
    pub severity: &'static str,
    pub recommendation: String,
    /// The citations of all its findings, each FDA label once.
    pub evidence: Vec<String>,
    pub findings: Vec<AppendixFinding>,
}

#[derive(Debug, Serialize)]
pub struct AppendixMedicine {
    pub name: String,
    pub status: &'static str,
    pub resolution: String,
    pub ingredients: Vec<String>,
    pub classes: Vec<String>,
    pub directions_as_written: Option<String>,
    pub directions_read: bool,
}

pub(super) fn appendix(
    regimen: &Regimen,
    findings: &[Finding],
    problems: &[Problem],
    placements: &[Placement],
    warnings: &[String],
    kb: &Knowledge,
) -> AppendixView {
    let record = &regimen.record;
    let t = strings(Language::En);
    let mut rows: Vec<Option<AppendixFinding>> = findings
        .iter()
        .zip(placements)
        .map(|(f, placement)| AppendixFinding {
            in_packet: placement.describe(),
            id: f.id.clone(),
            severity: f.severity.as_str(),
            title: f.title.clone(),
            medicines: f.medicines.clone(),
            prescribers: f
                .prescribers
                .iter()
                .map(|p| prescriber_name(regimen, p))
                .collect(),
            patient_text: (*placement == Placement::LeftOut).then(|| f.patient_text.clone()),
            prescriber_text: f.prescriber_text.clone(),
            evidence: f.evidence.clone(),
            context: f.context.clone(),
            decision: f.decision.as_ref().map(|d| match &d.reason {
                Some(reason) => format!("{}: {reason}", d.action.as_str()),
                None => d.action.as_str().to_owned(),
            }),
        })
        .map(Some)
        .collect();
    let finding_count = rows.len();
    // Each finding goes under its problem, once.
    let problems = problems
        .iter()
        .map(|p| AppendixProblem {
            id: p.id.clone(),
            title: p.title.clone(),
            concern: kb
                .concern(&p.concern)
                .map_or_else(|| p.concern.clone(), |c| c.name.clone()),
            severity: p.severity.as_str(),
            recommendation: p.recommendation.clone(),
            evidence: p.evidence.clone(),
            findings: p
                .findings
                .iter()
                .filter_map(|id| {
                    let at = findings.iter().position(|f| &f.id == id)?;
                    rows[at].take()
                })
                .collect(),
        })
        .collect();
    let medicines = regimen
        .medicines
        .iter()
        .map(|m| {
            let r = &m.resolved;
            let resolution = match (&r.product, r.is_unknown(), r.is_partial()) {
                (_, true, _) => match &r.suggestion {
                    Some(near) => format!("not recognised (did you mean \"{near}\"? not assumed)"),
                    None => "not recognised".to_owned(),
                },
                (_, _, true) => format!(
                    "partly recognised (unknown words: {})",
                    r.unrecognised.join(" ")
                ),
                (Some(p), _, _) => format!("product \"{p}\""),
                (None, _, _) => "ingredient name".to_owned(),
            };
            AppendixMedicine {
                name: m.medication.name.clone(),
                status: m.medication.status.as_str(),
                resolution,
                ingredients: r
                    .ingredients
                    .iter()
                    .map(|i| match i.amount {
                        Some(a) => format!("{} {} {}", i.name, a.amount, a.unit.as_str()),
                        None => i.name.clone(),
                    })
                    .collect(),
                // Therapeutic classes; the groups that only serve one
                // interaction file's rules (crit-, crit2-, cyp-, onc-, hf-)
                // stay in the JSON.
                classes: m
                    .classes
                    .iter()
                    .filter(|c| {
                        !["crit-", "crit2-", "cyp-", "onc-", "hf-"]
                            .iter()
                            .any(|p| c.starts_with(p))
                    })
                    .cloned()
                    .collect(),
                directions_as_written: m
                    .medication
                    .sig
                    .clone()
                    .or_else(|| m.medication.dose.clone()),
                directions_read: m.schedule.understood(),
            }
        })
        .collect();
    AppendixView {
        header: header(regimen, Language::En, t.appendix_title, false),
        a: &APPENDIX,
        reviewer: record.review.reviewer.clone(),
        review_date: long_date(record.review.date, Language::En),
        kind: record.review.kind.as_str(),
        sources: record.review.sources.clone(),
        knowledge_version: kb.version().to_owned(),
        tool_version: env!("CARGO_PKG_VERSION"),
        checks_run: REGISTRY.iter().map(|c| c.doc().name).collect(),
        checks_not_run: NOT_YET
            .iter()
            .map(|(name, what)| Labelled {
                label: (*name).into(),
                value: (*what).into(),
            })
            .collect(),
        problems,
        finding_count,
        medicines,
        warnings: warnings.to_vec(),
    }
}
