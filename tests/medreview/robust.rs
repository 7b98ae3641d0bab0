//! Bad and hostile input (issue 8): limits with precise errors, byte-order
//! marks and CRLF, dates out of order, numbers that cannot be right; a
//! batch where each of them fails alone.

use std::path::Path;

use medreview::record::{self, limits};

use crate::helpers::files_under;

/// A small valid record; `{extra}` goes into `[patient]`, `{meds}` after it.
fn record_with(patient_extra: &str, rest: &str) -> String {
    format!(
        "[patient]\nid = \"R-1\"\nname = \"Ann Example\"\nborn = 1950-03-12\n{patient_extra}\n\
         [review]\ndate = 2026-11-20\nreviewer = \"Sam Reviewer\"\n\n\
         [[medications]]\nname = \"lisinopril 10 mg\"\nsig = \"1 tab po qd\"\nstarted = 2020-01-01\n\n\
         {rest}"
    )
}

/// Parses `text`; returns the error as (line, column, message).
fn error_of(text: &str) -> (usize, usize, String) {
    let e = record::parse(Path::new("r.toml"), text).expect_err("must not load");
    (e.line, e.column, e.message)
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in the record"))
        + 1
}

#[test]
fn the_base_record_and_real_extremes_load() {
    record::parse(Path::new("r.toml"), &record_with("", "")).unwrap();
    // Abnormal but real values are the checks' business, not errors.
    let text = record_with(
        "weight_kg = 34.5",
        "[labs]\npotassium = 7.2\negfr = { value = 6, date = 2026-11-01 }\nscr = 9.8\ninr = 8.5\n",
    );
    record::parse(Path::new("r.toml"), &text).unwrap();
}

#[test]
fn ten_thousand_medicines_are_refused_at_the_first_over_the_limit() {
    let one = "[[medications]]\nname = \"vitamin D\"\n\n";
    let text = record_with("", &one.repeat(10_000));
    let (line, _, message) = error_of(&text);
    assert!(message.contains("10001 entries"), "{message}");
    // The base record has one medicine: the limit is crossed by the
    // (MAX_MEDICINES + 1)th, the MAX_MEDICINES-th of the repeated ones.
    let first = line_of(&text, "vitamin D") - 1;
    assert_eq!(line, first + 3 * (limits::MAX_MEDICINES - 1));
}

#[test]
fn too_many_entries_in_any_list_are_refused() {
    let conditions: Vec<String> = (0..500).map(|n| format!("\"condition {n}\"")).collect();
    let text = record_with(
        "",
        &format!("[health]\nconditions = [{}]\n", conditions.join(", ")),
    );
    let (line, column, message) = error_of(&text);
    assert!(
        message.contains("`conditions` has 500 entries"),
        "{message}"
    );
    assert_eq!(line, line_of(&text, "conditions ="));
    let at = text.lines().nth(line - 1).unwrap();
    assert!(at[column - 1..].starts_with(&format!("\"condition {}\"", limits::MAX_ENTRIES)));
}

#[test]
fn a_huge_string_is_refused_where_it_starts() {
    let text = record_with(&format!("caregiver = \"{}\"", "x".repeat(50_000)), "");
    let (line, column, message) = error_of(&text);
    assert!(
        message.contains("`caregiver` is 50000 characters long"),
        "{message}"
    );
    assert_eq!((line, column), (line_of(&text, "caregiver"), 13));
    // A long text over several lines is one text.
    let text = record_with("", "").replace(
        "reviewer = \"Sam Reviewer\"",
        &format!(
            "reviewer = \"Sam Reviewer\"\nfollow_up = '''\n{}'''",
            "word\n".repeat(2_000)
        ),
    );
    let (line, _, message) = error_of(&text);
    assert!(
        message.contains("`follow_up` is 10000 characters long"),
        "{message}"
    );
    assert_eq!(line, line_of(&text, "follow_up"));
}

