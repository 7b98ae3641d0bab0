//! The batch benchmark (issue 7): synthetic programs of patients rendered by
//! `medreview render` with 1 and 2 jobs, and the same documents typeset by
//! the `typst` command line once per document, as a user would script it.
//!
//! ```sh
//! cargo build --release
//! target/release/medreview-bench                      # 1,000 and 10,000 patients, jobs 1 and 2
//! target/release/medreview-bench --patients 1000      # a quicker run
//! ```
//!
//! Each configuration runs `medreview render` as its own process (so its
//! peak memory is its own) with `--timings`, which reports Typst's compile
//! and export time, pages and peak resident memory: with more than one job,
//! that of the main process plus each worker process's peak (see
//! `src/workers.rs`), an upper bound of what was resident at once. The
//! columns "tree RSS" and "tree PSS" are sampled from `/proc` five times a
//! second over the main process and its workers: the largest sum of their
//! resident memory (pages they share, such as the executable's code,
//! counted once per process) and of their proportional share of it (PSS:
//! shared pages divided among them; the memory the run really took). The `typst` command
//! line is found on the PATH (`cargo install typst-cli --version 0.15.1`);
//! without it that comparison is skipped and says so. Work files go to
//! `--work DIR` (default: a folder under the system's temporary folder).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use clap::Parser;
use medreview::knowledge::Knowledge;
use medreview::report::{self, Typesetter};

/// The benchmark's options (`medreview-bench --help`).
#[derive(Parser)]
#[command(
    name = "medreview-bench",
    about = "Benchmarks `medreview render` on synthetic programs, and the same documents typeset by the `typst` command line"
)]
struct Args {
    /// Batch sizes to run, in patients, separated by commas.
    #[arg(
        long,
        value_name = "N,N",
        value_delimiter = ',',
        default_value = "1000,10000"
    )]
    patients: Vec<usize>,
    /// Numbers of jobs to run each batch with, separated by commas.
    #[arg(long, value_name = "N,N", value_delimiter = ',', default_value = "1,2")]
    jobs: Vec<usize>,
    /// The random seed of the synthetic records (the same seed makes the
    /// same records).
    #[arg(long, value_name = "N", default_value_t = 2026)]
    seed: u64,
    /// Where the records and outputs go (default: `medreview-bench` under
    /// the system's temporary folder).
    #[arg(long, value_name = "DIR")]
    work: Option<PathBuf>,
    /// Skip the comparison with the `typst` command line.
    #[arg(long)]
    no_typst: bool,
    /// Patients for the comparison with the `typst` command line (it is
    /// slow: a smaller batch gives the same ratio).
    #[arg(long, value_name = "N", default_value_t = 200)]
    typst_patients: usize,
}

/// The `medreview` binary beside this one.
fn medreview() -> PathBuf {
    let me = std::env::current_exe().expect("own path");
    me.with_file_name(format!("medreview{}", std::env::consts::EXE_SUFFIX))
}

