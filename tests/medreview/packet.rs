//! The documents as people read them: plain language (reading grade, no
//! unexplained medical words), the to-do list, large print, margins and
//! contrast of every printed run of text, and Spanish that is complete.

use std::path::Path;
use std::sync::OnceLock;

use medreview::checks;
use medreview::knowledge::Knowledge;
use medreview::readability::grade;
use medreview::record::{self, Language, Record};
use medreview::regimen::Regimen;
use medreview::report::{self, Packet, TextRun, Typesetter};

use crate::helpers::sample_records;

fn typesetter() -> &'static Typesetter {
    static T: OnceLock<Typesetter> = OnceLock::new();
    T.get_or_init(|| Typesetter::new(None).expect("built-in templates"))
}

/// Checks a record and plans its documents.
fn packet(record: Record) -> Packet {
    let kb = Knowledge::embedded();
    let regimen = Regimen::new(record, kb);
    let checked = checks::run(&regimen, kb);
    report::plan(&regimen, &checked, kb)
}

/// Every string of a JSON value.
fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// The text the patient's summary generates for a record: every string of
/// its view model, with each piece of free text the record itself holds
/// (names, medicines, notes, the reviewer's own words) and every ingredient
/// name, and then each long word of the record, read as the one short word
/// "Advil", and strings that are nothing
/// but free text left out. What
/// remains is what medreview wrote: fixed wording, directions, purposes,
/// warnings, findings.
fn generated_patient_text(path: &Path) -> (Record, Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap();
    let record = record::parse(path, &text).unwrap();
    let mut free: Vec<String> = Vec::new();
    strings(
        &serde_json::to_value(toml::from_str::<toml::Value>(&text).unwrap()).unwrap(),
        &mut free,
    );
    // The record's own long words too ("prn congestion" brings
    // "congestion"); words of one or two syllables do not move a grade.
    let words: Vec<String> = free
        .iter()
        .flat_map(|s| s.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| medreview::readability::syllables(w) >= 3)
        .map(str::to_owned)
        .collect();
    // Whole strings that are names or hold a long word ("1 tablet" from a
    // `dose` stays as it is: it reads the same in our sentence).
    free.retain(|s| {
        s.chars().count() >= 3
            && s.split(|c: char| !c.is_alphanumeric()).any(|w| {
                w.starts_with(char::is_uppercase) || medreview::readability::syllables(w) >= 3
            })
    });
    // Ingredient names are names too, read from the box ("ibandronate").
    free.extend(Knowledge::embedded().ingredients().map(|i| i.name.clone()));
    free.sort_by_key(|s| std::cmp::Reverse(s.len()));
    free.extend(words);
    let summary = serde_json::to_value(&packet(record.clone()).summary).unwrap();
    let mut all = Vec::new();
    // The fixed strings are graded as they are, once, by their own test.
    strings(&summary["cover"], &mut all);
    strings(&summary["todo"], &mut all);
    strings(&summary["todo_more"], &mut all);
    strings(&summary["medicines"], &mut all);
    strings(&summary["schedule"], &mut all);
    strings(&summary["watch"], &mut all);
    strings(&summary["changes"], &mut all);
    let generated = all
        .into_iter()
        .map(|mut s| {
            for f in &free {
                s = replace_words(&s, f, "Advil");
            }
            s
        })
        .filter(|s| {
            let rest = s.replace("Advil", "");
            rest.chars().filter(|c| c.is_alphabetic()).count() >= 3
        })
        .collect();
    (record, generated)
}

/// `text` with every whole-word occurrence of `what` replaced.
fn replace_words(text: &str, what: &str, with: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(what) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + what.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        out.push_str(&rest[..at]);
        if boundary(before) && boundary(after) {
            out.push_str(with);
        } else {
            out.push_str(what);
        }
        rest = &rest[at + what.len()..];
    }
    out.push_str(rest);
    out
}

/// Splits text into sentences after `.`, `!` or `?` and a space.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        if matches!(c, '.' | '!' | '?') && chars.peek().is_none_or(|n| n.is_whitespace()) {
            out.push(current.trim().to_owned());
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_owned());
    }
    out
}