#[test]
fn deep_nesting_is_refused_with_a_plain_message() {
    for depth in [8, 100_000] {
        let text = record_with(
            &format!("caregiver = {}{}", "[".repeat(depth), "]".repeat(depth)),
            "",
        );
        let (line, _, message) = error_of(&text);
        assert_eq!(line, line_of(&text, "caregiver"), "{message}");
        assert!(message.contains("nested"), "{message}");
    }
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_read() {
    let text = record_with("", "");
    let bom_crlf = format!("\u{feff}{}", text.replace('\n', "\r\n"));
    let r = record::parse(Path::new("r.toml"), &bom_crlf).unwrap();
    assert_eq!(r.patient.name, "Ann Example");
    // An error in such a file has the same place as in a plain one.
    let broken = text.replace("born = 1950-03-12", "born = \"March 1950\"");
    let plain = error_of(&broken);
    let windows = error_of(&format!("\u{feff}{}", broken.replace('\n', "\r\n")));
    assert_eq!(plain, windows);
    assert_eq!(plain.0, line_of(&broken, "born ="));
    let e = record::parse(
        Path::new("r.toml"),
        &format!("\u{feff}{}", broken.replace('\n', "\r\n")),
    )
    .unwrap_err();
    assert!(!e.quoted.contains('\r') && !e.quoted.contains('\u{feff}'));
}

#[test]
fn bytes_that_are_not_utf8_are_placed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.toml");
    let mut bytes = record_with("", "").into_bytes();
    let at = bytes.windows(7).position(|w| w == b"Example").unwrap();
    bytes.splice(at..at + 7, b"Mart\xednez".iter().copied());
    std::fs::write(&path, &bytes).unwrap();
    let e = record::load(&path).unwrap_err();
    assert_eq!((e.line, e.column), (3, 17), "{e}");
    assert!(e.message.contains("not UTF-8"), "{e}");
}

#[test]
fn a_file_over_the_size_limit_is_refused_without_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.toml");
    let mut text = record_with("", "");
    text += &"# padding\n".repeat(limits::MAX_RECORD_BYTES as usize / 10 + 1);
    std::fs::write(&path, &text).unwrap();
    let e = record::load(&path).unwrap_err();
    assert!(e.message.contains("larger than 1 MB"), "{e}");
    assert_eq!(e.file, path.display().to_string());
    // Just under the limit loads.
    text.truncate(limits::MAX_RECORD_BYTES as usize - 1);
    let cut = text.rfind('\n').unwrap();
    std::fs::write(&path, &text[..=cut]).unwrap();
    record::load(&path).unwrap();
}

#[test]
fn dates_out_of_order_are_refused_at_the_date() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (replace, with, expected in the message, line containing)
        (
            "born = 1950-03-12",
            "born = 1850-03-12",
            "before 1900",
            "born =",
        ),
        (
            "born = 1950-03-12",
            "born = 2027-03-12",
            "after the review date",
            "born =",
        ),
        (
            "started = 2020-01-01",
            "started = 1949-01-01",
            "before the patient was born",
            "started =",
        ),
        (
            "started = 2020-01-01",
            "started = 2027-01-01",
            "after the review date",
            "started =",
        ),
    ];
    for (from, to, expected, at) in cases {
        let text = record_with("", "").replace(from, to);
        let (line, _, message) = error_of(&text);
        assert!(message.contains(expected), "{to}: {message}");
        if *at != "born =" || !expected.contains("review") {
            assert_eq!(line, line_of(&text, at), "{to}: {message}");
        }
    }
    let text = record_with("", "[labs]\nscr = { value = 1.1, date = 2027-02-01 }\n");
    let (line, _, message) = error_of(&text);
    assert!(
        message.contains("`date` (2027-02-01) is after the review date"),
        "{message}"
    );
    assert_eq!(line, line_of(&text, "scr ="));
}

