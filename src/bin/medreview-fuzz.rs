//! The fuzzer (issue 8): runs [`medreview::fuzz::exercise`] on cases made
//! by [`medreview::fuzz::Mutator`] from the sample records, for as long as
//! asked, and keeps every input that panics.
//!
//! ```sh
//! cargo run --release --bin medreview-fuzz -- --seconds 3600
//! ```
//!
//! A panicking input is written to `tests/medreview/fuzz-regressions/`
//! (named by its hash), where the test suite replays it from then on. An
//! input that kills the process outright (a stack overflow) cannot be
//! caught: the case being run is always in `medreview-fuzz-current.toml`
//! under the system's temporary folder, to be copied there by hand.

use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use medreview::fuzz::{Mutator, Outcome, exercise};
use medreview::knowledge::Knowledge;

#[derive(Parser)]
#[command(about = "Fuzzes medreview's reading, checks and view model")]
struct Args {
    /// How long to run.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// The random seed (the same seed makes the same cases).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where inputs that panic are kept.
    #[arg(long, default_value = "tests/medreview/fuzz-regressions")]
    out: PathBuf,
    /// Folders of seed records.
    #[arg(long, default_values = ["sample-data", "sample-data/invalid"])]
    seeds: Vec<PathBuf>,
}

fn main() {
    let args = Args::parse();
    let mut seeds = Vec::new();
    for dir in &args.seeds {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for file in files {
            if file.extension().is_some_and(|x| x == "toml")
                && let Ok(text) = std::fs::read_to_string(&file)
            {
                seeds.push(text);
            }
        }
    }
    seeds.push(medreview::EXAMPLE_RECORD.to_owned());
    let kb = Knowledge::embedded();
    let mut mutator = Mutator::new(seeds, args.seed);
    let current = std::env::temp_dir().join("medreview-fuzz-current.toml");

    // Panics are caught and reported here, not printed by the default hook.
    let message: Arc<Mutex<String>> = Arc::default();
    let hook_message = Arc::clone(&message);
    std::panic::set_hook(Box::new(move |info| {
        *hook_message.lock().unwrap_or_else(|e| e.into_inner()) = info.to_string();
    }));

    let start = Instant::now();
    let deadline = start + Duration::from_secs(args.seconds);
    let mut next_report = start + Duration::from_secs(10);
    let (mut runs, mut not_text, mut refused, mut checked, mut findings, mut crashes) =
        (0u64, 0u64, 0u64, 0u64, 0u64, 0u64);
    while Instant::now() < deadline {
        let case = mutator.next_case();
        let _ = std::fs::write(&current, &case);
        runs += 1;
        match std::panic::catch_unwind(AssertUnwindSafe(|| exercise(&case, kb))) {
            Ok(Outcome::NotText) => not_text += 1,
            Ok(Outcome::Refused) => refused += 1,
            Ok(Outcome::Checked(n)) => {
                checked += 1;
                findings += n as u64;
            }
            Err(_) => {
                crashes += 1;
                let name = format!("crash-{:016x}.toml", medreview::output::fnv1a_64(&case));
                let _ = std::fs::create_dir_all(&args.out);
                let _ = std::fs::write(args.out.join(&name), &case);
                let message = message.lock().unwrap_or_else(|e| e.into_inner()).clone();
                println!(
                    "panic, kept as {}: {message}",
                    args.out.join(name).display()
                );
            }
        }
        if Instant::now() >= next_report {
            next_report += Duration::from_secs(10);
            report(start, runs, not_text, refused, checked, findings, crashes);
        }
    }
    report(start, runs, not_text, refused, checked, findings, crashes);
    std::process::exit(i32::from(crashes > 0));
}

fn report(
    start: Instant,
    runs: u64,
    not_text: u64,
    refused: u64,
    checked: u64,
    findings: u64,
    crashes: u64,
) {
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{seconds:.0} s: {runs} runs ({:.0}/s); {checked} loaded and checked ({findings} findings), \
         {refused} refused with a diagnostic, {not_text} not UTF-8; {crashes} panics",
        runs as f64 / seconds.max(1e-9)
    );
    let _ = std::io::stdout().flush();
}