/// Every sentence medreview writes for the English sample patients (and its
/// fixed wording) is at reading grade 6 or lower; the figures go to the
/// closing note (`cargo test -- --nocapture reading_grade`).
#[test]
fn reading_grade_of_every_generated_patient_sentence() {
    let mut graded: Vec<(f64, String)> = Vec::new();
    let mut add = |text: &str| {
        // Headings, labels and names are not sentences: a grade of two
        // words says nothing.
        for s in sentences(text) {
            if s.split_whitespace().count() >= 3 && s.ends_with(['.', '!', '?']) {
                graded.push((grade(&s), s));
            }
        }
    };
    let t = serde_json::to_value(report::strings::strings(Language::En)).unwrap();
    let mut fixed = Vec::new();
    strings(&t, &mut fixed);
    fixed.iter().for_each(|s| add(s));
    for path in sample_records() {
        let (record, texts) = generated_patient_text(&path);
        if record.patient.language == Language::En {
            texts.iter().for_each(|s| add(s));
        }
    }
    assert!(graded.len() > 300, "only {} sentences", graded.len());
    let mean = graded.iter().map(|(g, _)| g).sum::<f64>() / graded.len() as f64;
    graded.sort_by(|a, b| b.0.total_cmp(&a.0));
    eprintln!(
        "reading grade: {} sentences, mean {mean:.2}, worst {:.1}: {:?}",
        graded.len(),
        graded[0].0,
        graded[0].1
    );
    let above: Vec<String> = graded
        .iter()
        .filter(|(g, _)| *g > 6.0)
        .map(|(g, s)| format!("{g:.1}: {s}"))
        .collect();
    assert!(above.is_empty(), "above grade 6:\n{}", above.join("\n"));
}

