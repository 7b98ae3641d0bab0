//! The batch pipeline, stage by stage:
//!
//! ```text
//! discover → load → resolve → check → plan → render → write
//! ```
//!
//! Loading, resolving and checking run on rayon. Typesetting never runs
//! inside a rayon task (Typst parallelises inside a document on rayon, and
//! rendering inside a rayon task overflows the stack): it runs on render
//! threads of its own with large stacks, or in worker processes (the
//! stream and workers modules, above this one; the workers module says why
//! `render` uses processes). Nothing here prints: outcomes are returned, and
//! the caller reports them in input order.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::Serialize;
use walkdir::WalkDir;

use crate::batch::PatientDigest;
use crate::checks::{self, Checked, Finding, Severity};
use crate::diagnostic::Diagnostic;
use crate::knowledge::Knowledge;
use crate::output::{self, BatchRow};
use crate::record;
use crate::regimen::Regimen;
use crate::report::{self, Typesetter};

/// Every record file under `paths`: files as given, folders walked for
/// `*.toml`, sorted by path so every run sees the same order. A path that
/// does not exist becomes a failed entry, not a stop.
pub fn discover(paths: &[PathBuf]) -> Vec<Result<PathBuf, Diagnostic>> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            // A folder that cannot be read is a failed entry: its records
            // must not vanish from the batch unnoticed.
            let mut entries: Vec<Result<PathBuf, Diagnostic>> = WalkDir::new(path)
                .follow_links(false)
                .into_iter()
                .filter_map(|entry| match entry {
                    Ok(e) if e.file_type().is_file() => {
                        let p = e.into_path();
                        p.extension().is_some_and(|x| x == "toml").then_some(Ok(p))
                    }
                    Ok(_) => None,
                    Err(e) => {
                        let at = e.path().unwrap_or(path).to_owned();
                        Some(Err(Diagnostic::whole_file(
                            &at,
                            format!("cannot read: {e}"),
                        )))
                    }
                })
                .collect();
            entries.sort_by(|a, b| sort_key(a).cmp(sort_key(b)));
            found.extend(entries);
        } else if path.is_file() {
            found.push(Ok(path.clone()));
        } else {
            found.push(Err(Diagnostic::whole_file(path, "no such file or folder")));
        }
    }
    found
}

fn sort_key(entry: &Result<PathBuf, Diagnostic>) -> &Path {
    match entry {
        Ok(path) => path,
        Err(d) => Path::new(&d.file),
    }
}

/// A record that loaded and was checked.
#[derive(Debug)]
pub struct Reviewed {
    pub regimen: Regimen,
    pub checked: Checked,
}

/// What became of one input file.
#[derive(Debug)]
pub struct Outcome {
    pub file: PathBuf,
    pub result: Result<Reviewed, Diagnostic>,
}

/// Loads, resolves and checks every file in parallel; results come back in
/// input order. A patient id used twice fails every file after the first.
pub fn review(files: Vec<Result<PathBuf, Diagnostic>>, kb: &Knowledge) -> Vec<Outcome> {
    let mut outcomes: Vec<Outcome> = files
        .into_par_iter()
        .map(|file| match file {
            Err(diagnostic) => Outcome {
                file: PathBuf::from(&diagnostic.file),
                result: Err(diagnostic),
            },
            Ok(file) => {
                let result = contain_panic(&file, || {
                    record::load(&file).map(|record| {
                        let regimen = Regimen::new(record, kb);
                        let checked = checks::run(&regimen, kb);
                        Reviewed { regimen, checked }
                    })
                });
                Outcome { file, result }
            }
        })
        .collect();
    // Ids are compared as folder names, case folded: "MRN-1" and "mrn-1"
    // would share one folder on a case-insensitive file system.
    let mut seen: Vec<(String, PathBuf)> = Vec::new();
    for outcome in &mut outcomes {
        let Ok(reviewed) = &outcome.result else {
            continue;
        };
        let id = reviewed.regimen.record.patient.id.clone();
        let folder = output::safe_name(&id).to_lowercase();
        if let Some((_, first)) = seen.iter().find(|(seen_folder, _)| *seen_folder == folder) {
            let message = format!(
                "patient id \"{id}\" is also used by {}; ids must be unique within a batch",
                first.display()
            );
            outcome.result = Err(Diagnostic::whole_file(&outcome.file, message));
        } else {
            seen.push((folder, outcome.file.clone()));
        }
    }
    outcomes
}

