//! The plan and render stages: view models for the three documents
//! ([`view`]), their wording ([`wording`], [`strings`]), and typesetting
//! them into PDF with Typst ([`typeset`]).
//!
//! Writing files is left to `output`.

pub mod plain;
pub mod strings;
pub mod typeset;
pub mod view;
pub mod wording;

use serde::Serialize;

use crate::output::safe_name;
use crate::record::Date;
pub use typeset::{Document, TextRun, TypesetError, Typesetter};
pub use view::{Packet, plan};

/// One finished file of a packet.
#[derive(Debug)]
pub struct RenderedFile {
    /// File name inside the patient's folder.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The typeset documents of one patient.
#[derive(Debug)]
pub struct RenderedPacket {
    pub files: Vec<RenderedFile>,
    /// Characters of the record no embedded font can print, replaced by
    /// U+FFFD (counted once per document they appear in).
    pub replaced: usize,
}

/// Every document of a packet: its kind, file name and view model as JSON,
/// with characters no embedded font can print already replaced.
pub fn documents(
    packet: &Packet,
    typesetter: &Typesetter,
) -> (Vec<(Document, String, Vec<u8>)>, usize) {
    let mut views: Vec<(Document, String, &dyn erased::Json)> =
        vec![(Document::Summary, "summary.pdf".into(), &packet.summary)];
    for letter in &packet.letters {
        views.push((
            Document::Letter,
            format!("letter-{}.pdf", safe_name(&letter.key)),
            letter,
        ));
    }
    views.push((Document::Appendix, "appendix.pdf".into(), &packet.appendix));
    let mut replaced = 0;
    let documents = views
        .into_iter()
        .map(|(document, name, view)| {
            let mut value = view.to_value();
            replaced += typesetter.make_printable(&mut value);
            let data = serde_json::to_vec(&value).expect("view models serialise");
            (document, name, data)
        })
        .collect();
    (documents, replaced)
}

/// Typesets every document of a packet.
pub fn render(
    packet: &Packet,
    typesetter: &Typesetter,
    date: Date,
    patient_id: &str,
) -> Result<RenderedPacket, TypesetError> {
    let (documents, replaced) = documents(packet, typesetter);
    let mut files = Vec::new();
    for (document, name, data) in documents {
        let bytes = typesetter.pdf(document, data, date, &format!("{patient_id}/{name}"))?;
        files.push(RenderedFile { name, bytes });
    }
    Ok(RenderedPacket { files, replaced })
}

/// The laid-out text of every document of a packet, by file name, for
/// audits of the print (the tests check large-print sizes, margins and
/// contrast with it). Nothing is exported or written.
pub fn text_runs(
    packet: &Packet,
    typesetter: &Typesetter,
    date: Date,
) -> Result<Vec<(String, Vec<TextRun>)>, TypesetError> {
    documents(packet, typesetter)
        .0
        .into_iter()
        .map(|(document, name, data)| Ok((name, typesetter.text_runs(document, data, date)?)))
        .collect()
}

mod erased {
    //! Lets `render` treat the three view types alike.
    pub trait Json {
        fn to_value(&self) -> serde_json::Value;
    }
    impl<T: super::Serialize> Json for T {
        fn to_value(&self) -> serde_json::Value {
            serde_json::to_value(self).expect("view models serialise")
        }
    }
}
