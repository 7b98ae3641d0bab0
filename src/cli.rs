//! The command line: every clap definition, with doc comments as help text.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::checks::Severity;

/// Batch medication reviews: reads review records (TOML), runs the safety
/// checks, and writes per patient a plain-language summary, letters to
/// prescribers and a reviewer's appendix (PDF). Runs offline.
#[derive(Debug, Parser)]
#[command(name = "medreview", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load, check and render every record into PDF packets.
    Render {
        /// Record files, or folders searched recursively for `*.toml`.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Folder to write into: one folder per patient, plus the batch summary.
        #[arg(long, short, value_name = "DIR")]
        out: PathBuf,
        /// Documents typeset at once (default: the number of cores).
        #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
        jobs: Option<u16>,
        /// Use the Typst templates in DIR (summary.typ, letter.typ,
        /// appendix.typ) instead of the built-in ones.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// Render only share K of N of the batch (1-based, e.g. 2/8), for N
        /// machines writing into the same output layout; combine their
        /// summaries afterwards with `medreview merge DIR`.
        #[arg(long, value_name = "K/N", value_parser = parse_shard)]
        shard: Option<(usize, usize)>,
        /// Skip typesetting a patient whose record, knowledge base,
        /// templates and medreview version are unchanged since the last run
        /// into the same folder.
        #[arg(long)]
        incremental: bool,
        /// Print nothing but errors (no progress, no summary).
        #[arg(long, short)]
        quiet: bool,
        /// Permissions of the files written, in octal (default 600: the
        /// owner only; 640 lets the owner's group read). Folders get the
        /// same, with x where r is set (600 gives 700, 640 gives 750).
        #[arg(long, value_name = "OCTAL", value_parser = parse_mode)]
        mode: Option<u32>,
        /// Write where the time went (JSON) to FILE, for the benchmark.
        #[arg(long, value_name = "FILE", hide = true)]
        timings: Option<PathBuf>,
        /// Typeset on threads of this process instead of worker processes
        /// (for comparison: slower, see `src/workers.rs`).
        #[arg(long, hide = true)]
        threads: bool,
    },
    /// A render worker process, started by `render` (see `src/workers.rs`):
    /// reads record requests on standard input, answers on standard output.
    #[command(hide = true)]
    Worker {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        #[arg(long)]
        incremental: bool,
        #[arg(long, value_name = "OCTAL", value_parser = parse_mode)]
        mode: Option<u32>,
    },
    /// Combine the batch summaries of the shards in DIR (written by
    /// `render --shard K/N`) into one, with the program overview and the
    /// prescriber digests.
    Merge {
        /// The output folder the shards rendered into.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Load and check only: a readable report, or JSON with --json.
    Check {
        /// Record files, or folders searched recursively for `*.toml`.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Print the JSON of findings.md to standard output.
        #[arg(long)]
        json: bool,
        /// Exit with status 1 when a finding (not dismissed) is at least this
        /// severe.
        #[arg(long, value_name = "SEVERITY")]
        fail_on: Option<SeverityArg>,
    },
    /// Explain what a check does, why, with an example and references.
    Explain {
        /// A check name, such as `same-ingredient`; `list` lists them all.
        #[arg(value_name = "CHECK")]
        check: String,
    },
    /// Show what the knowledge base knows: counts per kind, or how a
    /// medicine name resolves and what is known about each ingredient.
    Knowledge {
        /// A medicine name as on a label ("Tylenol PM", "lisinopril 10mg").
        #[arg(value_name = "NAME")]
        name: Option<String>,
    },
    /// Write a commented example record to start from.
    Init {
        /// Where to write it (standard output when omitted). An existing
        /// file is never overwritten.
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
}

/// A severity on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SeverityArg {
    Minor,
    Moderate,
    Major,
    Contraindicated,
}

impl From<SeverityArg> for Severity {
    fn from(arg: SeverityArg) -> Severity {
        match arg {
            SeverityArg::Minor => Severity::Minor,
            SeverityArg::Moderate => Severity::Moderate,
            SeverityArg::Major => Severity::Major,
            SeverityArg::Contraindicated => Severity::Contraindicated,
        }
    }
}

/// Parses `K/N` with 1 <= K <= N.
fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let (k, n) = text
        .split_once('/')
        .ok_or_else(|| format!("expected K/N, like 1/4, not \"{text}\""))?;
    let k: usize = k
        .trim()
        .parse()
        .map_err(|_| format!("K in \"{text}\" is not a number"))?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| format!("N in \"{text}\" is not a number"))?;
    if n == 0 || k == 0 || k > n {
        return Err(format!("expected 1 <= K <= N in \"{text}\""));
    }
    Ok((k, n))
}

/// A file mode in octal, no more than the owner's and group's and others'
/// read and write bits (`--mode 640`), and the owner can always read and
/// write.
fn parse_mode(text: &str) -> Result<u32, String> {
    let mode = u32::from_str_radix(text, 8)
        .map_err(|_| format!("`{text}` is not an octal mode like 600 or 640"))?;
    if mode & !0o666 != 0 {
        return Err(format!(
            "`{text}`: only read and write bits (at most 666); folders get x where r is set"
        ));
    }
    if mode & 0o600 != 0o600 {
        return Err(format!(
            "`{text}`: the owner must be able to read and write (6xx)"
        ));
    }
    Ok(mode)
}