/// Runs one record's work so that a bug (a panic) fails that record only,
/// never the batch.
fn contain_panic<T>(
    file: &Path,
    work: impl FnOnce() -> Result<T, Diagnostic>,
) -> Result<T, Diagnostic> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|_| {
        Err(Diagnostic::whole_file(
            file,
            "internal error while processing this record (a bug in medreview; please report it)",
        ))
    })
}

/// The JSON of one record, as `check --json` prints it and `findings.json`
/// holds it (`findings.md`).
#[derive(Debug, Serialize)]
pub struct RecordJson<'a> {
    pub file: String,
    pub patient: Option<&'a str>,
    pub ok: bool,
    pub medications: Vec<MedicationJson<'a>>,
    pub findings: &'a [Finding],
    /// The findings grouped into medication-related problems
    /// (`problems.md`); every finding is in exactly one.
    pub problems: &'a [crate::checks::Problem],
    pub errors: Vec<&'a Diagnostic>,
    pub warnings: &'a [String],
    /// The knowledge base the findings came from.
    pub knowledge: &'a str,
}

/// One active medicine and what it resolved to.
#[derive(Debug, Serialize)]
pub struct MedicationJson<'a> {
    pub name: &'a str,
    pub ingredients: Vec<&'a str>,
    pub classes: &'a [String],
    pub known: bool,
    /// Words of the name that were not recognised (a partial match).
    pub unrecognised: &'a [String],
    /// A known name close to the unrecognised words, never assumed.
    pub suggestion: Option<&'a str>,
    /// The directions as read: times, amounts, as-needed, course, food.
    pub schedule: &'a crate::regimen::Schedule,
    /// Whether the directions were read completely; when not, documents
    /// quote them as written and never guess a schedule.
    pub directions_understood: bool,
}

impl Outcome {
    /// The JSON view of this outcome.
    pub fn to_json<'a>(&'a self, kb: &'a Knowledge) -> RecordJson<'a> {
        let file = self.file.display().to_string();
        match &self.result {
            Ok(r) => RecordJson {
                file,
                patient: Some(&r.regimen.record.patient.id),
                ok: true,
                medications: r
                    .regimen
                    .active()
                    .map(|m| MedicationJson {
                        name: &m.medication.name,
                        ingredients: m.ingredient_names().collect(),
                        classes: &m.classes,
                        known: !m.resolved.is_unknown(),
                        unrecognised: &m.resolved.unrecognised,
                        suggestion: m.resolved.suggestion.as_deref(),
                        schedule: &m.schedule,
                        directions_understood: m.schedule.understood(),
                    })
                    .collect(),
                findings: &r.checked.findings,
                problems: &r.checked.problems,
                errors: vec![],
                warnings: &r.checked.warnings,
                knowledge: kb.version(),
            },
            Err(d) => RecordJson {
                file,
                patient: None,
                ok: false,
                medications: vec![],
                findings: &[],
                problems: &[],
                errors: vec![d],
                warnings: &[],
                knowledge: kb.version(),
            },
        }
    }

    /// Findings not dismissed, by severity.
    pub fn counts(&self) -> [usize; 4] {
        let mut counts = [0; 4];
        if let Ok(r) = &self.result {
            for f in r.checked.findings.iter().filter(|f| !f.is_dismissed()) {
                counts[Severity::ALL
                    .iter()
                    .position(|s| *s == f.severity)
                    .unwrap_or(0)] += 1;
            }
        }
        counts
    }
}

/// What rendering one record produced.
#[derive(Debug)]
pub struct Rendered {
    pub folder: Option<PathBuf>,
    /// Unchanged since the last run: the packet on disk was kept.
    pub skipped: bool,
    pub documents: usize,
    /// Characters no embedded font could print, replaced by U+FFFD.
    pub replaced: usize,
    pub error: Option<String>,
}

impl Rendered {
    /// Nothing written, for this reason.
    fn failed(error: String) -> Rendered {
        Rendered {
            folder: None,
            skipped: false,
            documents: 0,
            replaced: 0,
            error: Some(error),
        }
    }
}

