//! What one record may hold: size, counts, lengths, nesting, plausible
//! numbers and dates in order. Checked on the parsed TOML document, before
//! its values are read into a [`super::Record`], so every error points at
//! the value that breaks the limit (file, line, column).
//!
//! The limits are far beyond any real review (the largest sample has 19
//! medicines and notes of a few hundred characters) and low enough that a
//! stray export, a pasted spreadsheet or a hostile file cannot make the
//! batch slow, its documents hundreds of pages long or its memory grow.
//!
//! Number ranges are plausibility bounds, not clinical thresholds: each is
//! set wide of any value a living patient or a real prescription can have,
//! so they reject typing slips (a potassium of 45, a weight of -70) and
//! never an abnormal result. Abnormal results are the checks' business.
//!
//! Dates are compared with the review date and the date of birth, never with
//! today's date, so a record gives the same result on any day.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The largest record file read, in bytes. A record with 40 medicines,
/// notes on each and a hospital stay is about 30 KB.
pub const MAX_RECORD_BYTES: u64 = 1_000_000;

/// The longest text value, in characters: about two printed pages.
pub const MAX_TEXT_CHARS: usize = 4_000;

/// The most medicines in one list (`[[medications]]` or one list of a
/// transition). Reviews of 20 to 40 medicines are common; 150 is not a
/// patient but a pharmacy's export.
pub const MAX_MEDICINES: usize = 150;

/// The most entries in any other list (allergies, conditions, prescribers,
/// decisions, address lines, dose times...).
pub const MAX_ENTRIES: usize = 100;

/// The deepest nesting a record uses is 5 (a dose time, as an inline table
/// in the `times` list of a medicine in a transition list).
pub const MAX_DEPTH: usize = 5;

/// The earliest date a record may hold.
const EARLIEST_YEAR: u16 = 1900;

/// A limit broken, and where.
pub struct Broken {
    pub span: Range<usize>,
    pub message: String,
}

/// Plausible ranges of the numbers in a record: key, lowest, highest, unit.
/// Labs are in the units of `record-format.md`.
const RANGES: &[(&str, f64, f64, &str)] = &[
    ("weight_kg", 0.5, 400.0, "kg"),
    ("height_cm", 30.0, 250.0, "cm"),
    ("alcohol_drinks_per_week", 0.0, 200.0, "drinks"),
    ("days_supply", 1.0, 400.0, "days"),
    ("egfr", 1.0, 200.0, "mL/min/1.73 m²"),
    ("crcl", 1.0, 250.0, "mL/min"),
    ("scr", 0.1, 25.0, "mg/dL"),
    ("potassium", 1.5, 10.0, "mmol/L"),
    ("sodium", 100.0, 180.0, "mmol/L"),
    ("inr", 0.5, 20.0, ""),
    ("alt", 1.0, 20_000.0, "U/L"),
    ("ast", 1.0, 20_000.0, "U/L"),
    ("a1c", 3.0, 20.0, "%"),
    ("heart_rate", 20.0, 250.0, "bpm"),
    ("systolic_bp", 40.0, 300.0, "mmHg"),
];

/// Date keys that must fall between the date of birth and the review date.
const DATES_UP_TO_THE_REVIEW: &[&str] = &[
    "started",
    "last_fill",
    "stopped",
    "admitted",
    "discharged",
    "date",
];

/// Checks `text`, a record, against the limits. A document that does not
/// parse passes: the reader reports its syntax error.
pub fn check(text: &str) -> Result<(), Broken> {
    let Ok(document) = DeTable::parse(text) else {
        return Ok(());
    };
    let document = document.get_ref();
    let date_of = |table: &str, key: &str| {
        document
            .get(table)
            .and_then(|t| t.get_ref().as_table())
            .and_then(|t| t.get(key))
            .and_then(|v| v.get_ref().as_datetime())
            .and_then(|d| d.date)
            .map(|d| (d.year, d.month, d.day))
    };
    let walk = Walk {
        born: date_of("patient", "born"),
        review: date_of("review", "date"),
    };
    // Said first: every other date is judged against these two.
    if let (Some(born), Some(review)) = (walk.born, walk.review)
        && born > review
        && let Some(value) = document
            .get("patient")
            .and_then(|t| t.get_ref().as_table())
            .and_then(|t| t.get("born"))
    {
        let show = |(y, m, d): (u16, u8, u8)| format!("{y:04}-{m:02}-{d:02}");
        return Err(Broken {
            span: value.span(),
            message: format!(
                "`born` ({}) is after the review date ({})",
                show(born),
                show(review)
            ),
        });
    }
    for (key, value) in document {
        walk.value(key.get_ref(), value, 1)?;
    }
    Ok(())
}

/// Units counted in whole items: more than [`MAX_ITEMS_AT_ONCE`] of them
/// at once is a slip (a strength typed as a count, a stray zero).
const COUNTED_UNITS: &[&str] = &[
    "tab",
    "tabs",
    "tablet",
    "tablets",
    "cap",
    "caps",
    "capsule",
    "capsules",
    "pill",
    "pills",
    "puff",
    "puffs",
    "drop",
    "drops",
    "spray",
    "sprays",
    "patch",
    "patches",
    "suppository",
    "suppositories",
    "lozenge",
    "lozenges",
];

/// The most tablets, capsules, puffs or drops one amount may say.
pub const MAX_ITEMS_AT_ONCE: f64 = 100.0;

