//! Review records: reading a TOML file into a validated [`Record`].
//!
//! Owns the input contract of `record-format.md`. [`raw`] mirrors the TOML
//! one to one; [`parse`] turns it into a [`Record`] or a [`Diagnostic`] that
//! points at the offending line. Resolving medicine names and judging them
//! is left to `knowledge` and `checks`.

pub mod limits;
pub mod raw;
pub mod values;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::suggest::nearest;
pub use raw::{
    Allergy, DoseTime, Health, LabValue, Labs, Medication, Patient, Prescriber, Review, Transition,
};
pub use values::{
    AllergyKind, ClockTime, Date, DecisionAction, Food, Language, MedicineStatus, MedicineType,
    ReviewKind, Sex,
};

/// One patient's medication review, validated.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// The file it came from, as found.
    pub file: PathBuf,
    pub patient: Patient,
    pub review: Review,
    pub health: Health,
    pub labs: Labs,
    pub routine: Routine,
    pub allergies: Vec<Allergy>,
    pub prescribers: Vec<Prescriber>,
    pub medications: Vec<Medication>,
    pub transition: Option<Transition>,
    pub decisions: Vec<Decision>,
    pub actions: Vec<Action>,
}

impl Record {
    /// The patient's age in whole years at the review date.
    pub fn age(&self) -> i32 {
        self.patient.born.age_on(self.review.date)
    }

    /// The medicines the patient has and uses now (not the stopped ones).
    pub fn active_medications(&self) -> impl Iterator<Item = (usize, &Medication)> {
        self.medications
            .iter()
            .enumerate()
            .filter(|(_, m)| m.status == MedicineStatus::Active)
    }

    /// The prescriber with this id, if the record lists one.
    pub fn prescriber(&self, id: &str) -> Option<&Prescriber> {
        self.prescribers.iter().find(|p| p.id == id)
    }
}

/// The patient's day, with the record format's defaults filled in.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Routine {
    pub wake: ClockTime,
    pub breakfast: ClockTime,
    pub lunch: ClockTime,
    pub dinner: ClockTime,
    pub bed: ClockTime,
}

impl Routine {
    /// Defaults of `record-format.md`: 07:00, 08:00, 12:00, 18:00, 22:00.
    fn from_raw(raw: raw::RawRoutine) -> Routine {
        Routine {
            wake: raw.wake.unwrap_or(ClockTime::new(7, 0)),
            breakfast: raw.breakfast.unwrap_or(ClockTime::new(8, 0)),
            lunch: raw.lunch.unwrap_or(ClockTime::new(12, 0)),
            dinner: raw.dinner.unwrap_or(ClockTime::new(18, 0)),
            bed: raw.bed.unwrap_or(ClockTime::new(22, 0)),
        }
    }
}

/// The reviewer's judgement on one finding.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub finding: String,
    pub action: DecisionAction,
    pub reason: Option<String>,
}

/// Who a hand-written action is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Patient,
    /// A prescriber id listed in `[[prescribers]]`.
    Prescriber(String),
}

/// An item the reviewer wrote by hand.
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    pub talked_about: Option<String>,
    pub to_do: Option<String>,
    pub audience: Audience,
}