/// Where the time of a render run went, summed over the workers, for the
/// benchmark (`render --timings FILE`). Typst's own compile and PDF export
/// are counted by the [`Typesetter`].
#[derive(Debug, Default)]
pub struct Timings {
    /// Loading, resolving and checking.
    pub review_ns: AtomicU64,
    /// Plan, typeset (Typst included) and write.
    pub render_ns: AtomicU64,
    /// From the start of the workers to the first packet written.
    pub first_packet_ns: AtomicU64,
    /// Worker processes: the sum over the workers of the peak resident
    /// memory of each (the worker processes run side by side).
    pub workers_peak_kb: AtomicU64,
    /// Worker processes started (one per job, and one more each time a
    /// worker is replaced).
    pub workers_started: AtomicU64,
}

/// Share `k` of `n` (1-based) of a discovered batch: every `n`-th file in
/// the sorted order, starting with the `k`-th. Every machine that sees the
/// same input files picks the same share, the shares are disjoint, cover the
/// batch and differ in size by at most one file.
pub fn shard(
    files: Vec<Result<PathBuf, Diagnostic>>,
    k: usize,
    n: usize,
) -> Vec<Result<PathBuf, Diagnostic>> {
    files
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % n == k - 1)
        .map(|(_, f)| f)
        .collect()
}

/// Finds the patient id of every record file cheaply (only `[patient] id`
/// is read), so that a batch can be streamed and still refuse an id used
/// twice: every file after the first with the same id (compared as folder
/// names, case folded: "MRN-1" and "mrn-1" would share one folder on a
/// case-insensitive file system) gets an error message here.
pub fn duplicate_ids(files: &[Result<PathBuf, Diagnostic>]) -> Vec<Option<String>> {
    #[derive(serde::Deserialize)]
    struct IdOnly {
        patient: PatientId,
    }
    #[derive(serde::Deserialize)]
    struct PatientId {
        id: String,
    }
    let ids: Vec<Option<String>> = files
        .par_iter()
        .map(|file| {
            let path = file.as_ref().ok()?;
            let text = std::fs::read_to_string(path).ok()?;
            toml::from_str::<IdOnly>(&text).ok().map(|r| r.patient.id)
        })
        .collect();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            let id = id.as_ref()?;
            let folder = output::safe_name(id).to_lowercase();
            match seen.get(&folder) {
                Some(&first) => Some(format!(
                    "patient id \"{id}\" is also used by {}; ids must be unique within a batch",
                    files[first]
                        .as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default()
                )),
                None => {
                    seen.insert(folder, i);
                    None
                }
            }
        })
        .collect()
}

/// The row of a file that discovery could not read.
pub fn unreadable(d: &Diagnostic) -> (BatchRow, Option<PatientDigest>) {
    let outcome = Outcome {
        file: PathBuf::from(&d.file),
        result: Err(d.clone()),
    };
    (batch_row(&outcome, &Rendered::failed(d.one_line())), None)
}

/// Loads, checks, plans, typesets and writes one record: its batch row, and
/// its digest when it was rendered. `duplicate` is the message when another
/// record of the batch already uses its patient id. A panic is contained to
/// the record. This is what a render worker does, in a thread of this
/// process or in a worker process (`medreview worker`).
pub fn process_record(
    path: &Path,
    duplicate: Option<&str>,
    out: &Path,
    typesetter: &Typesetter,
    kb: &Knowledge,
    incremental: bool,
    timings: &Timings,
) -> (BatchRow, Option<PatientDigest>) {
    let began = std::time::Instant::now();
    let outcome = Outcome {
        file: path.to_owned(),
        result: contain_panic(path, || {
            if let Some(message) = duplicate {
                return Err(Diagnostic::whole_file(path, message));
            }
            record::load(path).map(|record| {
                let regimen = Regimen::new(record, kb);
                let checked = checks::run(&regimen, kb);
                Reviewed { regimen, checked }
            })
        }),
    };
    let reviewed_at = std::time::Instant::now();
    timings
        .review_ns
        .fetch_add(nanos(reviewed_at - began), Ordering::Relaxed);
    let rendered = match &outcome.result {
        Ok(reviewed) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            render_one(reviewed, &outcome, out, typesetter, kb, incremental)
        }))
        .unwrap_or_else(|_| {
            Rendered::failed(
                "internal error while rendering (a bug in medreview; please report it)".into(),
            )
        }),
        Err(d) => Rendered::failed(d.one_line()),
    };
    timings
        .render_ns
        .fetch_add(nanos(reviewed_at.elapsed()), Ordering::Relaxed);
    let digest = match (&outcome.result, &rendered.error) {
        (Ok(reviewed), None) => Some(PatientDigest::of(&reviewed.regimen, &reviewed.checked)),
        _ => None,
    };
    (batch_row(&outcome, &rendered), digest)
}