#[test]
fn numbers_that_cannot_be_right_are_refused() {
    let cases = [
        (
            "",
            "[labs]\npotassium = 45\n",
            "`potassium` must be a number from 1.5 to 10",
        ),
        (
            "",
            "[labs]\negfr = { value = -5 }\n",
            "`egfr` must be a number from 1 to 200",
        ),
        (
            "weight_kg = -70",
            "",
            "`weight_kg` must be a number from 0.5 to 400",
        ),
        ("height_cm = 1e9", "", "`height_cm`"),
        (
            "",
            "[health]\nalcohol_drinks_per_week = 100000\n",
            "`alcohol_drinks_per_week`",
        ),
        ("", "[labs]\ninr = nan\n", "`inr` must be a number"),
        ("", "[labs]\nsodium = inf\n", "`sodium` must be a number"),
    ];
    for (patient, rest, expected) in cases {
        let text = record_with(patient, rest);
        let (line, _, message) = error_of(&text);
        assert!(message.contains(expected), "{patient}{rest}: {message}");
        let key = expected.split('`').nth(1).unwrap();
        assert_eq!(line, line_of(&text, &format!("{key} =")), "{message}");
    }
    let text = record_with("", "").replace(
        "started = 2020-01-01",
        "started = 2020-01-01\ndays_supply = 90000",
    );
    assert!(error_of(&text).2.contains("`days_supply`"));
}

#[test]
fn impossible_doses_are_refused_at_the_field() {
    for (field, value, expected) in [
        ("sig", "1000000 tab po qd", "says 1000000 tab at once"),
        (
            "sig",
            "take 250 tablets by mouth daily",
            "says 250 tablets at once",
        ),
        ("dose", "-2 tablets", "negative amount (-2)"),
        ("strength", "-10 mg", "negative amount (-10)"),
        ("max_per_day", "5000 caps", "says 5000 caps at once"),
    ] {
        let text = record_with("", "").replace(
            "sig = \"1 tab po qd\"",
            &format!("sig = \"1 tab po qd\"\n{field} = \"{value}\""),
        );
        let text = if field == "sig" {
            text.replacen("sig = \"1 tab po qd\"\n", "", 1)
        } else {
            text
        };
        let (line, _, message) = error_of(&text);
        assert!(message.contains(expected), "{value}: {message}");
        assert_eq!(line, line_of(&text, value), "{message}");
    }
    // Ranges, large amounts in other units and ordinary directions load.
    for (field, value) in [
        ("sig", "1-2 tabs po q4-6h prn pain"),
        ("sig", "50000 IU by mouth once a week"),
        ("dose", "100 units"),
        ("sig", "days 2-5: 2 tabs"),
        ("strength", "1,000 mg"),
        // A dash in directions is punctuation: the reader quotes them.
        (
            "sig",
            "take 1 tablet by mouth with water -30-60 minutes before eating",
        ),
    ] {
        let text =
            record_with("", "").replace("sig = \"1 tab po qd\"", &format!("{field} = \"{value}\""));
        record::parse(Path::new("r.toml"), &text).unwrap_or_else(|e| panic!("{value}: {e}"));
    }
}