/// Writes `n` synthetic records into `dir` (kept between runs).
fn generate(dir: &Path, seed: u64, n: usize) {
    let done = dir.join(".complete");
    if done.is_file() && std::fs::read_to_string(&done).ok() == Some(format!("{seed} {n}")) {
        return;
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("work folder");
    for (name, text) in medreview::synthetic::records(Knowledge::embedded(), seed, n) {
        std::fs::write(dir.join(name), text).expect("write a record");
    }
    std::fs::write(done, format!("{seed} {n}")).expect("write a marker");
}

struct Run {
    wall: f64,
    timings: serde_json::Value,
    /// The largest sum, over `medreview render` and its worker processes,
    /// of their resident memory, and of their proportional share of it
    /// (PSS: a page the processes share, such as the executable's code, is
    /// counted once over all of them), sampled five times a second. `None`
    /// where `/proc` is not available.
    peak_tree: Option<(f64, f64)>,
}

fn render(records: &Path, out: &Path, jobs: usize, timings: &Path) -> Run {
    let _ = std::fs::remove_dir_all(out);
    let start = Instant::now();
    let mut child = Command::new(medreview())
        .arg("render")
        .arg(records)
        .arg("--out")
        .arg(out)
        .arg("--jobs")
        .arg(jobs.to_string())
        .arg("--quiet")
        .arg("--timings")
        .arg(timings)
        .spawn()
        .expect("medreview runs (build it with `cargo build --release`)");
    let mut peak_tree: Option<(f64, f64)> = None;
    let status = loop {
        if let Some(status) = child.try_wait().expect("medreview is waited for") {
            break status;
        }
        if let Some((rss, pss)) = tree_memory_mb(child.id()) {
            let (r, p) = peak_tree.unwrap_or((0.0, 0.0));
            peak_tree = Some((r.max(rss), p.max(pss)));
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let wall = start.elapsed().as_secs_f64();
    assert!(
        status.code().is_some_and(|c| c <= 1),
        "medreview render failed: {status}"
    );
    let timings = serde_json::from_slice(&std::fs::read(timings).expect("timings written"))
        .expect("timings are JSON");
    Run {
        wall,
        timings,
        peak_tree,
    }
}

/// The resident memory and PSS (MB) of process `pid` and its children
/// (the worker processes), from `/proc` (Linux).
fn tree_memory_mb(pid: u32) -> Option<(f64, f64)> {
    let mut pids = vec![pid];
    for entry in std::fs::read_dir("/proc").ok()?.filter_map(Result::ok) {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid ...: the name may hold spaces, so read
        // after its closing parenthesis.
        let parent = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if parent == Some(pid)
            && let Some(child) = entry.file_name().to_str().and_then(|p| p.parse().ok())
        {
            pids.push(child);
        }
    }
    let (mut rss, mut pss) = (0.0, 0.0);
    for p in pids {
        let Ok(rollup) = std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")) else {
            continue;
        };
        let kb = |key: &str| -> f64 {
            rollup
                .lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
                .unwrap_or(0.0)
        };
        rss += kb("Rss:") / 1024.0;
        pss += kb("Pss:") / 1024.0;
    }
    Some((rss, pss))
}

/// Writes every document of every record as a folder the `typst` command
/// line can compile: the templates and that document's `data.json`.
/// Returns the folders with the template each one compiles.
fn typst_inputs(records: &Path, dir: &Path) -> Vec<(PathBuf, &'static str)> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("work folder");
    let kb = Knowledge::embedded();
    let typesetter = Typesetter::new(None).expect("templates");
    let mut jobs = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(records)
        .expect("records")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for file in files {
        let record = medreview::record::load(&file).expect("a synthetic record loads");
        let regimen = medreview::regimen::Regimen::new(record, kb);
        let checked = medreview::checks::run(&regimen, kb);
        let packet = report::plan(&regimen, &checked, kb);
        for (document, _, data) in report::documents(&packet, &typesetter).0 {
            let folder = dir.join(format!("{:07}", jobs.len()));
            std::fs::create_dir_all(&folder).expect("document folder");
            for (name, text) in Typesetter::built_in_templates() {
                std::fs::write(folder.join(name), text).expect("template");
            }
            std::fs::write(folder.join("data.json"), data).expect("data");
            let template = match document {
                report::Document::Summary => "summary.typ",
                report::Document::Letter => "letter.typ",
                _ => "appendix.typ",
            };
            jobs.push((folder, template));
        }
    }
    jobs
}

/// Runs `typst compile` once per document with `xargs -P jobs`.
fn typst_cli(inputs: &[(PathBuf, &str)], fonts: &Path, jobs: usize) -> Option<f64> {
    let list: String = inputs
        .iter()
        .map(|(folder, template)| {
            format!(
                "{} {} --root {}\n",
                folder.join(template).display(),
                folder.join("out.pdf").display(),
                folder.display()
            )
        })
        .collect();
    let list_file = fonts.with_file_name("typst-jobs.txt");
    std::fs::write(&list_file, list).ok()?;
    let start = Instant::now();
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "xargs -P {jobs} -L 1 typst compile --font-path {} --ignore-system-fonts --pdf-standard ua-1 < {}",
            fonts.display(),
            list_file.display()
        ))
        .status()
        .ok()?;
    status.success().then(|| start.elapsed().as_secs_f64())
}

