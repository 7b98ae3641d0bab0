//! medreview: batch medication reviews.
//!
//! Reads review records (TOML), resolves every medicine against the
//! embedded knowledge base, runs the safety checks, and writes per patient a
//! plain-language summary, a letter to each prescriber with something to act
//! on, and a reviewer's appendix, as tagged PDF.
//!
//! The stages, each in one place:
//!
//! ```text
//! discover → load    → resolve   → check    → plan     → render  → write
//! pipeline   record    regimen     checks     report::   report::  output
//!                      knowledge              view       typeset
//! ```

pub mod batch;
pub mod checks;
pub mod cli;
pub mod diagnostic;
pub mod fuzz;
pub mod knowledge;
pub mod output;
pub mod pipeline;
pub mod process;
pub mod progress;
pub mod readability;
pub mod record;
pub mod regimen;
pub mod report;
pub mod stream;
pub mod suggest;
pub mod synthetic;
pub mod workers;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use checks::Severity;
use cli::{Cli, Command};
use knowledge::Knowledge;
use pipeline::Outcome;

/// The commented example record `medreview init` writes.
pub const EXAMPLE_RECORD: &str = include_str!("record/example.toml");

pub use process::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};

/// Runs a parsed command line; returns the exit status.
pub fn run(cli: Cli) -> i32 {
    // A panic is contained to its record; its message may quote the record,
    // so only where it happened is printed.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()));
        eprintln!(
            "internal error{} (a bug in medreview; please report it)",
            at.unwrap_or_default()
        );
    }));
    // A worker answers on standard output from a thread of its own: the
    // lock below must not be held.
    if let Command::Worker {
        out,
        templates,
        incremental,
        mode,
    } = cli.command
    {
        return work(out, templates, incremental, mode);
    }
    let stdout = &mut std::io::stdout().lock();
    match cli.command {
        Command::Render {
            paths,
            out,
            jobs,
            templates,
            shard,
            incremental,
            quiet,
            mode,
            timings,
            threads,
        } => {
            if let Some(mode) = mode {
                output::set_file_mode(mode);
            }
            let options = RenderOptions {
                jobs: jobs.map(usize::from).unwrap_or_else(default_jobs),
                templates,
                shard,
                incremental,
                quiet,
                progress: !quiet && std::io::stderr().is_terminal(),
                timings,
                worker: if threads || !cfg!(unix) {
                    None
                } else {
                    std::env::current_exe().ok()
                },
            };
            render(&paths, &out, &options, stdout)
        }
        Command::Worker { .. } => unreachable!("handled above"),
        Command::Merge { dir } => merge(&dir, stdout),
        Command::Check {
            paths,
            json,
            fail_on,
        } => check(&paths, json, fail_on.map(Severity::from), stdout),
        Command::Explain { check } => explain(&check, stdout),
        Command::Init { file } => init(file.as_deref(), stdout),
        Command::Knowledge { name } => knowledge(name.as_deref(), stdout),
    }
}

/// `medreview worker`: a render worker process (`src/workers.rs`).
fn work(out: PathBuf, templates: Option<PathBuf>, incremental: bool, mode: Option<u32>) -> i32 {
    if let Some(mode) = mode {
        output::set_file_mode(mode);
    }
    // Typst recurses deeply on some layouts: the worker serves on a thread
    // with the stack the render threads have.
    std::thread::Builder::new()
        .name("worker".into())
        .stack_size(32 * 1024 * 1024)
        .spawn(move || workers::serve(&out, templates.as_deref(), incremental))
        .expect("the worker thread starts")
        .join()
        .unwrap_or(EXIT_FAILED)
}

fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// How `medreview render` runs.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Documents typeset at once.
    pub jobs: usize,
    /// A clinic's own templates instead of the built-in ones.
    pub templates: Option<PathBuf>,
    /// Only share K of N (1-based) of the batch.
    pub shard: Option<(usize, usize)>,
    /// Skip typesetting patients whose inputs are unchanged.
    pub incremental: bool,
    /// Nothing on standard output but errors.
    pub quiet: bool,
    /// A progress line on standard error (when it is a terminal).
    pub progress: bool,
    /// Write the timings of the run (JSON) here.
    pub timings: Option<PathBuf>,
    /// The medreview executable to start worker processes of when `jobs`
    /// is more than one (`medreview worker`); `None` typesets on threads
    /// of this process (a library caller, or `--threads`).
    pub worker: Option<PathBuf>,
}

/// `medreview render`.
pub fn render(paths: &[PathBuf], out: &Path, options: &RenderOptions, w: &mut dyn Write) -> i32 {
    let start = Instant::now();
    let jobs = options.jobs.max(1);
    // Typst's own threads run on the global rayon pool: keep it at least as
    // large as the number of render workers.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(default_jobs()))
        .build_global();
    let typesetter = match report::Typesetter::new(options.templates.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    if let Err(e) = output::create_private_dir(out) {
        eprintln!(
            "error: cannot create the output folder {}: {e}",
            out.display()
        );
        return EXIT_USAGE;
    }
    // A run killed in the middle leaves half-written temporaries (never a
    // half-written file under a final name): they go now. Shards share the
    // output folder and may be writing there at this moment, so they clear
    // only their own patients' folders.
    if options.shard.is_none() {
        let _ = output::remove_stale_temporaries(out);
    }
    let suffix = options
        .shard
        .map_or_else(String::new, |(k, n)| format!("-{k}-of-{n}"));
    let journal = out.join(format!("batch-progress{suffix}.csv"));
    let spool = out.join(format!(".medreview-digests{suffix}.jsonl"));
    let kb = Knowledge::embedded();
    let mut files = pipeline::discover(paths);
    if let Some((k, n)) = options.shard {
        files = pipeline::shard(files, k, n);
    }
    let total = files.len();
    let timings = pipeline::Timings::default();
    let mut bar = progress::Bar::new(total, options.progress);
    let (rows, digests) = stream::render_stream(
        &files,
        out,
        &typesetter,
        kb,
        &stream::StreamOptions {
            jobs,
            incremental: options.incremental,
            journal: Some(journal.clone()),
            spool: Some(spool.clone()),
            processes: options.worker.clone().filter(|_| jobs > 1).map(|exe| {
                workers::WorkerCommand::new(
                    exe,
                    out,
                    options.templates.as_deref(),
                    options.incremental,
                )
            }),
        },
        &timings,
        &mut |done| bar.update(done),
    );
    bar.finish();
    let failed: Vec<&output::BatchRow> = rows.iter().filter(|r| r.error.is_some()).collect();
    let skipped = rows.iter().filter(|r| r.skipped).count();
    let summary = output::BatchSummary {
        records: rows.len(),
        rendered: rows.len() - failed.len(),
        failed: failed.len(),
        skipped,
        knowledge_version: kb.version(),
        shard: options.shard.map(|(k, n)| format!("{k}/{n}")),
        rows: &rows,
    };
    let written = match options.shard {
        // A shard writes its own summary and digests; `merge` makes the
        // batch documents from all of them.
        Some((k, n)) => output::write_batch_summary(out, &format!("-{k}-of-{n}"), &summary)
            .and_then(|()| batch::write_digests(out, &format!("-{k}-of-{n}"), &digests)),
        None => output::write_batch_summary(out, "", &summary).and_then(|()| {
            batch::write_batch_documents(out, &typesetter, &summary, &digests, jobs)
                .map_err(std::io::Error::other)
        }),
    };
    if written.is_ok() {
        // The summary now says what the journal said, and more.
        let _ = std::fs::remove_file(&journal);
    }
    drop(digests);
    let _ = std::fs::remove_file(&spool);
    if let Some(path) = &options.timings {
        let (compile, export) = typesetter.engine_time();
        let json = serde_json::json!({
            "records": total,
            "jobs": jobs,
            "wall_s": start.elapsed().as_secs_f64(),
            "first_packet_s": timings.first_packet_ns.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1e9,
            "review_s": timings.review_ns.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1e9,
            "render_s": timings.render_ns.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1e9,
            "typst_compile_s": compile.as_secs_f64(),
            "typst_export_s": export.as_secs_f64(),
            "pages": typesetter.pages(),
            "peak_rss_mb": peak_rss_mb(),
            "workers_peak_rss_mb": timings.workers_peak_kb.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1024.0,
            "workers_started": timings.workers_started.load(std::sync::atomic::Ordering::Relaxed),
        });
        let _ = std::fs::write(path, json.to_string());
    }

    // Console output names files and patient ids only: no names, no medicines.
    if !options.quiet {
        for row in &rows {
            match &row.error {
                None => {
                    let _ = writeln!(
                        w,
                        "{}  {}  patient {}  {} documents  {}{}",
                        if row.skipped { "same  " } else { "ok    " },
                        shown(&row.file),
                        shown(row.patient.as_deref().unwrap_or("?")),
                        row.documents,
                        severity_counts(&[row.minor, row.moderate, row.major, row.contraindicated]),
                        match row.unprintable_characters {
                            0 => String::new(),
                            n => format!("  (unprintable characters shown as \u{FFFD}: {n})"),
                        }
                    );
                }
                Some(_) => {
                    let _ = writeln!(w, "failed  {}", shown(&row.file));
                }
            }
        }
        let _ = writeln!(
            w,
            "\nrendered {} of {} records into {} in {:.1} s{}",
            summary.rendered,
            summary.records,
            out.display(),
            start.elapsed().as_secs_f64(),
            match skipped {
                0 => String::new(),
                n => format!(" ({n} unchanged since the last run, not typeset again)"),
            }
        );
    }
    if let Err(e) = written {
        eprintln!("error: cannot write the batch summary and documents: {e}");
        return EXIT_FAILED;
    }
    if failed.is_empty() {
        return EXIT_OK;
    }
    // The messages themselves can quote the record (a medicine, a note):
    // they go to the private batch summary, and `check` shows them.
    let _ = writeln!(
        w,
        "\n{} failed (details: `medreview check FILE`, or {}):",
        failed.len(),
        out.join("batch-summary.csv").display()
    );
    for row in rows.iter().filter(|r| r.error.is_some()) {
        let _ = match row.load_error_at {
            Some((line, column)) if line > 0 => writeln!(
                w,
                "  {}:{line}:{column}: the record does not load",
                shown(&row.file)
            ),
            Some(_) => writeln!(w, "  {}: the record does not load", shown(&row.file)),
            None => writeln!(
                w,
                "  {}: the documents could not be produced",
                shown(&row.file)
            ),
        };
    }
    EXIT_FAILED
}

/// A file name or id as the console shows it: control characters (which a
/// terminal would obey: colours, a cleared screen) and characters that
/// reorder text are shown escaped, as `\u{1b}`.
pub fn shown(text: &str) -> String {
    text.chars()
        .map(|c| {
            if report::typeset::is_reordering_or_control(c) || c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// [`shown`] line by line: a diagnostic keeps its lines, while what the
/// record wrote in them cannot steer the terminal.
pub fn shown_lines(text: &str) -> String {
    text.lines().map(shown).collect::<Vec<_>>().join("\n")
}

/// The peak resident memory of this process in MB (Linux: `VmHWM` of
/// `/proc/self/status`), or `None` where that is not available.
fn peak_rss_mb() -> Option<f64> {
    process::peak_rss_kb().map(|kb| kb as f64 / 1024.0)
}

/// `medreview merge`: the shards' summaries and digests combined.
pub fn merge(dir: &Path, w: &mut dyn Write) -> i32 {
    let typesetter = match report::Typesetter::new(None) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    match batch::merge(dir, &typesetter) {
        Ok(merged) => {
            let _ = writeln!(
                w,
                "merged {} shards of {}: {} records, {} rendered, {} failed",
                merged.shards, merged.of, merged.records, merged.rendered, merged.failed
            );
            if merged.failed > 0 {
                EXIT_FAILED
            } else {
                EXIT_OK
            }
        }
        Err(e) if e.starts_with("only ") => {
            eprintln!("error: {e}");
            EXIT_FAILED
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
    }
}

fn severity_counts(counts: &[usize; 4]) -> String {
    let parts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .zip(counts.iter().rev())
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    if parts.is_empty() {
        "no open findings from the checks run".into()
    } else {
        parts.join(", ")
    }
}

/// `medreview check`.
pub fn check(paths: &[PathBuf], json: bool, fail_on: Option<Severity>, w: &mut dyn Write) -> i32 {
    let kb = Knowledge::embedded();
    let outcomes = pipeline::review(pipeline::discover(paths), kb);
    if json {
        let all: Vec<_> = outcomes.iter().map(|o| o.to_json(kb)).collect();
        let _ = serde_json::to_writer_pretty(&mut *w, &all);
        let _ = writeln!(w);
    } else {
        for o in &outcomes {
            print_check(o, w);
        }
    }
    let failed = outcomes.iter().any(|o| o.result.is_err());
    let tripped = fail_on.is_some_and(|level| {
        outcomes
            .iter()
            .filter_map(|o| o.result.as_ref().ok())
            .any(|r| {
                r.checked
                    .findings
                    .iter()
                    .any(|f| !f.is_dismissed() && f.severity >= level)
            })
    });
    if failed || tripped {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

/// The readable report of one record. It names findings (and so medicines):
/// that is what `check` is asked for. `render` prints ids only.
fn print_check(o: &Outcome, w: &mut dyn Write) {
    match &o.result {
        Err(d) => {
            let _ = writeln!(w, "error: {}\n", shown_lines(&d.to_string()));
        }
        Ok(r) => {
            let dismissed = r
                .checked
                .findings
                .iter()
                .filter(|f| f.is_dismissed())
                .count();
            let _ = writeln!(
                w,
                "{}  patient {}: {}{}",
                shown(&o.file.display().to_string()),
                shown(&r.regimen.record.patient.id),
                severity_counts(&o.counts()),
                if dismissed > 0 {
                    format!(" ({dismissed} dismissed)")
                } else {
                    String::new()
                }
            );
            for f in &r.checked.findings {
                let dismissed = if f.is_dismissed() {
                    "  (dismissed)"
                } else {
                    ""
                };
                let _ = writeln!(
                    w,
                    "  {:<16} {}  {}{dismissed}",
                    f.severity.as_str(),
                    shown(&f.id),
                    shown(&f.title)
                );
            }
            for warning in &r.checked.warnings {
                let _ = writeln!(w, "  warning: {}", shown(warning));
            }
            let _ = writeln!(w);
        }
    }
}

/// `medreview explain`.
pub fn explain(name: &str, w: &mut dyn Write) -> i32 {
    if name == "list" {
        for c in checks::REGISTRY {
            let _ = writeln!(
                w,
                "{:<20} {}",
                c.doc().name,
                first_sentence(c.doc().summary)
            );
        }
        for (n, what) in checks::NOT_YET {
            let _ = writeln!(w, "{n:<20} not in this version yet: {what}");
        }
        return EXIT_OK;
    }
    if let Some(doc) = checks::doc(name) {
        let _ = writeln!(
            w,
            "{}\n\nWhat it checks\n  {}\n\nWhy it matters\n  {}\n\nExample record\n{}\n\nReferences",
            doc.name,
            doc.summary,
            doc.why,
            doc.example
                .lines()
                .map(|l| format!("  {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        for r in doc.references {
            let _ = writeln!(w, "  - {r}");
        }
        return EXIT_OK;
    }
    if let Some((n, what)) = checks::NOT_YET.iter().find(|(n, _)| *n == name) {
        let _ = writeln!(
            w,
            "{n}\n\nThis check is not in this version of medreview yet: it does not look for \
             {what}. Review this by hand; the absence of a finding does not mean there is none."
        );
        return EXIT_OK;
    }
    let known: Vec<&str> = checks::REGISTRY
        .iter()
        .map(|c| c.doc().name)
        .chain(checks::NOT_YET.iter().map(|(n, _)| *n))
        .collect();
    eprintln!(
        "error: no check is called \"{name}\"; the checks are: {}",
        known.join(", ")
    );
    EXIT_USAGE
}

fn first_sentence(text: &str) -> &str {
    text.split_once(". ").map_or(text, |(first, _)| first)
}

/// `medreview knowledge`: counts per kind, or what a name resolves to.
/// Exit status 1 when the name is not (fully) recognised.
pub fn knowledge(name: Option<&str>, w: &mut dyn Write) -> i32 {
    use knowledge::{IngredientKind, ProductType};
    let kb = Knowledge::embedded();
    let Some(name) = name else {
        let count_kind = |k: IngredientKind| kb.ingredients().filter(|i| i.kind == k).count();
        let count_type = |t: ProductType| kb.products().iter().filter(|p| p.kind == t).count();
        let duplicate = kb.classes().filter(|c| c.duplicate).count();
        let _ = writeln!(w, "knowledge base {}", kb.version());
        let _ = writeln!(
            w,
            "ingredients: {} (medicines {}, vitamins {}, minerals {}, herbs {}, supplements {})",
            kb.ingredients().count(),
            count_kind(IngredientKind::Medicine),
            count_kind(IngredientKind::Vitamin),
            count_kind(IngredientKind::Mineral),
            count_kind(IngredientKind::Herb),
            count_kind(IngredientKind::Supplement)
        );
        let _ = writeln!(
            w,
            "products: {} (prescription {}, over the counter {}, supplements {}, herbal {})",
            kb.products().len(),
            count_type(ProductType::Prescription),
            count_type(ProductType::Otc),
            count_type(ProductType::Supplement),
            count_type(ProductType::Herbal)
        );
        let _ = writeln!(
            w,
            "classes: {} ({duplicate} duplicate-therapy groups, {} others)",
            kb.classes().count(),
            kb.classes().count() - duplicate
        );
        let spacing = kb
            .interactions()
            .iter()
            .filter(|r| r.check == knowledge::PairCheck::HerbFood)
            .count();
        let _ = writeln!(
            w,
            "rules: {} pair rules ({} interaction, {spacing} herb-food spacing), {} food, drink \
             and habit rules, {} allergy groups, {} lower limits, {} intended combinations",
            kb.interactions().len(),
            kb.interactions().len() - spacing,
            kb.foods().len(),
            kb.allergies().len(),
            kb.limits().len(),
            kb.intended_combinations().len()
        );
        let _ = writeln!(
            w,
            "patient rules: {} renal, {} hepatic, {} older-adult, {} usual durations; {} \
             symptoms with {} side-effect rules; {} conditions",
            kb.renal_rules().len(),
            kb.hepatic_rules().len(),
            kb.older_adult_rules().len(),
            kb.duration_rules().len(),
            kb.symptoms().len(),
            kb.side_effect_rules().len(),
            kb.condition_count()
        );
        return EXIT_OK;
    };
    let r = kb.resolve(name, None);
    if r.is_unknown() {
        let _ = writeln!(
            w,
            "\"{name}\" is not in the knowledge base {}",
            kb.version()
        );
        if let Some(near) = &r.suggestion {
            let _ = writeln!(w, "did you mean \"{near}\"?");
        }
        return EXIT_FAILED;
    }
    match &r.product {
        Some(p) => {
            let per = r
                .per
                .as_deref()
                .map(|p| format!(" (amounts per {p})"))
                .unwrap_or_default();
            let _ = writeln!(w, "\"{name}\" is the product \"{p}\"{per}:");
        }
        None => {
            let _ = writeln!(w, "\"{name}\" names:");
        }
    }
    for ri in &r.ingredients {
        let Some(i) = kb.ingredient(&ri.name) else {
            continue;
        };
        let amount = ri
            .amount
            .map(|a| format!(" {} {}", a.amount, a.unit.as_str()))
            .unwrap_or_default();
        let _ = writeln!(w, "\n  {}{amount}", i.name);
        let _ = writeln!(w, "    purpose: {}", i.purpose);
        let classes: Vec<String> = kb
            .classes_of(&i.name)
            .iter()
            .map(|c| {
                kb.class(c)
                    .map_or_else(|| c.clone(), |k| format!("{c} ({})", k.name))
            })
            .collect();
        if !classes.is_empty() {
            let _ = writeln!(w, "    classes: {}", classes.join(", "));
        }
        if let Some(max) = i.max_daily {
            let _ = writeln!(
                w,
                "    labelled maximum per day: {} {}",
                max.amount,
                max.unit.as_str()
            );
        }
        if let Some(days) = i.short_term_days {
            let _ = writeln!(w, "    usual longest course: {days} days");
        }
        let named = |s: &str, except: &[String]| kb.matches(s, except, &i.name);
        let pairs: Vec<&str> = kb
            .interactions()
            .iter()
            .filter(|r| r.between.iter().any(|s| named(s, &r.except)))
            .map(|r| r.id.as_str())
            .collect();
        if !pairs.is_empty() {
            let _ = writeln!(w, "    pair rules: {}", pairs.join(", "));
        }
        let foods: Vec<&str> = kb
            .foods()
            .iter()
            .filter(|r| named(&r.medicine, &r.except))
            .map(|r| r.id.as_str())
            .collect();
        if !foods.is_empty() {
            let _ = writeln!(w, "    food, drink and habit rules: {}", foods.join(", "));
        }
        for (table, rules) in [
            ("renal", kb.renal_rules()),
            ("hepatic", kb.hepatic_rules()),
            ("older-adult", kb.older_adult_rules()),
        ] {
            let ids: Vec<&str> = rules
                .iter()
                .filter(|r| named(&r.subject, &r.except))
                .map(|r| r.id.as_str())
                .collect();
            if !ids.is_empty() {
                let _ = writeln!(w, "    {table} rules: {}", ids.join(", "));
            }
        }
        let durations: Vec<&str> = kb
            .duration_rules()
            .iter()
            .filter(|r| named(&r.subject, &r.except))
            .map(|r| r.id.as_str())
            .collect();
        if !durations.is_empty() {
            let _ = writeln!(w, "    usual-duration rules: {}", durations.join(", "));
        }
        let effects: Vec<&str> = kb
            .side_effect_rules()
            .iter()
            .filter(|r| r.subjects.iter().any(|s| named(s, &r.except)))
            .map(|r| r.symptom.as_str())
            .collect();
        if !effects.is_empty() {
            let _ = writeln!(w, "    side effects known: {}", effects.join(", "));
        }
        for source in &i.sources {
            let _ = writeln!(w, "    source: {source}");
        }
    }
    if r.is_partial() {
        let _ = writeln!(
            w,
            "\nnot recognised: {} (the product may contain more)",
            r.unrecognised.join(" ")
        );
        return EXIT_FAILED;
    }
    EXIT_OK
}

/// `medreview init`.
pub fn init(file: Option<&Path>, w: &mut dyn Write) -> i32 {
    let Some(file) = file else {
        let _ = w.write_all(EXAMPLE_RECORD.as_bytes());
        return EXIT_OK;
    };
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file)
        .and_then(|mut f| f.write_all(EXAMPLE_RECORD.as_bytes()));
    match created {
        Ok(()) => {
            let _ = writeln!(w, "wrote an example record to {}", file.display());
            EXIT_OK
        }
        Err(e) => {
            eprintln!(
                "error: cannot create {}: {e} (an existing file is never overwritten)",
                file.display()
            );
            EXIT_USAGE
        }
    }
}
