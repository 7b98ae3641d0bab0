//! A program in one run: shards and their merge, incremental runs, quiet
//! output, the program overview and the prescriber digests.

use std::path::{Path, PathBuf};

use medreview::RenderOptions;

use crate::helpers::{files_under, pdf_text, rendered_samples, sample_records};

/// Renders `paths` into `out` with `options`; returns the exit status and
/// what was printed.
fn run(paths: &[PathBuf], out: &Path, options: &RenderOptions) -> (i32, String) {
    let mut console = Vec::new();
    let status = medreview::render(paths, out, options, &mut console);
    (status, String::from_utf8(console).unwrap())
}

fn options(shard: Option<(usize, usize)>) -> RenderOptions {
    RenderOptions {
        jobs: 2,
        shard,
        ..Default::default()
    }
}

fn summary(out: &Path, name: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join(name)).unwrap()).unwrap()
}

#[test]
fn three_shards_merged_give_what_one_run_gives() {
    let whole = rendered_samples();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let records = sample_records();
    let mut seen = 0;
    for k in 1..=3 {
        let (status, _) = run(&records, &out, &options(Some((k, 3))));
        assert_eq!(status, 0);
        let part = summary(&out, &format!("batch-summary-{k}-of-3.json"));
        seen += part["records"].as_u64().unwrap();
        assert_eq!(part["shard"], format!("{k}/3"));
    }
    // Disjoint shares that cover the batch.
    assert_eq!(seen as usize, records.len());
    assert!(!out.join("batch-summary.json").exists());
    let mut console = Vec::new();
    assert_eq!(medreview::merge(&out, &mut console), 0);
    let merged = summary(&out, "batch-summary.json");
    let one = summary(&whole.out(), "batch-summary.json");
    assert_eq!(merged["rows"], one["rows"]);
    assert_eq!(merged["records"], one["records"]);
    // The batch documents are the same bytes as one run's.
    assert_eq!(
        std::fs::read(out.join("program-overview.pdf")).unwrap(),
        std::fs::read(whole.out().join("program-overview.pdf")).unwrap()
    );
    let digests = |o: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(o.join("prescriber-digests"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(digests(&out), digests(&whole.out()));
    for name in digests(&out) {
        assert_eq!(
            std::fs::read(out.join("prescriber-digests").join(&name)).unwrap(),
            std::fs::read(whole.out().join("prescriber-digests").join(&name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn merge_refuses_a_batch_with_a_shard_missing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let records = sample_records();
    run(&records, &out, &options(Some((1, 2))));
    let mut console = Vec::new();
    assert_eq!(medreview::merge(&out, &mut console), 1);
    // Refused before anything is written: no batch summary, overview or
    // digest of a partial program (issue 20).
    for name in [
        "batch-summary.json",
        "batch-summary.csv",
        "program-overview.pdf",
    ] {
        assert!(!out.join(name).exists(), "{name} written");
    }
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(medreview::merge(empty.path(), &mut console), 2);
}

/// A hand-named shard summary outside 1..=N is refused, not underflowed.
#[test]
fn merge_refuses_a_shard_numbered_outside_one_to_n() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let records = sample_records();
    run(&records, &out, &options(Some((1, 2))));
    run(&records, &out, &options(Some((2, 2))));
    std::fs::copy(
        out.join("batch-summary-1-of-2.json"),
        out.join("batch-summary-0-of-2.json"),
    )
    .unwrap();
    std::fs::copy(
        out.join("batch-digests-1-of-2.json"),
        out.join("batch-digests-0-of-2.json"),
    )
    .unwrap();
    let mut console = Vec::new();
    assert_eq!(medreview::merge(&out, &mut console), 2);
    assert!(!out.join("batch-summary.json").exists());
}

#[test]
fn an_incremental_run_typesets_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for file in sample_records().iter().take(3) {
        std::fs::copy(file, input.join(file.file_name().unwrap())).unwrap();
    }
    let out = dir.path().join("out");
    let incremental = RenderOptions {
        jobs: 2,
        incremental: true,
        ..Default::default()
    };
    let (status, first) = run(std::slice::from_ref(&input), &out, &incremental);
    assert_eq!(status, 0);
    assert!(!first.contains("unchanged"), "{first}");
    let (_, second) = run(std::slice::from_ref(&input), &out, &incremental);
    assert!(
        second.contains("(3 unchanged since the last run, not typeset again)"),
        "{second}"
    );
    // Change one record: only that one is typeset again.
    let changed = std::fs::read_dir(&input)
        .unwrap()
        .map(|e| e.unwrap().path())
        .min()
        .unwrap();
    let text = std::fs::read_to_string(&changed).unwrap();
    std::fs::write(&changed, format!("{text}\n# edited\n")).unwrap();
    let (_, third) = run(std::slice::from_ref(&input), &out, &incremental);
    assert!(
        third.contains("(2 unchanged since the last run, not typeset again)"),
        "{third}"
    );
    // Without --incremental everything is typeset.
    let (_, fourth) = run(&[input], &out, &options(None));
    assert!(!fourth.contains("unchanged"), "{fourth}");
}

#[test]
fn quiet_prints_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let quiet = RenderOptions {
        jobs: 1,
        quiet: true,
        ..Default::default()
    };
    let (status, console) = run(&sample_records()[..1], &dir.path().join("out"), &quiet);
    assert_eq!(status, 0);
    assert_eq!(console, "");
}

#[test]
fn the_overview_counts_the_batch_and_lists_who_to_call_first() {
    let run = rendered_samples();
    let text = pdf_text(&run.out().join("program-overview.pdf"));
    let summary = summary(&run.out(), "batch-summary.json");
    assert!(
        text.contains(&format!("In the batch {}", summary["records"])),
        "{text}"
    );
    assert!(text.contains("Open findings by check"));
    // Problems by concern beside findings: bleeding and high potassium are
    // among the samples' concerns, and each category is counted.
    let by_concern = text
        .split("Open problems by concern")
        .nth(1)
        .expect("problems by concern")
        .split("Most frequent problems")
        .next()
        .unwrap();
    for concern in ["bleeding", "hyperkalaemia", "Category", "safety"] {
        assert!(by_concern.contains(concern), "{concern}: {by_concern}");
    }
    let call_first = text.split("Patients to call first").nth(1).unwrap();
    let mut listed = 0;
    for row in summary["rows"].as_array().unwrap() {
        let Some(id) = row["patient"].as_str() else {
            continue;
        };
        let serious = row["major"].as_u64().unwrap() + row["contraindicated"].as_u64().unwrap();
        let folded = crate::helpers::fold(id);
        assert_eq!(
            call_first.contains(&folded),
            serious > 0,
            "{id}: {serious} serious findings"
        );
        listed += usize::from(serious > 0);
    }
    assert!(listed >= 3, "only {listed} patients to call first");
}

#[test]
fn one_digest_per_prescriber_gathers_their_patients() {
    let run = rendered_samples();
    let dir = run.out().join("prescriber-digests");
    let names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(names.len() >= 10, "{} digests", names.len());
    // Dr. Grace Yoon prescribes for two sample patients.
    let yoon = names
        .iter()
        .find(|p| p.to_string_lossy().contains("grace_yoon"))
        .expect("a digest for Dr. Grace Yoon");
    let text = pdf_text(yoon);
    assert!(text.contains("Dolores M. Whitfield") && text.contains("Linda Carraway"));
    assert!(text.contains("Medication reviews of 2 of your patients"));
    assert_eq!(
        text.matches("Accept").count(),
        text.matches("Recommended:").count()
    );
    assert!(text.contains("Prescriber signature"));
    // The digests were spooled to a file while the batch ran (the sharded
    // test shows the documents are the same as from memory); it is gone.
    assert!(!run.out().join(".medreview-digests.jsonl").exists());
    assert!(!run.out().join("batch-progress.csv").exists());
}

#[test]
fn an_id_used_twice_fails_every_record_after_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let record = |id: &str, name: &str| {
        format!(
            "[patient]\nid = \"{id}\"\nname = \"{name}\"\nborn = 1950-01-01\n\
             [review]\ndate = 2026-11-20\nreviewer = \"R\"\n\
             [[medications]]\nname = \"lisinopril 10 mg\"\nsig = \"1 tab po qd\"\n"
        )
    };
    std::fs::write(input.join("a.toml"), record("MRN-7", "First Person")).unwrap();
    // The same id, and one that differs only in case: one folder on a
    // case-insensitive file system.
    std::fs::write(input.join("b.toml"), record("MRN-7", "Second Person")).unwrap();
    std::fs::write(input.join("c.toml"), record("mrn-7", "Third Person")).unwrap();
    let out = dir.path().join("out");
    let (status, console) = run(&[input], &out, &options(None));
    assert_eq!(status, 1, "{console}");
    let summary = summary(&out, "batch-summary.json");
    let rows = summary["rows"].as_array().unwrap();
    assert_eq!(rows[0]["status"], "ok");
    for row in &rows[1..] {
        assert_eq!(row["status"], "failed");
        assert!(
            row["error"].as_str().unwrap().contains("is also used by"),
            "{row}"
        );
    }
    // The first patient's packet is theirs, not overwritten.
    let text = pdf_text(&out.join("MRN-7").join("summary.pdf"));
    assert!(text.contains("First Person"));
    assert!(!text.contains("Second Person") && !text.contains("Third Person"));
}

#[test]
fn a_long_list_to_call_first_goes_to_a_csv_and_the_overview_says_so() {
    use medreview::batch::{CALL_FIRST_SHOWN, FindingDigest, PatientDigest};
    use medreview::checks::Severity;
    use medreview::output::BatchSummary;
    let total = CALL_FIRST_SHOWN + 20;
    let digests: Vec<PatientDigest> = (0..total)
        .map(|n| PatientDigest {
            id: format!("P{n:04}"),
            name: format!("Person {n}"),
            born: "1 May 1940".into(),
            file: format!("p{n}.toml"),
            reviewer: "R".into(),
            organization: None,
            program: None,
            return_fax: None,
            review_date: medreview::record::Date::new(2026, 11, 20).unwrap(),
            findings: vec![FindingDigest {
                check: "interaction".into(),
                severity: Severity::Major,
                title: "Bleeding risk".into(),
            }],
            recommendations: Vec::new(),
            problems: Vec::new(),
        })
        .collect();
    let summary = BatchSummary {
        records: total,
        rendered: total,
        failed: 0,
        skipped: 0,
        knowledge_version: "test",
        shard: None,
        rows: &[],
    };
    let out = tempfile::tempdir().unwrap();
    let typesetter = medreview::report::Typesetter::new(None).unwrap();
    medreview::batch::write_batch_documents(
        out.path(),
        &typesetter,
        &summary,
        &medreview::batch::Digests::Memory(digests),
        1,
    )
    .unwrap();
    let csv = std::fs::read_to_string(out.path().join("call-first.csv")).unwrap();
    assert_eq!(csv.lines().count(), total + 1);
    let text = pdf_text(&out.path().join("program-overview.pdf"));
    assert!(text.contains("P0099") && !text.contains("P0100"), "{text}");
    assert!(
        text.contains(&format!(
            "These are the {CALL_FIRST_SHOWN} most serious of the {total} patients"
        )),
        "{text}"
    );
}

/// Every file under `dir` (relative path → bytes), the run's own timing
/// file left out.
fn tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .filter(|path| path.file_name().is_some_and(|n| n != "timings.json"))
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            (path.strip_prefix(dir).unwrap().to_owned(), bytes)
        })
        .collect()
}