/// One file per kind of bad input, and one good record: the good one
/// renders, every bad one fails with its place, and the batch says which.
#[test]
fn each_bad_record_fails_alone_and_the_good_one_renders() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let good = record_with("", "");
    let bad: Vec<(&str, Vec<u8>)> = vec![
        (
            "a-meds.toml",
            record_with("", &"[[medications]]\nname = \"zinc\"\n".repeat(5_000)).into_bytes(),
        ),
        (
            "b-long.toml",
            record_with(&format!("caregiver = \"{}\"", "y".repeat(9_000)), "").into_bytes(),
        ),
        (
            "c-deep.toml",
            record_with(
                &format!("caregiver = {}{}", "[".repeat(50_000), "]".repeat(50_000)),
                "",
            )
            .into_bytes(),
        ),
        (
            "d-latin1.toml",
            b"[patient]\nid = \"x\"\nname = \"Jos\xe9\"\n".to_vec(),
        ),
        (
            "e-date.toml",
            good.replace("started = 2020-01-01", "started = 2031-01-01")
                .into_bytes(),
        ),
        (
            "f-lab.toml",
            record_with("", "[labs]\npotassium = -4\n").into_bytes(),
        ),
        ("g-empty.toml", Vec::new()),
    ];
    // Each its own patient: a broken file still claims its id, so that
    // two files for one patient are caught even when one of them is broken.
    for (n, (name, bytes)) in bad.iter().enumerate() {
        let bytes = match std::str::from_utf8(bytes) {
            Ok(text) => text.replace("\"R-1\"", &format!("\"B-{n}\"")).into_bytes(),
            Err(_) => bytes.clone(),
        };
        std::fs::write(input.join(name), bytes).unwrap();
    }
    // A BOM and CRLF are fine.
    std::fs::write(
        input.join("z-good.toml"),
        format!("\u{feff}{}", good.replace('\n', "\r\n")),
    )
    .unwrap();
    let out = dir.path().join("out");
    let mut console = Vec::new();
    let status = medreview::render(
        &[input],
        &out,
        &medreview::RenderOptions::default(),
        &mut console,
    );
    let console = String::from_utf8(console).unwrap();
    assert_eq!(status, 1, "{console}");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("batch-summary.json")).unwrap()).unwrap();
    let rows = summary["rows"].as_array().unwrap();
    assert_eq!(rows.len(), bad.len() + 1);
    for row in rows {
        let file = row["file"].as_str().unwrap();
        if file.ends_with("z-good.toml") {
            assert_eq!(row["status"], "ok", "{row}");
            assert!(out.join("R-1").join("summary.pdf").is_file());
        } else {
            assert_eq!(row["status"], "failed", "{row}");
            let error = row["error"].as_str().unwrap();
            // file:line:column: message, but for the empty file.
            if !file.ends_with("g-empty.toml") {
                let place: Vec<&str> = error.splitn(4, ':').collect();
                assert!(
                    place[1].parse::<usize>().unwrap() > 0
                        && place[2].parse::<usize>().unwrap() > 0,
                    "{error}"
                );
            }
        }
    }
    // The console names files and places, and stays short.
    assert!(console.len() < 4_000, "{console}");
}

/// The seed records the fuzzer starts from.
fn fuzz_seeds() -> Vec<String> {
    let mut seeds: Vec<String> = crate::helpers::sample_records()
        .into_iter()
        .chain(crate::helpers::invalid_records())
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    seeds.push(medreview::EXAMPLE_RECORD.to_owned());
    seeds
}

#[test]
fn a_short_fuzz_run_finds_no_panic() {
    use medreview::fuzz::{Mutator, Outcome, exercise};
    let kb = medreview::knowledge::Knowledge::embedded();
    let mut mutator = Mutator::new(fuzz_seeds(), 2026);
    let (mut checked, mut refused) = (0, 0);
    for _ in 0..400 {
        match exercise(&mutator.next_case(), kb) {
            Outcome::Checked(_) => checked += 1,
            Outcome::Refused | Outcome::NotText => refused += 1,
        }
    }
    // The cases reach the checks, and bad ones are refused, not ignored.
    assert!(
        checked > 40 && refused > 40,
        "{checked} checked, {refused} refused"
    );
}

#[test]
fn inputs_that_once_broke_medreview_stay_fixed() {
    let kb = medreview::knowledge::Knowledge::embedded();
    let dir = crate::helpers::root().join("tests/medreview/fuzz-regressions");
    let mut replayed = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "toml") {
            medreview::fuzz::exercise(&std::fs::read(&path).unwrap(), kb);
            // And the error, as the console shows it, stays short.
            if let Err(e) = record::load(&path) {
                assert!(e.to_string().len() < 1_000, "{}", path.display());
            }
            replayed += 1;
        }
    }
    assert!(replayed >= 2);
}