fn typst_available() -> bool {
    Command::new("typst")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn number(v: &serde_json::Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(0.0)
}

fn main() {
    let args = Args::parse();
    let work = args
        .work
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("medreview-bench"));
    std::fs::create_dir_all(&work).expect("work folder");
    println!(
        "medreview-bench: seed {}, work folder {}, {} core(s)",
        args.seed,
        work.display(),
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    println!(
        "\n{:>8} {:>4} {:>9} {:>10} {:>9} {:>8} {:>10} {:>10} {:>10} {:>8} {:>7} {:>7}",
        "patients",
        "jobs",
        "wall s",
        "patients/s",
        "pages/s",
        "first s",
        "peak RSS",
        "tree RSS",
        "tree PSS",
        "typst %",
        "other %",
        "pages"
    );
    let mut per_second: Vec<(usize, usize, f64)> = Vec::new();
    for &n in &args.patients {
        let records = work.join(format!("records-{n}"));
        generate(&records, args.seed, n);
        for &jobs in &args.jobs {
            let out = work.join(format!("out-{n}-{jobs}"));
            let run = render(
                &records,
                &out,
                jobs,
                &work.join(format!("timings-{n}-{jobs}.json")),
            );
            let t = &run.timings;
            let pages = number(t, "pages");
            let typst = number(t, "typst_compile_s") + number(t, "typst_export_s");
            // Typst's share of the worker time: compile and export summed
            // over the workers, against the wall time times the workers.
            let busy = run.wall * jobs as f64;
            println!(
                "{:>8} {:>4} {:>9.1} {:>10.2} {:>9.1} {:>8.2} {:>7.0} MB {:>7.0} MB {:>7.0} MB {:>7.1}% {:>6.1}% {:>7}",
                n,
                jobs,
                run.wall,
                n as f64 / run.wall,
                pages / run.wall,
                number(t, "first_packet_s"),
                // The main process's peak plus each worker process's: an
                // upper bound of what was resident at once.
                number(t, "peak_rss_mb") + number(t, "workers_peak_rss_mb"),
                run.peak_tree.map_or(f64::NAN, |(rss, _)| rss),
                run.peak_tree.map_or(f64::NAN, |(_, pss)| pss),
                100.0 * typst / busy,
                100.0 * (1.0 - typst / busy),
                pages
            );
            per_second.push((n, jobs, n as f64 / run.wall));
            let _ = std::fs::remove_dir_all(&out);
        }
    }
    for &n in &args.patients {
        let rate = |j: usize| {
            per_second
                .iter()
                .find(|(m, k, _)| *m == n && *k == j)
                .map(|(_, _, r)| *r)
        };
        if let (Some(one), Some(two)) = (rate(1), rate(2)) {
            println!("{n} patients: jobs 2 / jobs 1 = {:.2}", two / one);
        }
    }

    if args.no_typst {
        return;
    }
    if !typst_available() {
        println!(
            "\ntypst command line not found on PATH: comparison skipped \
             (install it with `cargo install typst-cli --version 0.15.1`)"
        );
        return;
    }
    let n = args.typst_patients;
    let records = work.join(format!("records-{n}"));
    generate(&records, args.seed, n);
    let fonts = work.join("fonts");
    let _ = std::fs::create_dir_all(&fonts);
    for (i, data) in Typesetter::font_files().iter().enumerate() {
        std::fs::write(fonts.join(format!("font-{i}.ttf")), data).expect("font");
    }
    let inputs = typst_inputs(&records, &work.join("typst-cli"));
    println!(
        "\ntypst command line, once per document ({} documents of {n} patients, same templates and data):",
        inputs.len()
    );
    for &jobs in &args.jobs {
        let out = work.join(format!("out-{n}-{jobs}"));
        let ours = render(
            &records,
            &out,
            jobs,
            &work.join(format!("timings-{n}-{jobs}.json")),
        );
        let _ = std::fs::remove_dir_all(&out);
        let Some(wall) = typst_cli(&inputs, &fonts, jobs) else {
            println!("  jobs {jobs}: typst failed");
            continue;
        };
        println!(
            "  xargs -P {jobs}: {wall:.1} s ({:.2} patients/s); medreview render --jobs {jobs}: {:.1} s ({:.2} patients/s, checks and batch documents included); medreview is {:.2} times as fast",
            n as f64 / wall,
            ours.wall,
            n as f64 / ours.wall,
            wall / ours.wall
        );
    }
}
