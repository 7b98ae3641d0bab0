//! Fuzzing: every stage short of Typst (reading, limits, name resolution,
//! directions, checks, the documents' view model, the digests) run on
//! arbitrary bytes and on records whose values are replaced by hostile and
//! absurd ones, to prove that no input makes medreview panic.
//!
//! [`exercise`] is the target; [`Mutator`] makes the cases. It is a
//! structure-aware random fuzzer rather than a coverage-guided one: the
//! cases start from the sample records and change them the ways bad exports
//! and hostile files do:
//!
//! - bytes: flipped, cut, repeated, spliced from another record, or salted
//!   with TOML syntax and words of directions;
//! - values: a string, number, date or list replaced by a hostile or absurd
//!   one (Typst markup and code, bidirectional and zero-width characters,
//!   unbroken words, huge and negative numbers, dates at the ends of the
//!   calendar, lists of thousands);
//! - directions: a `sig` made of random words of directions ("1 tab po q4-6h
//!   prn then 2 x 3 days"), where the parser has the most cases.
//!
//! `medreview-fuzz --seconds N` runs it and keeps each input that panics in
//! `tests/medreview/fuzz-regressions/`; a test replays that folder, and a
//! short run is part of the test suite. See the README, "Fuzzing".

use std::path::Path;

use crate::knowledge::Knowledge;
use crate::synthetic::Rng;

/// How far one input went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Refused as not UTF-8.
    NotText,
    /// Refused with a diagnostic.
    Refused,
    /// Loaded, checked and planned, with this many findings.
    Checked(usize),
}

/// Runs one input through every stage short of typesetting. Any panic is a
/// bug; errors are the expected answer to bad input.
pub fn exercise(bytes: &[u8], kb: &Knowledge) -> Outcome {
    let path = Path::new("fuzz.toml");
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            // The reader's own check, as `record::load` makes it.
            let text = String::from_utf8_lossy(bytes);
            let at = e.valid_up_to();
            let _ =
                crate::diagnostic::Diagnostic::at(path, &text, at..at + 1, "not UTF-8").to_string();
            return Outcome::NotText;
        }
    };
    let record = match crate::record::parse(path, text) {
        Ok(record) => record,
        Err(e) => {
            // Formatting the error quotes the file: it must not panic either.
            let _ = e.to_string();
            let _ = e.one_line();
            return Outcome::Refused;
        }
    };
    let regimen = crate::regimen::Regimen::new(record, kb);
    let checked = crate::checks::run(&regimen, kb);
    let packet = crate::report::plan(&regimen, &checked, kb);
    // The JSON each template is given, as the typesetter would get it.
    serde_json::to_vec(&packet.summary).expect("the summary serialises");
    serde_json::to_vec(&packet.appendix).expect("the appendix serialises");
    for letter in &packet.letters {
        serde_json::to_vec(letter).expect("a letter serialises");
    }
    let findings = checked.findings.len();
    let digest = crate::batch::PatientDigest::of(&regimen, &checked);
    serde_json::to_vec(&digest).expect("the digest serialises");
    Outcome::Checked(findings)
}

/// Hostile texts: markup and code that must print literally, characters
/// that reorder or hide text, and words no line can hold.
pub const HOSTILE_TEXTS: &[&str] = &[
    "#read(\"/etc/passwd\")",
    "#import \"/templates/summary.typ\": *",
    "#while true {}",
    "#let f(x) = f(x); #f(1)",
    "$ x^2 $ *bold* _it_ `raw` <label> @ref",
    "= Heading\n- item\n+ item",
    "\\ # $ * _ ` < > @ [ ] { } ' \"",
    "] #panic(\"x\") [",
    "}} #{ panic() } {{",
    "\u{202e}gnp.exe\u{202c} \u{2066}isolated\u{2069}",
    "zero\u{200b}width\u{200d}joiner\u{feff}",
    "\u{0000}\u{0007}\u{001b}[31mred",
    "\u{fffd}\u{fffe}\u{10ffff}",
    "ﷺ𒐫꧅ᄀᄀᄀ각ᆨᆨ",
    "Pneumonoultramicroscopicsilicovolcanoconiosis-Pneumonoultramicroscopicsilicovolcanoconiosis-Pneumonoultramicroscopicsilicovolcanoconiosis",
    "Zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
    "https://example.org/a/very/long/address/with/no/spaces/at/all/index.html?patient=1234567890&session=abcdefabcdefabcdef",
    "../../../../etc/passwd",
    "CON",
    "",
    " ",
    "=cmd|' /C calc'!A0",
];

