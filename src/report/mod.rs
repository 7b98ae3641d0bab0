//! The plan and render stages: view models for the three documents
//! ([`view`]), their wording ([`wording`], [`strings`]), and typesetting
//! them into PDF with Typst ([`typeset`]).
//!
//! Writing files is left to `output`.

pub mod strings;
pub mod typeset;
pub mod view;
pub mod wording;

use serde::Serialize;

use crate::output::safe_name;
use crate::record::Date;
pub use typeset::{Document, TypesetError, Typesetter};
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

/// Typesets every document of a packet.
pub fn render(
    packet: &Packet,
    typesetter: &Typesetter,
    date: Date,
    patient_id: &str,
) -> Result<RenderedPacket, TypesetError> {
    let mut files = Vec::new();
    let mut replaced = 0;
    let mut one = |document: Document, name: String, view: &dyn erased::Json| {
        let mut value = view.to_value();
        replaced += typesetter.make_printable(&mut value);
        let data = serde_json::to_vec(&value).expect("view models serialise");
        let bytes = typesetter.pdf(document, data, date, &format!("{patient_id}/{name}"))?;
        files.push(RenderedFile { name, bytes });
        Ok::<(), TypesetError>(())
    };
    one(Document::Summary, "summary.pdf".into(), &packet.summary)?;
    for letter in &packet.letters {
        one(
            Document::Letter,
            format!("letter-{}.pdf", safe_name(&letter.key)),
            letter,
        )?;
    }
    one(Document::Appendix, "appendix.pdf".into(), &packet.appendix)?;
    Ok(RenderedPacket { files, replaced })
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
