//! The plan stage: the finished view models the templates receive as JSON.
//!
//! Everything a document says is decided here (which findings the patient
//! sees, the explicit directions, which prescribers get a letter); the
//! templates only lay it out. Free text from the record travels as JSON
//! strings, so it is always printed as text, never read as markup.
//!
//! One file per document: [`summary`] (with its [`schedule`] grid and the
//! [`changes`] after a care transition), [`letter`] and [`appendix`].

mod appendix;
mod changes;
mod letter;
mod schedule;
mod summary;
pub mod todo;

use serde::Serialize;

use super::strings::{Strings, strings};
use super::wording::long_date;
use crate::checks::Checked;
use crate::knowledge::Knowledge;
use crate::record::Language;
use crate::regimen::Regimen;
pub use appendix::{AppendixFinding, AppendixMedicine, AppendixView};
pub use changes::Changes;
pub use letter::{LetterView, PrescriberView, Recommendation, recommended};
pub use schedule::{ScheduleRow, ScheduleView};
pub use summary::{Cover, MedicineLine, StoppedLine, SummaryView, WatchItem};
pub use todo::TodoItem;

/// What every document shows in its header and footer.
#[derive(Debug, Serialize)]
pub struct Header {
    pub lang: &'static str,
    pub large_print: bool,
    pub title: String,
    pub patient_name: String,
    pub patient_id: String,
    pub born: String,
    pub prepared: String,
    pub t: &'static Strings,
}

#[derive(Debug, Serialize)]
pub struct Labelled {
    pub label: String,
    pub value: String,
}

/// All documents of one patient.
#[derive(Debug)]
pub struct Packet {
    pub summary: SummaryView,
    pub letters: Vec<LetterView>,
    pub appendix: AppendixView,
}

/// Plans every document of one checked regimen, from its findings and the
/// problems the checks grouped them into.
pub fn plan(regimen: &Regimen, checked: &Checked, kb: &Knowledge) -> Packet {
    let Checked {
        findings,
        problems,
        warnings,
    } = checked;
    let todo = todo::plan(regimen, findings, problems);
    let placements = todo.placements.clone();
    Packet {
        summary: summary::summary(regimen, todo, kb),
        letters: letter::letters(regimen, findings, problems),
        appendix: appendix::appendix(regimen, findings, problems, &placements, warnings, kb),
    }
}

/// The header of a document. Large print (`large_print`) is for the
/// patient's own packet; the letters and the appendix are for clinicians and
/// keep normal print.
pub(super) fn header(
    regimen: &Regimen,
    language: Language,
    title: &str,
    large_print: bool,
) -> Header {
    let record = &regimen.record;
    Header {
        lang: language.as_str(),
        large_print,
        title: title.to_owned(),
        patient_name: record.patient.name.clone(),
        patient_id: record.patient.id.clone(),
        born: long_date(record.patient.born, language),
        prepared: long_date(record.review.date, language),
        t: strings(language),
    }
}

pub(super) fn contact(regimen: &Regimen, t: &Strings) -> Vec<Labelled> {
    let review = &regimen.record.review;
    [
        (t.phone, &review.phone),
        (t.hours, &review.hours),
        (t.tty, &review.tty),
    ]
    .into_iter()
    .filter_map(|(label, value)| {
        value.as_ref().map(|v| Labelled {
            label: label.into(),
            value: v.clone(),
        })
    })
    .collect()
}

pub(super) fn prescriber_name(regimen: &Regimen, key: &str) -> String {
    regimen
        .record
        .prescriber(key)
        .map_or_else(|| key.to_owned(), |p| p.name.clone())
}
