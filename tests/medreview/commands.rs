//! The commands as a user runs them: `check --json`, `explain`, `init`, and
//! exit statuses.

use std::process::Command;

use crate::helpers::{root, sample_records};

fn medreview(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_medreview"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("medreview runs")
}

#[test]
fn check_json_follows_the_findings_contract() {
    let mut out = Vec::new();
    let status = medreview::check(&sample_records(), true, None, &mut out);
    assert_eq!(status, 0);
    let all: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    let records = all.as_array().expect("an array");
    assert_eq!(records.len(), sample_records().len());
    let mut seen_findings = 0;
    for r in records {
        for key in ["file", "patient", "ok", "medications", "findings", "errors"] {
            assert!(r.get(key).is_some(), "record lacks {key}");
        }
        for m in r["medications"].as_array().unwrap() {
            for key in [
                "name",
                "ingredients",
                "classes",
                "known",
                "schedule",
                "directions_understood",
            ] {
                assert!(m.get(key).is_some(), "medication lacks {key}");
            }
        }
        for f in r["findings"].as_array().unwrap() {
            seen_findings += 1;
            for key in [
                "id",
                "check",
                "severity",
                "medicines",
                "ingredients",
                "prescribers",
                "title",
                "patient_text",
                "prescriber_text",
                "evidence",
                "context",
                "decision",
            ] {
                assert!(f.get(key).is_some(), "finding lacks {key}");
            }
            let id = f["id"].as_str().unwrap();
            assert!(
                id.starts_with(&format!("{}/", f["check"].as_str().unwrap())),
                "{id}"
            );
            assert!(
                !f["evidence"].as_array().unwrap().is_empty(),
                "{id} cites nothing"
            );
            assert!(
                ["contraindicated", "major", "moderate", "minor"]
                    .contains(&f["severity"].as_str().unwrap())
            );
        }
    }
    assert!(seen_findings > 0);
}

#[test]
fn check_json_reports_a_broken_record_with_its_place() {
    let file = root().join("sample-data/invalid/03-born-as-string.toml");
    let mut out = Vec::new();
    assert_eq!(medreview::check(&[file], true, None, &mut out), 1);
    let all: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let r = &all[0];
    assert_eq!(r["ok"], false);
    assert_eq!(r["findings"].as_array().unwrap().len(), 0);
    let e = &r["errors"][0];
    assert!(e["line"].as_u64().unwrap() > 0 && e["column"].as_u64().unwrap() > 0);
    assert!(e["message"].as_str().unwrap().contains("date"), "{e}");
}

#[test]
fn every_check_that_exists_fires_in_the_sample_data() {
    let mut out = Vec::new();
    medreview::check(&sample_records(), true, None, &mut out);
    let all: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let fired: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["check"].as_str().unwrap())
        })
        .collect();
    for check in medreview::checks::REGISTRY {
        assert!(
            fired.contains(&check.doc().name),
            "{} never fires in sample-data",
            check.doc().name
        );
    }
}

#[test]
fn fail_on_sets_the_exit_status() {
    let files = sample_records();
    assert_eq!(
        medreview::check(
            &files,
            false,
            Some(medreview::checks::Severity::Minor),
            &mut Vec::new()
        ),
        1
    );
    let simple: Vec<_> = files
        .iter()
        .filter(|f| f.to_string_lossy().contains("simple"))
        .cloned()
        .collect();
    assert_eq!(simple.len(), 1);
    assert_eq!(
        medreview::check(
            &simple,
            false,
            Some(medreview::checks::Severity::Major),
            &mut Vec::new()
        ),
        0
    );
}