/// Reads and validates one record file.
pub fn load(path: &Path) -> Result<Record, Diagnostic> {
    use std::io::Read;
    let cannot =
        |e: std::io::Error| Diagnostic::whole_file(path, format!("cannot read the file: {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    // Read at most one byte past the limit: a file that grows or lies about
    // its size is never read whole.
    let mut bytes = Vec::new();
    file.take(limits::MAX_RECORD_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > limits::MAX_RECORD_BYTES {
        return Err(Diagnostic::whole_file(
            path,
            format!(
                "the file is larger than {} MB; a review record is at most that                  (one patient with 40 medicines is about 30 KB)",
                limits::MAX_RECORD_BYTES / 1_000_000
            ),
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        Diagnostic::at(path, &text, at..at + 1, "the file is not UTF-8 text")
    })?;
    parse(path, &text)
}

/// Parses and validates the text of one record file. A byte-order mark
/// (as Windows editors write) is skipped; CRLF line ends are read as any.
pub fn parse(path: &Path, text: &str) -> Result<Record, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Diagnostic::whole_file(
            path,
            "the file is empty; expected a review record with [patient] and [review] tables \
             (`medreview init` writes an example)",
        ));
    }
    limits::check(text).map_err(|b| Diagnostic::at(path, text, b.span, b.message))?;
    let raw: raw::RawRecord = toml::from_str(text).map_err(|e| {
        let message = explain_toml_error(e.message(), text, e.span());
        match e.span() {
            Some(span) => Diagnostic::at(path, text, span, message),
            None => Diagnostic::whole_file(path, message),
        }
    })?;
    validate(path, text, raw)
}

/// Checks what single fields cannot: rules that need two values or the
/// whole record.
fn validate(path: &Path, text: &str, raw: raw::RawRecord) -> Result<Record, Diagnostic> {
    let error = |span: std::ops::Range<usize>, msg: String| Diagnostic::at(path, text, span, msg);

    let patient_span = raw.patient.span();
    let patient = raw.patient.into_inner();
    if patient.id.trim().is_empty() {
        return Err(error(patient_span, "`patient.id` must not be empty".into()));
    }
    if patient.name.trim().is_empty() {
        return Err(error(
            patient_span,
            "`patient.name` must not be empty".into(),
        ));
    }
    let review_span = raw.review.span();
    let review = raw.review.into_inner();
    if patient.born > review.date {
        return Err(error(
            patient_span,
            format!(
                "`patient.born` ({}) is after the review date ({})",
                patient.born, review.date
            ),
        ));
    }
    if review.reviewer.trim().is_empty() {
        return Err(error(
            review_span,
            "`review.reviewer` must not be empty".into(),
        ));
    }

    let mut prescribers: Vec<Prescriber> = Vec::new();
    for p in raw.prescribers {
        let span = p.span();
        let p = p.into_inner();
        if prescribers.iter().any(|q| q.id == p.id) {
            return Err(error(
                span,
                format!("prescriber id \"{}\" is listed twice", p.id),
            ));
        }
        prescribers.push(p);
    }

    let mut medications = Vec::new();
    for m in raw.medications {
        let span = m.span();
        let m = m.into_inner();
        check_medication(&m).map_err(|msg| error(span, msg))?;
        medications.push(m);
    }

    let transition = match raw.transition {
        None => None,
        Some(t) => {
            let span = t.span();
            let t = t.into_inner();
            let lists = [
                ("before", &t.before),
                ("hospital", &t.hospital),
                ("discharge", &t.discharge),
            ];
            for (list, entries) in lists {
                for m in entries {
                    check_medication(m).map_err(|msg| {
                        error(span.clone(), format!("in [[transition.{list}]]: {msg}"))
                    })?;
                }
            }
            Some(t)
        }
    };

    let mut decisions = Vec::new();
    for d in raw.decisions {
        let span = d.span();
        let d = d.into_inner();
        let reason = d.reason.filter(|r| !r.trim().is_empty());
        if d.action == DecisionAction::Dismiss && reason.is_none() {
            return Err(error(
                span,
                format!(
                    "dismissing \"{}\" needs a `reason`, printed in the reviewer's appendix",
                    d.finding
                ),
            ));
        }
        decisions.push(Decision {
            finding: d.finding,
            action: d.action,
            reason,
        });
    }

    let mut actions = Vec::new();
    for a in raw.actions {
        let span = a.span();
        let a = a.into_inner();
        if a.talked_about.is_none() && a.to_do.is_none() {
            return Err(error(
                span,
                "an action needs `talked_about` or `to_do`".into(),
            ));
        }
        let audience = match a.audience {
            None => Audience::Patient,
            Some(who) if who.get_ref() == "patient" => Audience::Patient,
            Some(who) if prescribers.iter().any(|p| &p.id == who.get_ref()) => {
                Audience::Prescriber(who.into_inner())
            }
            Some(who) => {
                let known: Vec<String> = prescribers
                    .iter()
                    .map(|p| format!("\"{}\"", p.id))
                    .collect();
                let msg = format!(
                    "`for = \"{}\"` names no prescriber; expected \"patient\" or a prescriber id{}",
                    who.get_ref(),
                    if known.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", known.join(", "))
                    }
                );
                return Err(error(who.span(), msg));
            }
        };
        actions.push(Action {
            talked_about: a.talked_about,
            to_do: a.to_do,
            audience,
        });
    }

    Ok(Record {
        file: path.to_owned(),
        patient,
        review,
        health: raw.health,
        labs: raw.labs,
        routine: Routine::from_raw(raw.routine),
        allergies: raw.allergies,
        prescribers,
        medications,
        transition,
        decisions,
        actions,
    })
}

