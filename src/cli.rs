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