#[test]
fn usage_errors_exit_with_2() {
    assert_eq!(medreview(&["render"]).status.code(), Some(2));
    assert_eq!(medreview(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        medreview(&["explain", "no-such-check"]).status.code(),
        Some(2)
    );
}

#[test]
fn explain_documents_each_check_and_says_what_is_not_checked() {
    let out = medreview(&["explain", "same-ingredient"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for heading in [
        "What it checks",
        "Why it matters",
        "Example record",
        "References",
    ] {
        assert!(text.contains(heading), "{text}");
    }
    // Every check of findings.md runs in this version and documents itself.
    for name in [
        "renal",
        "hepatic",
        "older-adult",
        "outdated",
        "side-effect",
        "complexity",
        "reconciliation",
        "missing-data",
    ] {
        let out = medreview(&["explain", name]);
        assert_eq!(out.status.code(), Some(0), "{name}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("What it checks"), "{name}: {text}");
        assert!(!text.contains("not in this version"), "{name}: {text}");
    }
}

#[test]
fn init_writes_an_example_that_loads_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.toml");
    let path = file.to_str().unwrap();
    assert_eq!(medreview(&["init", path]).status.code(), Some(0));
    medreview::record::load(&file).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&file, "mine").unwrap();
    assert_eq!(medreview(&["init", path]).status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
}

/// Every sample medicine resolves completely, except the one invented on
/// purpose: a knowledge-base change that loses a name shows up here.
#[test]
fn every_sample_medicine_resolves_but_the_invented_one() {
    let mut out = Vec::new();
    medreview::check(&sample_records(), true, None, &mut out);
    let all: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let mut unresolved = Vec::new();
    for r in all.as_array().unwrap() {
        for m in r["medications"].as_array().unwrap() {
            if m["known"] == false || !m["unrecognised"].as_array().unwrap().is_empty() {
                unresolved.push(m["name"].as_str().unwrap().to_owned());
            }
        }
    }
    assert_eq!(unresolved, ["Zentravix 5 mg"]);
}

/// The readable `check` report is pinned: a change to its wording or
/// order shows up in review.
#[test]
fn the_check_report_reads_as_pinned() {
    let files: Vec<std::path::PathBuf> = [
        "sample-data/03-kevin-nyquil-tylenol.toml",
        "sample-data/10-linda-two-nsaids.toml",
        "sample-data/invalid/03-born-as-string.toml",
    ]
    .iter()
    .map(std::path::PathBuf::from)
    .collect();
    let mut out = Vec::new();
    assert_eq!(medreview::check(&files, false, None, &mut out), 1);
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

#[test]
fn knowledge_shows_counts_and_what_a_name_resolves_to() {
    let mut out = Vec::new();
    assert_eq!(medreview::knowledge(None, &mut out), 0);
    let text = String::from_utf8(out).unwrap();
    for line in [
        "knowledge base ",
        "ingredients: ",
        "products: ",
        "classes: ",
    ] {
        assert!(text.contains(line), "{text}");
    }
    let mut out = Vec::new();
    assert_eq!(
        medreview::knowledge(Some("Tylenol PM Extra Strength"), &mut out),
        0
    );
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("acetaminophen 500 mg") && text.contains("diphenhydramine 25 mg"),
        "{text}"
    );
    let mut out = Vec::new();
    assert_eq!(medreview::knowledge(Some("Zocorr 20 mg"), &mut out), 1);
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("did you mean \"zocor\"?")
    );
}

/// `check --json` groups every finding of every sample record into exactly
/// one problem, and a problem's evidence names each citation once.
#[test]
fn every_finding_of_the_samples_is_in_exactly_one_problem() {
    let out = medreview(&["check", "--json", "sample-data"]);
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut problems_seen = 0;
    for record in all.as_array().unwrap() {
        let findings = record["findings"].as_array().unwrap();
        let problems = record["problems"].as_array().unwrap();
        problems_seen += problems.len();
        for f in findings {
            let id = f["id"].as_str().unwrap();
            let holders = problems
                .iter()
                .filter(|p| {
                    p["findings"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|x| x.as_str() == Some(id))
                })
                .count();
            assert_eq!(
                holders, 1,
                "{}: {id} is in {holders} problems",
                record["file"]
            );
        }
        for p in problems {
            let evidence: Vec<&str> = p["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.as_str().unwrap())
                .collect();
            let mut unique = evidence.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), evidence.len(), "{}", p["id"]);
        }
    }
    assert!(problems_seen > 0);
}

/// Every finding of the samples carries why it matters and what is
/// recommended as fields of their own (the letters and digests use them),
/// and its clinical text holds both.
#[test]
fn every_finding_says_why_and_what_in_fields_of_their_own() {
    let out = medreview(&["check", "--json", "sample-data"]);
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut seen = 0;
    for record in all.as_array().unwrap() {
        for f in record["findings"].as_array().unwrap() {
            let id = f["id"].as_str().unwrap();
            let why = f["why"].as_str().unwrap();
            let what = f["recommendation"].as_str().unwrap();
            let text = f["prescriber_text"].as_str().unwrap();
            assert!(!why.is_empty() && !what.is_empty(), "{id}");
            assert!(text.contains(what), "{id}: {what:?} not in {text:?}");
            seen += 1;
        }
    }
    assert!(seen > 100);
}

/// `check` prints what records wrote (ids, decisions, diagnostics) with
/// control characters escaped, as `render` does: a record cannot steer the
/// terminal (issue 20).
#[test]
fn check_escapes_what_records_write() {
    let dir = tempfile::tempdir().unwrap();
    let good = "[patient]\nid = \"P\\u001b[31mRED\"\nname = \"N\"\nborn = 1950-01-01\n\
                [review]\ndate = 2026-11-20\nreviewer = \"R\"\n\
                [[medications]]\nname = \"Lasix 40 mg\"\nsig = \"1 tab qam\"\n\
                [[decisions]]\nfinding = \"typo\\u001b]0;title\\u0007\"\naction = \"keep\"\n";
    std::fs::write(dir.path().join("a.toml"), good).unwrap();
    let bad = "[patient]\nid = \"Q\"\nname = \"N\"\nborn = 1950-01-01\nsex = \"\\u001b[2J\"\n\
               [review]\ndate = 2026-11-20\nreviewer = \"R\"\n";
    std::fs::write(dir.path().join("b.toml"), bad).unwrap();
    let out = medreview(&["check", dir.path().to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(!text.contains('\u{7}'), "{text:?}");
    assert!(text.contains("\\u{1b}"), "escaped, not dropped: {text}");
}