/// Medical words a patient may not know. None of them may appear in what
/// medreview writes for the patient; in the reviewer's own words they are
/// explained in plain words (see `report::plain`).
#[test]
fn no_medical_words_in_generated_patient_text() {
    let mut found = Vec::new();
    let mut checked = 0;
    for path in sample_records() {
        let (record, texts) = generated_patient_text(&path);
        if record.patient.language != Language::En {
            continue;
        }
        for text in texts {
            checked += 1;
            for word in report::plain::jargon_in(&text) {
                found.push(format!("{}: {word:?} in {text:?}", path.display()));
            }
        }
    }
    assert!(checked > 200, "only {checked} texts");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The jargon test can fail: each glossary word is caught in a sentence.
#[test]
fn the_jargon_list_catches_its_words() {
    for (word, plain) in report::plain::GLOSSARY {
        let sentence = format!("You take it for {word}.");
        assert_eq!(report::plain::jargon_in(&sentence), vec![*word], "{word}");
        let explained = format!("You take it for {word} ({plain}).");
        assert!(
            report::plain::jargon_in(&explained).is_empty(),
            "{explained}"
        );
    }
}

/// The laid-out text runs of one document of a record.
fn runs(record: Record, document: &str) -> Vec<TextRun> {
    let date = record.review.date;
    report::text_runs(&packet(record), typesetter(), date)
        .unwrap()
        .into_iter()
        .find(|(name, _)| name == document)
        .map(|(_, runs)| runs)
        .unwrap_or_else(|| panic!("no {document}"))
}

fn large_print_sample() -> Record {
    sample_records()
        .iter()
        .map(|p| record::load(p).unwrap())
        .find(|r| r.patient.large_print)
        .expect("a large-print sample")
}

/// Large print: every run of text at 16 pt or more, headings at 20 pt or
/// more; the same record in normal print has smaller text (the test can
/// fail).
#[test]
fn large_print_is_16_pt_body_and_20_pt_headings() {
    let record = large_print_sample();
    let t = report::strings::strings(record.patient.language);
    let large = runs(record.clone(), "summary.pdf");
    let smallest = large.iter().map(|r| r.size).fold(f64::MAX, f64::min);
    assert!(smallest >= 16.0, "a run at {smallest} pt");
    for heading in [
        t.summary_title,
        t.todo_title,
        t.list_title,
        t.schedule_title,
    ] {
        let first = heading.split_whitespace().next().unwrap();
        let run = large
            .iter()
            .find(|r| r.text.starts_with(first) && heading.starts_with(r.text.trim()))
            .unwrap_or_else(|| panic!("heading {heading:?} not found"));
        assert!(run.size >= 20.0, "{heading:?} at {} pt", run.size);
    }
    let mut normal = record;
    normal.patient.large_print = false;
    let small = runs(normal, "summary.pdf");
    assert!(small.iter().any(|r| r.size < 16.0));
}

/// No run of text crosses the side margins (nothing cut off or overflowing
/// a table cell) or runs off the bottom of the page and every run has a contrast of 4.5:1 or better on white,
/// in every document of every sample patient and in large print.
#[test]
fn text_stays_inside_the_margins_and_has_contrast() {
    let mut records: Vec<Record> = sample_records()
        .iter()
        .map(|p| record::load(p).unwrap())
        .collect();
    let mut enlarged: Vec<Record> = records.clone();
    for r in &mut enlarged {
        r.patient.large_print = true;
    }
    records.extend(enlarged);
    let margin = 2.0 / 2.54 * 72.0 - 0.5;
    let mut wrong = Vec::new();
    let mut count = 0;
    for record in records {
        let id = format!(
            "{}{}",
            record.patient.id,
            if record.patient.large_print {
                " (large print)"
            } else {
                ""
            }
        );
        let date = record.review.date;
        for (name, runs) in report::text_runs(&packet(record), typesetter(), date).unwrap() {
            for r in runs {
                count += 1;
                // A quarter inch at the bottom stays clear: printers cut
                // off what lies closer to the edge.
                let bottom = r.y + 0.25 * r.size;
                if r.x < margin
                    || r.x + r.width > r.page_width - margin
                    || r.y - r.size < 0.0
                    || bottom > r.page_height - 18.0
                {
                    wrong.push(format!(
                        "{id} {name} page {}: {:?} from {:.0} to {:.0} pt, baseline {:.0} of {:.0}",
                        r.page,
                        r.text,
                        r.x,
                        r.x + r.width,
                        r.y,
                        r.page_height
                    ));
                }
                let ratio = contrast_on_white(r.rgb);
                if ratio < 4.5 {
                    wrong.push(format!("{id} {name}: {:?} contrast {ratio:.1}", r.text));
                }
            }
        }
    }
    assert!(count > 5000, "only {count} runs");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// WCAG 2 contrast ratio of a colour against white.
fn contrast_on_white([r, g, b]: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    1.05 / (l + 0.05)
}

#[test]
fn contrast_is_computed_as_wcag_defines_it() {
    assert!((contrast_on_white([0, 0, 0]) - 21.0).abs() < 0.01);
    assert!((contrast_on_white([255, 255, 255]) - 1.0).abs() < 0.01);
    // #767676 is the lightest grey with 4.5:1 on white.
    assert!(contrast_on_white([0x76, 0x76, 0x76]) >= 4.5);
    assert!(contrast_on_white([0x77, 0x77, 0x77]) < 4.5);
}

/// Common English words that a Spanish sentence does not contain.
const ENGLISH: &[&str] = &[
    "the", "you", "your", "take", "with", "and", "when", "call", "doctor", "medicine", "morning",
    "evening", "bedtime", "tablet", "tablets", "if", "needed", "of", "for",
];

/// The English words in a text.
fn english_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| ENGLISH.contains(&w.as_str()))
        .collect()
}

/// Spanish comes complete or not at all: every sentence medreview writes in
/// a Spanish patient's summary is Spanish (the record's own words aside),
/// and so is every fixed string. The same test on an English patient finds
/// English, so it can fail.
#[test]
fn a_spanish_summary_is_spanish_throughout() {
    let mut spanish = 0;
    for path in sample_records() {
        let (record, texts) = generated_patient_text(&path);
        let english: Vec<String> = texts
            .iter()
            .filter(|t| !english_words(t).is_empty())
            .cloned()
            .collect();
        match record.patient.language {
            Language::Es => {
                spanish += texts.len();
                assert!(
                    english.is_empty(),
                    "{}: English in a Spanish summary:\n{}",
                    path.display(),
                    english.join("\n")
                );
            }
            Language::En => assert!(english.len() > texts.len() / 2, "{}", path.display()),
        }
    }
    assert!(spanish > 30, "only {spanish} Spanish texts");
    let mut fixed = Vec::new();
    strings(
        &serde_json::to_value(report::strings::strings(Language::Es)).unwrap(),
        &mut fixed,
    );
    let english: Vec<&String> = fixed
        .iter()
        .filter(|s| !english_words(s).is_empty())
        .collect();
    assert!(english.is_empty(), "{english:?}");
}