/// Words of directions, for sigs and for salting bytes.
const SIG_WORDS: &[&str] = &[
    "1",
    "2",
    "0",
    "½",
    "1/2",
    "0.5",
    "10",
    "1000000",
    "-1",
    "tab",
    "tabs",
    "cap",
    "ml",
    "mg",
    "puff",
    "drop",
    "unit",
    "po",
    "sl",
    "top",
    "qd",
    "bid",
    "tid",
    "qid",
    "qhs",
    "qam",
    "q4h",
    "q4-6h",
    "q8h",
    "q0h",
    "q999h",
    "prn",
    "daily",
    "weekly",
    "every",
    "other",
    "day",
    "days",
    "x",
    "for",
    "then",
    "stop",
    "on",
    "to",
    "-",
    "week",
    "month",
    "morning",
    "night",
    "with",
    "food",
    "as",
    "needed",
    "max",
    "per",
    "taper",
    "day 1",
    "days 2-5",
    "days 5 to 2",
    "x 0 days",
    "x 99999 days",
    ",",
    ";",
    ".",
    "(",
    ")",
    "mon",
    "wed",
    "fri",
    "at",
    "08:00",
    "25:99",
];

/// TOML syntax to salt bytes with.
const TOML_BITS: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "=",
    "\"",
    "'''",
    "\"\"\"",
    "\n",
    "\r\n",
    "#",
    ",",
    ".",
    "\\",
    "\\u0000",
    "1979-05-27",
    "0000-01-01",
    "9999-12-31",
    "nan",
    "inf",
    "-0",
    "1e308",
    "9223372036854775807",
    "-9223372036854775808",
    "[patient]",
    "[[medications]]",
    "[labs]",
    "[transition]",
    "[[transition.discharge]]",
    "[[decisions]]",
    "[[actions]]",
];

/// Makes fuzz cases from seed records.
pub struct Mutator {
    rng: Rng,
    seeds: Vec<String>,
}

impl Mutator {
    /// A mutator over `seeds` (record texts), deterministic for `seed`.
    pub fn new(seeds: Vec<String>, seed: u64) -> Mutator {
        assert!(!seeds.is_empty(), "the fuzzer needs a seed record");
        Mutator {
            rng: Rng(seed),
            seeds,
        }
    }

    /// The next case.
    pub fn next_case(&mut self) -> Vec<u8> {
        let seed = self.rng.pick(&self.seeds).clone();
        match self.rng.below(10) {
            0..=2 => self.mutate_bytes(seed.into_bytes()),
            3..=7 => self.mutate_values(&seed),
            _ => self.mutate_sigs(&seed),
        }
    }

    fn mutate_bytes(&mut self, mut bytes: Vec<u8>) -> Vec<u8> {
        for _ in 0..1 + self.rng.below(8) {
            let len = bytes.len();
            let at = self.rng.below(len + 1);
            match self.rng.below(7) {
                0 if len > 0 => {
                    let i = at.min(len - 1);
                    bytes[i] ^= 1 << self.rng.below(8);
                }
                1 => {
                    let end = (at + self.rng.below(64)).min(len);
                    bytes.drain(at..end);
                }
                2 => {
                    let bit = self.rng.pick(TOML_BITS).as_bytes().to_vec();
                    bytes.splice(at..at, bit);
                }
                3 => {
                    let word = format!(" {} ", self.rng.pick(SIG_WORDS));
                    bytes.splice(at..at, word.into_bytes());
                }
                4 => {
                    // Repeat a stretch, up to a few thousand times.
                    let end = (at + 1 + self.rng.below(40)).min(len);
                    let stretch = bytes[at.min(end)..end].to_vec();
                    let times = [2, 10, 1000, 5000][self.rng.below(4)];
                    let insert: Vec<u8> = stretch.repeat(times);
                    bytes.splice(at..at, insert);
                }
                5 => {
                    // Splice in part of another record.
                    let other = self.rng.pick(&self.seeds).as_bytes().to_vec();
                    let from = self.rng.below(other.len());
                    let to = (from + self.rng.below(400)).min(other.len());
                    bytes.splice(at..at, other[from..to].iter().copied());
                }
                _ => {
                    let byte = [0x00, 0xff, 0xc3, 0xe2, 0x80, 0x0d][self.rng.below(6)];
                    bytes.insert(at, byte);
                }
            }
        }
        bytes
    }

    fn mutate_values(&mut self, seed: &str) -> Vec<u8> {
        let Ok(mut doc) = seed.parse::<toml::Table>() else {
            return seed.as_bytes().to_vec();
        };
        let mut leaves = 0;
        count_leaves(&toml::Value::Table(doc.clone()), &mut leaves);
        for _ in 0..1 + self.rng.below(4) {
            let target = self.rng.below(leaves.max(1));
            let mut n = 0;
            let replacement = self.hostile_value();
            replace_leaf(&mut doc, target, &mut n, &replacement, &mut self.rng);
        }
        toml::to_string(&doc)
            .unwrap_or_else(|_| seed.to_owned())
            .into_bytes()
    }