/// A record whose every free-text field holds one of the hostile texts.
fn hostile_record() -> String {
    use medreview::fuzz::HOSTILE_TEXTS;
    use toml::Value;
    let mut n = 0;
    let mut next = || {
        // Skip the empty ones: required fields must not be blank.
        loop {
            let t = HOSTILE_TEXTS[n % HOSTILE_TEXTS.len()];
            n += 1;
            if !t.trim().is_empty() {
                return Value::String(format!("{t} §{n}"));
            }
        }
    };
    let text = |v: &Value| v.as_str().unwrap().to_owned();
    let table = |pairs: Vec<(&str, Value)>| {
        Value::Table(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    };
    let date = |d: &str| Value::Datetime(d.parse().unwrap());
    let medicine = |name: Value, next: &mut dyn FnMut() -> Value| {
        table(vec![
            ("name", name),
            ("strength", next()),
            ("form", next()),
            ("sig", next()),
            ("indication", next()),
            ("prescriber", Value::String("p1".into())),
            ("taking", next()),
            ("notes", next()),
            ("max_per_day", next()),
        ])
    };
    let id = next();
    let record = table(vec![
        (
            "patient",
            table(vec![
                ("id", Value::String(format!("../{}", text(&id)))),
                ("name", next()),
                ("born", date("1944-02-03")),
                ("address", Value::Array(vec![next(), next()])),
                ("caregiver", next()),
                ("representative", next()),
            ]),
        ),
        (
            "review",
            table(vec![
                ("date", date("2026-11-20")),
                ("reviewer", next()),
                ("organization", next()),
                ("program", next()),
                ("phone", next()),
                ("hours", next()),
                ("tty", next()),
                ("fax", next()),
                ("sources", Value::Array(vec![next()])),
                ("follow_up", next()),
                ("questions", Value::Array(vec![next(), next()])),
            ]),
        ),
        (
            "health",
            table(vec![
                (
                    "conditions",
                    Value::Array(vec![next(), Value::String("atrial fibrillation".into())]),
                ),
                ("symptoms", Value::Array(vec![next()])),
            ]),
        ),
        (
            "allergies",
            Value::Array(vec![table(vec![
                ("substance", next()),
                ("reaction", next()),
            ])]),
        ),
        (
            "prescribers",
            Value::Array(vec![table(vec![
                ("id", Value::String("p1".into())),
                ("name", next()),
                ("specialty", next()),
                ("phone", next()),
                ("fax", next()),
                ("organization", next()),
                ("address", Value::Array(vec![next()])),
            ])]),
        ),
        (
            "medications",
            Value::Array(vec![
                medicine(Value::String("warfarin 5 mg".into()), &mut next),
                medicine(Value::String("ibuprofen 400 mg".into()), &mut next),
                medicine(next(), &mut next),
            ]),
        ),
        (
            "actions",
            Value::Array(vec![
                table(vec![("talked_about", next()), ("to_do", next())]),
                table(vec![("to_do", next()), ("for", Value::String("p1".into()))]),
            ]),
        ),
    ]);
    toml::to_string(&record).unwrap()
}

/// Every free-text field holds Typst markup and code, reordering and
/// invisible characters or an unbroken word: each prints literally, no file
/// is read, no loop runs, the folder stays inside the output, and no text
/// leaves the page.
#[test]
fn hostile_text_prints_literally_and_stays_on_the_page() {
    let text = hostile_record();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.toml");
    std::fs::write(&path, &text).unwrap();
    let record = record::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("out");
    let mut console = Vec::new();
    let status = medreview::render(
        &[path],
        &out,
        &medreview::RenderOptions::default(),
        &mut console,
    );
    let console = String::from_utf8(console).unwrap();
    assert_eq!(status, 0, "{console}");
    // The id's `../` did not climb out of the output folder.
    let folders: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .collect();
    assert!(
        folders
            .iter()
            .any(|f| f.path().join("summary.pdf").is_file())
    );
    assert!(!dir.path().join("summary.pdf").exists());
    let mut all = String::new();
    for folder in &folders {
        for pdf in std::fs::read_dir(folder.path()).unwrap() {
            let pdf = pdf.unwrap().path();
            if pdf.extension().is_some_and(|x| x == "pdf") {
                all += &crate::helpers::pdf_text(&pdf);
            }
        }
    }
    let folded = crate::helpers::fold(&all);
    for literal in [
        "#read(",
        "#import",
        "#while true {}",
        "#panic(",
        "$ x^2 $ *bold*",
    ] {
        assert!(folded.contains(literal), "{literal} not printed: {folded}");
    }
    assert!(!folded.contains("root:"), "a file was read");
    // The unbroken word is printed whole, over several lines.
    let joined: String = all
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{200b}')
        .collect();
    assert!(
        joined.contains(&format!("Z{}", "z".repeat(60))),
        "the long word"
    );
    // A right-to-left override shows as U+FFFD, and the text after it is
    // printed in its own order.
    assert!(!all.contains('\u{202e}'));
    assert!(folded.contains("\u{fffd}gnp.exe"), "{folded}");

    // Layout: no run of text crosses the side margins or the foot of the
    // page, in any document.
    let typesetter = medreview::report::Typesetter::new(None).unwrap();
    let kb = medreview::knowledge::Knowledge::embedded();
    let date = record.review.date;
    let regimen = medreview::regimen::Regimen::new(record, kb);
    let checked = medreview::checks::run(&regimen, kb);
    let packet = medreview::report::plan(&regimen, &checked, kb);
    let margin = 2.0 / 2.54 * 72.0 - 0.5;
    let mut wrong = Vec::new();
    for (name, runs) in medreview::report::text_runs(&packet, &typesetter, date).unwrap() {
        for r in runs {
            if r.x < margin
                || r.x + r.width > r.page_width - margin
                || r.y + 0.25 * r.size > r.page_height - 18.0
            {
                wrong.push(format!(
                    "{name} page {}: {:?} from {:.0} to {:.0}",
                    r.page,
                    r.text,
                    r.x,
                    r.x + r.width
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Ids and file names reach the console with their control characters
/// escaped: a terminal would obey them (colours, a cleared screen).
#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let good = record_with("", "").replace("\"R-1\"", "\"R-1\\u001b[2J\\u202e\"");
    std::fs::write(input.join("ok.toml"), good).unwrap();
    std::fs::write(input.join("bad\u{1b}[31m.toml"), "[patient]\n").unwrap();
    let mut console = Vec::new();
    let status = medreview::render(
        &[input],
        &dir.path().join("out"),
        &medreview::RenderOptions::default(),
        &mut console,
    );
    let console = String::from_utf8(console).unwrap();
    assert_eq!(status, 1, "{console}");
    assert!(
        !console.contains('\u{1b}') && !console.contains('\u{202e}'),
        "{console:?}"
    );
    assert!(console.contains("R-1\\u{1b}[2J\\u{202e}"), "{console}");
    assert!(console.contains("bad\\u{1b}[31m.toml"), "{console}");
}

// Faults: a full disk, a run killed in the middle, a folder that cannot be
// written, file permissions, and the network.

/// The medreview command, for faults that need a process of their own.
fn medreview_command() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_medreview"))
}

/// No file under `out` is half-written: every PDF ends as a PDF ends, and
/// no temporary is left.
fn only_whole_files(out: &Path) -> usize {
    let mut pdfs = 0;
    for file in files_under(out) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            !name.starts_with(".tmp-"),
            "a temporary is left: {}",
            file.display()
        );
        if name.ends_with(".pdf") {
            let bytes = std::fs::read(&file).unwrap();
            let tail =
                String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(32)..]).into_owned();
            assert!(
                bytes.starts_with(b"%PDF-") && tail.trim_end().ends_with("%%EOF"),
                "{} is not a whole PDF",
                file.display()
            );
            pdfs += 1;
        }
    }
    pdfs
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_fails_the_records_it_hits_and_a_rerun_completes() {
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let samples = crate::helpers::sample_records();
    // A file-size limit of 100 KB stands in for a disk that fills: a write
    // past it fails with "File too large", as a full disk fails with "No
    // space left on device".
    let mut command = medreview_command();
    command
        .arg("render")
        .args(&samples)
        .arg("--out")
        .arg(&out)
        .args(["--jobs", "2"]);
    // SAFETY: setrlimit and signal are async-signal-safe, as pre_exec needs.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 100 * 1024,
                rlim_max: 100 * 1024,
            };
            libc::setrlimit(libc::RLIMIT_FSIZE, &limit);
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
    let first = command.output().unwrap();
    let console = String::from_utf8_lossy(&first.stdout);
    assert_eq!(first.status.code(), Some(1), "{console}");
    let summary = std::fs::read_to_string(out.join("batch-summary.csv")).unwrap();
    assert!(summary.contains("File too large"), "{summary}");
    assert!(
        summary.contains(",ok,"),
        "some records still fit: {summary}"
    );
    only_whole_files(&out);

    // With room again, the same command completes the batch.
    let second = medreview_command()
        .arg("render")
        .args(&samples)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        second.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&second.stdout)
    );
    assert!(only_whole_files(&out) >= 3 * samples.len());
    assert!(!out.join("batch-progress.csv").exists());
}