/// Render options that run the workers as processes of `exe`.
fn with_workers(exe: &Path, timings: Option<PathBuf>) -> RenderOptions {
    RenderOptions {
        jobs: 2,
        worker: Some(exe.to_owned()),
        timings,
        ..Default::default()
    }
}

/// An executable shell script at `path`.
fn script(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The timing file of a run.
fn timings(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn worker_processes_write_the_same_bytes_as_threads() {
    let dir = tempfile::tempdir().unwrap();
    let exe = Path::new(env!("CARGO_BIN_EXE_medreview"));
    let (threads, processes) = (dir.path().join("threads"), dir.path().join("processes"));
    let (threads_t, processes_t) = (dir.path().join("t.json"), dir.path().join("p.json"));
    let on_threads = RenderOptions {
        jobs: 2,
        timings: Some(threads_t.clone()),
        ..Default::default()
    };
    assert_eq!(run(&sample_records(), &threads, &on_threads).0, 0);
    let (status, console) = run(
        &sample_records(),
        &processes,
        &with_workers(exe, Some(processes_t.clone())),
    );
    assert_eq!(status, 0, "{console}");
    // The workers did the typesetting, and what they typeset is counted.
    let (t, p) = (timings(&threads_t), timings(&processes_t));
    assert_eq!(p["workers_started"], 2, "{p}");
    assert!(p["workers_peak_rss_mb"].as_f64().unwrap() > 1.0, "{p}");
    assert_eq!(t["workers_started"], 0, "{t}");
    assert_eq!(p["pages"], t["pages"]);
    let (ours, theirs) = (tree(&processes), tree(&threads));
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &ours {
        assert!(bytes == &theirs[name], "{} differs", name.display());
    }
}

#[test]
fn workers_are_replaced_after_their_share_and_nothing_is_lost() {
    use medreview::pipeline::{Timings, discover};
    use medreview::stream::{StreamOptions, render_stream};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let typesetter = medreview::report::Typesetter::new(None).unwrap();
    let mut command = medreview::workers::WorkerCommand::new(
        env!("CARGO_BIN_EXE_medreview").into(),
        &out,
        None,
        false,
    );
    command.recycle_after = 3;
    let timings = Timings::default();
    let files = discover(&sample_records());
    let (rows, digests) = render_stream(
        &files,
        &out,
        &typesetter,
        medreview::knowledge::Knowledge::embedded(),
        &StreamOptions {
            jobs: 2,
            incremental: false,
            journal: None,
            spool: None,
            processes: Some(command),
        },
        &timings,
        &mut |_| {},
    );
    assert!(rows.iter().all(|r| r.status == "ok"), "{rows:?}");
    assert_eq!(digests.len(), files.len());
    // 11 records, 3 a worker: at least 4 workers, whatever the split.
    let started = timings
        .workers_started
        .load(std::sync::atomic::Ordering::Relaxed);
    assert!((4..=6).contains(&started), "{started} workers");
    // Every replaced worker's pages were counted.
    let pdfs = files_under(&out)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .count() as u64;
    assert_eq!(pdfs, rows.iter().map(|r| r.documents as u64).sum::<u64>());
    assert!(typesetter.pages() >= pdfs, "{} pages", typesetter.pages());
}

#[test]
fn a_worker_that_dies_fails_only_the_record_it_had() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // The workers abort on Kevin's record, as a stack overflow inside Typst
    // or the out-of-memory killer would end them.
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_medreview"))
        .arg("render")
        .args(sample_records())
        .arg("--out")
        .arg(&out)
        .args(["--jobs", "2"])
        .env("MEDREVIEW_TEST_WORKER_DIES_ON", "kevin")
        .output()
        .unwrap();
    let console = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{console}");
    let summary = summary(&out, "batch-summary.json");
    let rows = summary["rows"].as_array().unwrap();
    assert_eq!(rows.len(), sample_records().len());
    for row in rows {
        let file = row["file"].as_str().unwrap();
        if file.contains("kevin") {
            assert_eq!(row["status"], "failed", "{row}");
            let error = row["error"].as_str().unwrap();
            assert!(error.contains("worker process stopped"), "{error}");
            assert!(error.contains("signal"), "{error}");
        } else {
            assert_eq!(row["status"], "ok", "{row}");
        }
    }
    assert!(
        console.contains("03-kevin-nyquil-tylenol.toml: the documents could not be produced"),
        "{console}"
    );
    // The batch documents were still written.
    assert!(out.join("program-overview.pdf").is_file());
}

#[test]
fn when_no_worker_starts_the_batch_is_typeset_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let broken = dir.path().join("broken-worker");
    script(&broken, "#!/bin/sh\nexit 2\n");
    let timings = dir.path().join("timings.json");
    let (status, console) = run(
        &sample_records(),
        &out,
        &with_workers(&broken, Some(timings.clone())),
    );
    assert_eq!(status, 0, "{console}");
    let t = self::timings(&timings);
    assert_eq!(t["workers_started"], 0, "{t}");
    assert_eq!(t["workers_peak_rss_mb"].as_f64(), Some(0.0), "{t}");
    let (ours, theirs) = (tree(&out), tree(&rendered_samples().out()));
    assert_eq!(ours.len(), theirs.len());
    assert!(ours.iter().all(|(name, bytes)| bytes == &theirs[name]));
}