/// The record's own words in the packet (why a medicine is used, notes,
/// allergy reactions, the reviewer's to-do items, the follow-up plan,
/// questions, what changed and why) have every medical word of the glossary
/// explained. Directions that could not be read are quoted as written and
/// are left out here.
#[test]
fn medical_words_in_the_records_own_text_are_explained() {
    let mut explained = 0;
    let mut found = Vec::new();
    for path in sample_records() {
        let record = record::load(&path).unwrap();
        if record.patient.language != Language::En {
            continue;
        }
        let summary = serde_json::to_value(&packet(record).summary).unwrap();
        let mut texts = Vec::new();
        for key in [
            "todo",
            "follow_up",
            "questions",
            "allergies",
            "stopped",
            "changes",
        ] {
            strings(&summary[key], &mut texts);
        }
        for m in summary["medicines"].as_array().unwrap() {
            strings(&m["why"], &mut texts);
            strings(&m["notes"], &mut texts);
        }
        for text in texts {
            if text.contains(" (") {
                explained += 1;
            }
            for word in report::plain::jargon_in(&text) {
                found.push(format!("{}: {word:?} in {text:?}", path.display()));
            }
        }
    }
    assert!(explained > 5, "only {explained} explanations");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// One concern, one item: no two items of a sample patient's to-do list
/// speak of one problem, nor of one concern about a common medicine.
#[test]
fn no_two_todo_items_are_about_one_concern_and_medicine() {
    let kb = Knowledge::embedded();
    for path in sample_records() {
        let regimen = Regimen::new(record::load(&path).unwrap(), kb);
        let checked = checks::run(&regimen, kb);
        let packet = report::plan(&regimen, &checked, kb);
        let items = &packet.summary.todo;
        let problem = |id: &String| checked.problems.iter().find(|p| &p.id == id);
        for (n, a) in items.iter().enumerate() {
            for b in &items[n + 1..] {
                for pa in a.problems.iter().filter_map(problem) {
                    for pb in b.problems.iter().filter_map(problem) {
                        let shared = pa.medicines.iter().any(|m| pb.medicines.contains(m));
                        assert!(
                            pa.id != pb.id && !(pa.concern == pb.concern && shared),
                            "{}: items {:?} and {:?} are both about {} ({} / {})",
                            regimen.record.patient.id,
                            a.talked_about,
                            b.talked_about,
                            pa.concern,
                            pa.id,
                            pb.id
                        );
                    }
                }
            }
        }
    }
}

/// One concern, one block: no letter of a sample patient holds two blocks
/// about one concern that share a medicine, and no block cites a source
/// twice.
#[test]
fn no_letter_has_two_blocks_of_one_concern_and_medicine() {
    let kb = Knowledge::embedded();
    for path in sample_records() {
        let regimen = Regimen::new(record::load(&path).unwrap(), kb);
        let checked = checks::run(&regimen, kb);
        let packet = report::plan(&regimen, &checked, kb);
        let problem = |id: &str| checked.problems.iter().find(|p| p.id == id);
        for letter in &packet.letters {
            let blocks = &letter.recommendations;
            for (n, a) in blocks.iter().enumerate() {
                let pa = problem(&a.id).expect("a block is a problem");
                let mut evidence = a.evidence.clone();
                evidence.sort();
                evidence.dedup();
                assert_eq!(evidence.len(), a.evidence.len(), "{}", a.id);
                for b in &blocks[n + 1..] {
                    let pb = problem(&b.id).expect("a block is a problem");
                    let shared = pa.medicines.iter().any(|m| pb.medicines.contains(m));
                    assert!(
                        !(pa.concern == pb.concern && shared),
                        "{} letter to {}: {} and {}",
                        regimen.record.patient.id,
                        letter.key,
                        pa.id,
                        pb.id
                    );
                }
            }
        }
    }
}