#[cfg(unix)]
#[test]
fn a_run_killed_in_the_middle_leaves_whole_files_and_says_what_was_done() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let samples = crate::helpers::sample_records();
    let mut child = medreview_command()
        .arg("render")
        .args(&samples)
        .arg("--out")
        .arg(&out)
        .args(["--jobs", "1", "--quiet"])
        .spawn()
        .unwrap();
    let journal = out.join("batch-progress.csv");
    let started = std::time::Instant::now();
    loop {
        let lines = std::fs::read_to_string(&journal).map_or(0, |t| t.lines().count());
        if lines >= 3 {
            break;
        }
        assert!(started.elapsed().as_secs() < 120, "no progress");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the run ended before it was killed");
    // The journal lists the records that were done, each with its folder
    // of whole documents; nothing else is under a final name.
    let journal_text = std::fs::read_to_string(&journal).unwrap();
    let done: Vec<&str> = journal_text.lines().skip(1).collect();
    assert!(
        done.len() >= 2 && done.len() < samples.len(),
        "{journal_text}"
    );
    for line in &done {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields[0], "ok", "{line}");
        assert!(out.join(fields[3]).join("summary.pdf").is_file(), "{line}");
    }
    assert!(!out.join("batch-summary.csv").exists());
    // Temporaries may be left by the kill; PDFs are whole.
    for file in files_under(&out) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".pdf") {
            let bytes = std::fs::read(&file).unwrap();
            assert!(String::from_utf8_lossy(&bytes[bytes.len() - 16..]).contains("%%EOF"));
        }
    }
    // A re-run completes the batch and clears what the kill left.
    let again = medreview_command()
        .arg("render")
        .args(&samples)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert!(only_whole_files(&out) >= 3 * samples.len());
    assert!(!journal.exists());
}