    fn mutate_sigs(&mut self, seed: &str) -> Vec<u8> {
        let Ok(mut doc) = seed.parse::<toml::Table>() else {
            return seed.as_bytes().to_vec();
        };
        if let Some(toml::Value::Array(meds)) = doc.get_mut("medications") {
            for med in meds.iter_mut() {
                if let toml::Value::Table(t) = med
                    && self.rng.chance(60)
                {
                    let words: Vec<&str> = (0..1 + self.rng.below(14))
                        .map(|_| *self.rng.pick(SIG_WORDS))
                        .collect();
                    t.insert("sig".into(), toml::Value::String(words.join(" ")));
                }
            }
        }
        toml::to_string(&doc)
            .unwrap_or_else(|_| seed.to_owned())
            .into_bytes()
    }

    fn hostile_value(&mut self) -> toml::Value {
        use toml::Value;
        match self.rng.below(9) {
            0 | 1 => Value::String((*self.rng.pick(HOSTILE_TEXTS)).to_owned()),
            2 => Value::String("W".repeat([100, 1000, 3999, 4001][self.rng.below(4)])),
            3 => Value::Integer([0, -1, 1, i64::MAX, i64::MIN, 73, 100_000][self.rng.below(7)]),
            4 => Value::Float(
                [0.0, -0.0, -1.5, 1e308, f64::NAN, f64::INFINITY, 1e-300][self.rng.below(7)],
            ),
            5 => Value::Datetime(
                [
                    "1900-01-01",
                    "0001-01-01",
                    "9999-12-31",
                    "2026-11-21",
                    "1950-03-12",
                ][self.rng.below(5)]
                .parse()
                .expect("a valid date"),
            ),
            6 => Value::Boolean(self.rng.chance(50)),
            7 => Value::Array(Vec::new()),
            _ => Value::Array(vec![
                Value::String(
                    (*self.rng.pick(HOSTILE_TEXTS)).to_owned()
                );
                [1, 2, 101, 3000][self.rng.below(4)]
            ]),
        }
    }
}

/// A hostile text, sometimes wrapped in an ordinary one.
fn hostile_text(rng: &mut Rng) -> String {
    let hostile = *rng.pick(HOSTILE_TEXTS);
    match rng.below(4) {
        0 => format!("metformin 500 mg {hostile}"),
        1 => format!("{hostile} {hostile}"),
        2 => format!("{}{hostile}", "long ".repeat(rng.below(300))),
        _ => hostile.to_owned(),
    }
}

fn count_leaves(value: &toml::Value, n: &mut usize) {
    match value {
        toml::Value::Table(t) => t.values().for_each(|v| count_leaves(v, n)),
        toml::Value::Array(a) if !a.is_empty() => a.iter().for_each(|v| count_leaves(v, n)),
        _ => *n += 1,
    }
}

/// Replaces the `target`-th leaf (counted as [`count_leaves`] does); now
/// and then the leaf's list or table is duplicated many times instead.
fn replace_leaf(
    table: &mut toml::Table,
    target: usize,
    n: &mut usize,
    with: &toml::Value,
    rng: &mut Rng,
) -> bool {
    for (_, value) in table.iter_mut() {
        if replace_in(value, target, n, with, rng) {
            return true;
        }
    }
    false
}

fn replace_in(
    value: &mut toml::Value,
    target: usize,
    n: &mut usize,
    with: &toml::Value,
    rng: &mut Rng,
) -> bool {
    match value {
        toml::Value::Table(t) => replace_leaf(t, target, n, with, rng),
        toml::Value::Array(items) if !items.is_empty() => {
            for i in 0..items.len() {
                if replace_in(&mut items[i], target, n, with, rng) {
                    if rng.chance(5) {
                        let copy = items[i].clone();
                        items.extend(std::iter::repeat_n(copy, [10, 200][rng.below(2)]));
                    }
                    return true;
                }
            }
            false
        }
        _ => {
            if *n == target {
                // Mostly a value of the same kind, to reach past the reader.
                *value = match (&*value, rng.below(10)) {
                    (toml::Value::String(_), 0..=7) => toml::Value::String(hostile_text(rng)),
                    (toml::Value::Integer(_), 0..=7) => {
                        toml::Value::Integer([0, 1, 2, 7, 24, 72, 73, 400, 401, -1][rng.below(10)])
                    }
                    (toml::Value::Float(_), 0..=7) => toml::Value::Float(
                        [0.0, 0.1, 1.5, 10.0, 15.0, 60.0, 199.9, 400.0][rng.below(8)],
                    ),
                    _ => with.clone(),
                };
                return true;
            }
            *n += 1;
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mutator_is_deterministic_and_varied() {
        let seeds = vec![crate::EXAMPLE_RECORD.to_owned()];
        let a: Vec<Vec<u8>> = {
            let mut m = Mutator::new(seeds.clone(), 7);
            (0..50).map(|_| m.next_case()).collect()
        };
        let mut m = Mutator::new(seeds, 7);
        let b: Vec<Vec<u8>> = (0..50).map(|_| m.next_case()).collect();
        assert_eq!(a, b);
        let distinct: std::collections::BTreeSet<&Vec<u8>> = a.iter().collect();
        assert!(distinct.len() > 40);
        assert!(a.iter().any(|c| std::str::from_utf8(c).is_err()));
    }
}