#[test]
fn a_shard_leaves_the_shared_folders_temporaries_to_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // Another shard's summary, half written at this moment.
    let theirs = out.join(".tmp-another-shard");
    std::fs::write(&theirs, "half").unwrap();
    let records = &sample_records()[..2];
    let (status, _) = run(records, &out, &options(Some((1, 2))));
    assert_eq!(status, 0);
    assert!(theirs.exists(), "a shard removed another's temporary");
    // An unsharded run owns the folder: it clears what a killed run left.
    let (status, _) = run(records, &out, &options(None));
    assert_eq!(status, 0);
    assert!(!theirs.exists(), "an unsharded run kept a stale temporary");
}

/// A prescriber's digest has one line per problem: never two lines with one
/// title for one patient (Harold's potassium is one line, not four).
#[test]
fn the_digest_lists_one_line_per_problem() {
    use medreview::batch::PatientDigest;
    let kb = medreview::knowledge::Knowledge::embedded();
    for path in crate::helpers::sample_records() {
        let regimen = medreview::regimen::Regimen::new(medreview::record::load(&path).unwrap(), kb);
        let checked = medreview::checks::run(&regimen, kb);
        let digest = PatientDigest::of(&regimen, &checked);
        let mut lines: Vec<(&str, &str)> = digest
            .recommendations
            .iter()
            .map(|r| (r.prescriber.as_str(), r.title.as_str()))
            .collect();
        let n = lines.len();
        lines.sort();
        lines.dedup();
        assert_eq!(lines.len(), n, "{}", path.display());
        let potassium = digest
            .recommendations
            .iter()
            .filter(|r| r.title.to_lowercase().contains("potassium"))
            .count();
        assert!(
            potassium
                <= digest
                    .recommendations
                    .iter()
                    .map(|r| &r.prescriber)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len(),
            "{}",
            path.display()
        );
    }
}