#[test]
fn a_folder_that_cannot_be_written_fails_its_record_only() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("a.toml"), record_with("", "")).unwrap();
    std::fs::write(
        input.join("b.toml"),
        record_with("", "").replace("\"R-1\"", "\"R-2\""),
    )
    .unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // Where R-1's folder should go, a file that cannot become a folder (the
    // same for root, whom permissions do not stop).
    std::fs::write(out.join("R-1"), "in the way").unwrap();
    let mut console = Vec::new();
    let status = medreview::render(
        &[input],
        &out,
        &medreview::RenderOptions::default(),
        &mut console,
    );
    assert_eq!(status, 1);
    let summary = std::fs::read_to_string(out.join("batch-summary.csv")).unwrap();
    let r1 = summary.lines().find(|l| l.contains("a.toml")).unwrap();
    assert!(r1.contains("failed") && r1.contains("R-1"), "{summary}");
    assert!(out.join("R-2").join("summary.pdf").is_file());
    assert_eq!(
        std::fs::read_to_string(out.join("R-1")).unwrap(),
        "in the way"
    );
    // An output folder that is a file is a usage error, said at once.
    let status = medreview::render(
        &[dir.path().join("in")],
        &out.join("R-1"),
        &medreview::RenderOptions::default(),
        &mut Vec::new(),
    );
    assert_eq!(status, 2);
}

