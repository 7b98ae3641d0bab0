//! The reviewer's appendix: every finding, how every medicine resolved,
//! what was and was not checked.

use serde::Serialize;

use super::todo::Placement;
use super::{Header, Labelled, header, prescriber_name};
use crate::checks::{Finding, NOT_YET, REGISTRY};
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
    pub findings: Vec<AppendixFinding>,
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
    pub patient_text: String,
    pub prescriber_text: String,
    pub evidence: Vec<String>,
    pub context: Vec<String>,
    pub decision: Option<String>,
    /// Where it went in the patient's packet.
    pub in_packet: &'static str,
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
    placements: &[Placement],
    warnings: &[String],
    kb: &Knowledge,
) -> AppendixView {
    let record = &regimen.record;
    let t = strings(Language::En);
    let findings = findings
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
            patient_text: f.patient_text.clone(),
            prescriber_text: f.prescriber_text.clone(),
            evidence: f.evidence.clone(),
            context: f.context.clone(),
            decision: f.decision.as_ref().map(|d| match &d.reason {
                Some(reason) => format!("{}: {reason}", d.action.as_str()),
                None => d.action.as_str().to_owned(),
            }),
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
                classes: m.classes.clone(),
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
        findings,
        medicines,
        warnings: warnings.to_vec(),
    }
}