/// An amount in a dose, strength or directions that cannot be right: a
/// negative one ("-2 tablets", not in directions), or more than [`MAX_ITEMS_AT_ONCE`] counted
/// items ("1000000 tab po qd"). Ranges ("1-2 tabs", "q4-6h") and large
/// amounts in other units ("50000 IU") are fine.
fn impossible_amount(key: &str, text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        // Directions are free text, where a dash is punctuation ("with
        // water -30-60 minutes before eating"): the reader quotes what it
        // cannot use; it never fails the record.
        if key != "sig"
            && word.len() > 1
            && word.starts_with('-')
            && word[1..].starts_with(|c: char| c.is_ascii_digit() || c == '.')
        {
            return Some(format!("`{key}` has a negative amount ({word})"));
        }
        let digits: String = word
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
            .filter(|c| *c != ',')
            .collect();
        let Ok(amount) = digits.parse::<f64>() else {
            continue;
        };
        let unit = match &word[digits.len().min(word.len())..] {
            "" => words.get(i + 1).copied().unwrap_or(""),
            rest => rest,
        };
        let unit = unit.trim_end_matches(['.', ',', ';', ')']).to_lowercase();
        if amount > MAX_ITEMS_AT_ONCE && COUNTED_UNITS.contains(&unit.as_str()) {
            return Some(format!(
                "`{key}` says {} {unit} at once; more than {MAX_ITEMS_AT_ONCE} cannot be right \
                 (a typing slip, or a strength written as a count?)",
                word.trim_end_matches(|c: char| c.is_alphabetic())
            ));
        }
    }
    None
}

struct Walk {
    born: Option<(u16, u8, u8)>,
    review: Option<(u16, u8, u8)>,
}

impl Walk {
    /// Checks one value under `key` at nesting `depth`.
    fn value(&self, key: &str, value: &Spanned<DeValue>, depth: usize) -> Result<(), Broken> {
        let broken = |message: String| Broken {
            span: value.span(),
            message,
        };
        if depth > MAX_DEPTH {
            return Err(broken(format!(
                "`{key}` is nested {depth} levels deep; a record nests at most {MAX_DEPTH}"
            )));
        }
        match value.get_ref() {
            DeValue::String(s) => {
                let chars = s.chars().count();
                if chars > MAX_TEXT_CHARS {
                    return Err(broken(format!(
                        "`{key}` is {chars} characters long; a text may be at most \
                         {MAX_TEXT_CHARS} characters (about two printed pages)"
                    )));
                }
                if matches!(key, "dose" | "max_per_day" | "strength" | "sig")
                    && let Some(message) = impossible_amount(key, s)
                {
                    return Err(broken(message));
                }
            }
            DeValue::Integer(i) => {
                let n = i64::from_str_radix(i.as_str(), i.radix()).ok();
                self.number(key, n.map(|n| n as f64), &broken)?;
            }
            DeValue::Float(f) => {
                let n = f.as_str().replace('_', "").parse::<f64>().ok();
                self.number(key, n, &broken)?;
            }
            DeValue::Datetime(d) => {
                if let Some(date) = d.date {
                    self.date(key, (date.year, date.month, date.day), &broken)?;
                }
            }
            DeValue::Boolean(_) => {}
            DeValue::Array(items) => {
                let limit = if matches!(key, "medications" | "before" | "hospital" | "discharge") {
                    MAX_MEDICINES
                } else {
                    MAX_ENTRIES
                };
                if items.len() > limit {
                    return Err(Broken {
                        span: items[limit].span(),
                        message: format!(
                            "`{key}` has {} entries; a record lists at most {limit} \
                             (is this a whole export rather than one patient's review?)",
                            items.len()
                        ),
                    });
                }
                for item in items.iter() {
                    self.value(key, item, depth + 1)?;
                }
            }
            DeValue::Table(table) => {
                for (k, v) in table {
                    // A lab as `{ value = N, date = D }` is checked as the lab.
                    let k = match k.get_ref().as_ref() {
                        "value" => key,
                        k => k,
                    };
                    self.value(k, v, depth + 1)?;
                }
            }
        }
        Ok(())
    }

    fn number(
        &self,
        key: &str,
        n: Option<f64>,
        broken: &dyn Fn(String) -> Broken,
    ) -> Result<(), Broken> {
        let Some(&(_, low, high, unit)) = RANGES.iter().find(|(k, ..)| *k == key) else {
            return Ok(());
        };
        match n {
            Some(n) if (low..=high).contains(&n) => Ok(()),
            _ => Err(broken(format!(
                "`{key}` must be a number from {low} to {high}{}; this value cannot be right \
                 (a typing slip, or another unit?)",
                if unit.is_empty() {
                    String::new()
                } else {
                    format!(" {unit}")
                }
            ))),
        }
    }

    fn date(
        &self,
        key: &str,
        date: (u16, u8, u8),
        broken: &dyn Fn(String) -> Broken,
    ) -> Result<(), Broken> {
        let show = |(y, m, d): (u16, u8, u8)| format!("{y:04}-{m:02}-{d:02}");
        if date.0 < EARLIEST_YEAR {
            return Err(broken(format!(
                "`{key}` ({}) is before {EARLIEST_YEAR}; expected a date like 1948-03-12",
                show(date)
            )));
        }
        if key == "born" {
            return Ok(());
        }
        if let Some(born) = self.born
            && date < born
        {
            return Err(broken(format!(
                "`{key}` ({}) is before the patient was born ({})",
                show(date),
                show(born)
            )));
        }
        if DATES_UP_TO_THE_REVIEW.contains(&key)
            && let Some(review) = self.review
            && date > review
        {
            return Err(broken(format!(
                "`{key}` ({}) is after the review date ({}); a review records what has \
                 already happened",
                show(date),
                show(review)
            )));
        }
        Ok(())
    }
}