#[cfg(unix)]
#[test]
fn files_are_private_unless_mode_says_otherwise() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("r.toml");
    std::fs::write(&record, record_with("", "")).unwrap();
    for (mode, file, folder) in [(None, 0o600, 0o700), (Some("640"), 0o640, 0o750)] {
        let out = dir
            .path()
            .join(format!("out-{}", mode.unwrap_or("default")));
        let mut command = medreview_command();
        command.arg("render").arg(&record).arg("--out").arg(&out);
        if let Some(mode) = mode {
            command.args(["--mode", mode]);
        }
        assert!(command.output().unwrap().status.success());
        let files = files_under(&out);
        assert!(files.len() >= 5);
        for f in files {
            let m = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
            assert_eq!(m, file, "{} is {m:o}", f.display());
        }
        for d in [out.clone(), out.join("R-1"), out.join("prescriber-digests")] {
            let m = std::fs::metadata(&d).unwrap().permissions().mode() & 0o777;
            assert_eq!(m, folder, "{} is {m:o}", d.display());
        }
    }
    for bad in ["777", "066", "abc", "1600"] {
        let status = medreview_command()
            .arg("render")
            .arg(&record)
            .args(["--out", "/nonexistent", "--mode", bad])
            .output()
            .unwrap()
            .status;
        assert_eq!(status.code(), Some(2), "--mode {bad}");
    }
}

/// Nothing in the build can reach the network: no HTTP, TLS or socket
/// crate is a dependency (Cargo.lock is the whole list), and a template
/// that imports a Typst package gets an error, not a download.
#[test]
fn nothing_can_reach_the_network() {
    let lock = std::fs::read_to_string(crate::helpers::root().join("Cargo.lock")).unwrap();
    let packages: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|l| l.trim_end_matches('"'))
        .collect();
    assert!(packages.contains(&"typst"), "the lock file was read");
    for network in [
        "reqwest",
        "ureq",
        "hyper",
        "curl",
        "isahc",
        "attohttpc",
        "h2",
        "rustls",
        "native-tls",
        "openssl",
        "tokio",
        "async-std",
        "mio",
        "socket2",
        "typst-kit",
        "sentry",
        "opentelemetry",
    ] {
        assert!(!packages.contains(&network), "{network} is a dependency");
    }
    // The templates' world refuses packages.
    let templates = tempfile::tempdir().unwrap();
    for name in ["summary.typ", "letter.typ", "appendix.typ"] {
        let text =
            std::fs::read_to_string(crate::helpers::root().join("templates").join(name)).unwrap();
        let text = if name == "summary.typ" {
            format!("#import \"@preview/cetz:0.3.0\"\n{text}")
        } else {
            text
        };
        std::fs::write(templates.path().join(name), text).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("r.toml");
    std::fs::write(&record, record_with("", "")).unwrap();
    let run = medreview_command()
        .arg("render")
        .arg(&record)
        .arg("--out")
        .arg(dir.path().join("out"))
        .arg("--templates")
        .arg(templates.path())
        .output()
        .unwrap();
    assert_ne!(run.status.code(), Some(0));
    let summary = std::fs::read_to_string(dir.path().join("out/batch-summary.csv")).unwrap();
    assert!(
        summary.contains("is not available: medreview runs offline"),
        "{summary}"
    );
}