pub fn nanos(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// The name of the file beside a packet that records what it was made from.
const INPUTS_FILE: &str = ".medreview-inputs";

fn render_one(
    reviewed: &Reviewed,
    outcome: &Outcome,
    out: &Path,
    typesetter: &Typesetter,
    kb: &Knowledge,
    incremental: bool,
) -> Rendered {
    let record = &reviewed.regimen.record;
    let dir = output::patient_dir(out, &record.patient.id);
    // What the packet is made from: the record file, the knowledge base,
    // the templates and this version of medreview.
    let inputs = std::fs::read(&outcome.file).ok().map(|bytes| {
        format!(
            "{:016x} {} {:016x} {}\n",
            output::fnv1a_64(&bytes),
            kb.version(),
            typesetter.templates_hash(),
            env!("CARGO_PKG_VERSION")
        )
    });
    if incremental
        && inputs.is_some()
        && std::fs::read_to_string(dir.join(INPUTS_FILE)).ok() == inputs
        && dir.join("findings.json").is_file()
        && dir.join("summary.pdf").is_file()
    {
        let documents = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".pdf"))
                    .count()
            })
            .unwrap_or(0);
        return Rendered {
            folder: Some(dir.clone()),
            skipped: true,
            documents,
            replaced: 0,
            error: None,
        };
    }
    let fail = |error: String| Rendered {
        folder: Some(dir.clone()),
        skipped: false,
        documents: 0,
        replaced: 0,
        error: Some(error),
    };
    let packet = report::plan(&reviewed.regimen, &reviewed.checked, kb);
    let (files, replaced) =
        match report::render(&packet, typesetter, record.review.date, &record.patient.id) {
            Ok(p) => (p.files, p.replaced),
            Err(e) => {
                // Nothing from an earlier run may look current.
                let _ = output::remove_outputs(&dir);
                return fail(e.to_string());
            }
        };
    let json = serde_json::to_vec_pretty(&outcome.to_json(kb)).expect("findings serialise");
    let written = (|| -> std::io::Result<()> {
        output::create_patient_dir(&dir)?;
        for file in &files {
            output::write_atomic(&dir, &file.name, &file.bytes)?;
        }
        output::write_atomic(&dir, "findings.json", &json)?;
        let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
        output::remove_stale_letters(&dir, &names)?;
        // Written last: a packet only counts as current once all of it is.
        match &inputs {
            Some(inputs) => output::write_atomic(&dir, INPUTS_FILE, inputs.as_bytes()),
            None => Ok(()),
        }
    })();
    if written.is_err() {
        // Nothing from an earlier run may look current.
        let _ = output::remove_outputs(&dir);
    }
    match written {
        Ok(()) => Rendered {
            folder: Some(dir.clone()),
            skipped: false,
            documents: files.len(),
            replaced,
            error: None,
        },
        Err(e) => fail(format!("cannot write {}: {e}", dir.display())),
    }
}

/// The batch summary row of one record.
pub fn batch_row(o: &Outcome, r: &Rendered) -> BatchRow {
    let [minor, moderate, major, contraindicated] = o.counts();
    let dismissed = o.result.as_ref().map_or(0, |x| {
        x.checked
            .findings
            .iter()
            .filter(|f| f.is_dismissed())
            .count()
    });
    BatchRow {
        file: o.file.display().to_string(),
        patient: o
            .result
            .as_ref()
            .ok()
            .map(|x| x.regimen.record.patient.id.clone()),
        status: if r.error.is_none() { "ok" } else { "failed" }.to_owned(),
        skipped: r.skipped,
        folder: r
            .folder
            .as_ref()
            .and_then(|f| f.file_name())
            .map(|f| f.to_string_lossy().into_owned()),
        documents: r.documents,
        unprintable_characters: r.replaced,
        contraindicated,
        major,
        moderate,
        minor,
        dismissed,
        error: r.error.clone(),
        load_error_at: o.result.as_ref().err().map(|d| (d.line, d.column)),
    }
}