fn check_medication(m: &Medication) -> Result<(), String> {
    if m.name.trim().is_empty() {
        return Err("a medication's `name` must not be empty".into());
    }
    if m.every_hours == Some(0) || m.every_hours.is_some_and(|h| h > 72) {
        return Err(format!(
            "`every_hours` of \"{}\" must be between 1 and 72",
            m.name
        ));
    }
    if m.days_supply == Some(0) {
        return Err(format!(
            "`days_supply` of \"{}\" must be at least 1",
            m.name
        ));
    }
    if m.status == MedicineStatus::Active && (m.stopped.is_some() || m.stop_reason.is_some()) {
        return Err(format!(
            "\"{}\" has a `stopped` date or `stop_reason` but no `status = \"stopped\"`",
            m.name
        ));
    }
    Ok(())
}

/// Rewords the TOML reader's message where it can say more plainly what was
/// expected, and suggests the nearest key for a typo.
fn explain_toml_error(message: &str, text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let message = message.trim_end();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let keys: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let mut out = format!("unknown key `{key}`");
        if let Some(near) = nearest(key, &keys) {
            out += &format!("; did you mean `{near}`?");
        }
        if !keys.is_empty() {
            out += &format!(" Expected one of: {}", keys.join(", "));
        }
        return out;
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        if matches!(key, "patient" | "review") {
            return format!("missing the required table [{key}]");
        }
        let table = span
            .and_then(|s| table_header_before(text, s.start))
            .map(|t| format!(" in {t}"))
            .unwrap_or_default();
        return format!("missing required key `{key}`{table}");
    }
    if message.contains("recurse further") {
        return format!(
            "values are nested too deeply here; a record nests at most {} levels",
            limits::MAX_DEPTH
        );
    }
    if message.starts_with("duplicate key") {
        let key = span.and_then(|s| text.get(s)).unwrap_or("").trim();
        return format!("duplicate key `{key}`: it is already set earlier in the same table");
    }
    if message.starts_with("invalid basic string") || message.starts_with("invalid literal string")
    {
        return "this string is not closed: expected a closing quote on the same line (use ''' for text over several lines)"
            .to_owned();
    }
    let message = &message
        .replace("expected f64", "expected a number")
        .replace("expected u32", "expected a whole number")
        .replace("expected u64", "expected a whole number")
        .replace("expected i64", "expected a whole number");
    // Name the key whose value is wrong: the span points at the value.
    if let Some(key) = span.and_then(|s| key_before(text, s.start))
        && !message.contains(&format!("`{key}`"))
    {
        return format!("`{key}`: {message}");
    }
    message.clone()
}

/// The key on the line of `at`, when `at` is in the value of `key = value`.
fn key_before(text: &str, at: usize) -> Option<String> {
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let (key, _) = text[line_start..at].split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && !key.contains(['[', '{', ','])).then(|| key.to_owned())
}

/// The nearest `[table]` header at or before `at`, for messages.
fn table_header_before(text: &str, at: usize) -> Option<String> {
    let at = at.min(text.len());
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    text[..line_end]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.split('#').next().unwrap_or(l).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_key() {
        assert_eq!(
            nearest("strenght", &["name", "strength", "form"]),
            Some("strength")
        );
        assert_eq!(nearest("colour", &["name", "strength"]), None);
    }

    #[test]
    fn transition_lists_are_validated_like_medications() {
        let text = "[patient]\nid = \"1\"\nname = \"A\"\nborn = 1950-01-01\n\
                    [review]\ndate = 2026-01-01\nreviewer = \"R\"\n\
                    [transition]\nfrom = \"Mercy\"\n\
                    [[transition.discharge]]\nname = \"furosemide\"\nevery_hours = 0\n";
        let e = parse(Path::new("t.toml"), text).unwrap_err();
        assert!(e.message.contains("[[transition.discharge]]"), "{e}");
        assert!(e.line >= 7, "{e}");
    }

    #[test]
    fn finds_the_key_of_a_value() {
        let text = "[patient]\nborn = \"1948\"\n";
        assert_eq!(
            key_before(text, text.find("\"1948").unwrap()).as_deref(),
            Some("born")
        );
    }
}
