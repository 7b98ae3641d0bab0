//! The README's commands as a new user runs them. The README is read here,
//! so it and these checks cannot drift apart:
//!
//! - the Quick start exactly as written (`cargo run` resolved to the binary
//!   cargo would pick, from `Cargo.toml` and `src/bin/` as cargo does),
//!   in a folder holding the sample data;
//! - every `$ command` example prints what the README shows after it;
//! - the shard recipes, as far as they run on one machine: every share of
//!   each recipe, then `merge`;
//! - every `medreview` command line parses, the Usage synopsis lists every
//!   subcommand and flag (and nothing else), and every flag the README
//!   names belongs to one of our programs;
//! - `.ci/run` runs the Development section's command.
//!
//! Commands run through `sh`, with our binaries on `PATH` under their own
//! names, so a line runs as a user would type it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use clap::{CommandFactory, Parser};

use crate::helpers::{folder_of, root, sample_records};

/// A fenced code block of the README, under its nearest heading.
struct Block {
    heading: String,
    lines: Vec<String>,
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).expect("README.md")
}

/// Every fenced code block, with the heading it stands under.
fn blocks() -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut heading = String::new();
    let mut open: Option<Block> = None;
    for line in readme().lines() {
        let fence = line.trim_start().starts_with("```");
        match open.take() {
            Some(block) if fence => blocks.push(block),
            Some(mut block) => {
                block.lines.push(line.to_owned());
                open = Some(block);
            }
            None if fence => {
                open = Some(Block {
                    heading: heading.clone(),
                    lines: Vec::new(),
                })
            }
            None => {
                if line.starts_with('#') {
                    heading = line.trim_start_matches('#').trim().to_owned();
                }
            }
        }
    }
    assert!(
        open.is_none(),
        "README.md has a code block that never closes"
    );
    blocks
}

/// The first block under `heading`.
fn block_under(heading: &str) -> Block {
    blocks()
        .into_iter()
        .find(|b| b.heading == heading)
        .unwrap_or_else(|| panic!("README.md: no code block under {heading}"))
}

/// A command line without its trailing `# comment`; comment lines and blank
/// lines give `None`.
fn command(line: &str) -> Option<&str> {
    let line = line.trim();
    let code = match line.find(" #") {
        Some(at) => &line[..at],
        None => line,
    };
    let code = code.trim();
    (!code.is_empty() && !code.starts_with('#')).then_some(code)
}

/// The binary `cargo run` runs with these options (`--bin NAME`, else the
/// only binary, else `default-run`), decided from `Cargo.toml` and
/// `src/bin/` the way cargo decides it.
fn cargo_run_target(bin: Option<&str>) -> String {
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(root().join("Cargo.toml")).unwrap()).unwrap();
    let package = manifest["package"].as_table().unwrap();
    let mut bins: Vec<String> = manifest
        .get("bin")
        .and_then(|b| b.as_array())
        .into_iter()
        .flatten()
        .map(|b| b["name"].as_str().unwrap().to_owned())
        .collect();
    if package.get("autobins").and_then(|a| a.as_bool()) != Some(false) {
        if root().join("src/main.rs").is_file() {
            bins.push(package["name"].as_str().unwrap().to_owned());
        }
        for entry in std::fs::read_dir(root().join("src/bin"))
            .into_iter()
            .flatten()
        {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|x| x == "rs") {
                bins.push(path.file_stem().unwrap().to_string_lossy().into_owned());
            } else if path.join("main.rs").is_file() {
                bins.push(path.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
    }
    bins.sort();
    bins.dedup();
    match bin {
        Some(name) => {
            assert!(bins.iter().any(|b| b == name), "no binary {name}: {bins:?}");
            name.to_owned()
        }
        None if bins.len() == 1 => bins.remove(0),
        None => package
            .get("default-run")
            .and_then(|d| d.as_str())
            .unwrap_or_else(|| {
                panic!(
                    "`cargo run` could not determine which binary to run \
                     (available: {bins:?}): set `default-run` in Cargo.toml"
                )
            })
            .to_owned(),
    }
}

/// A `cargo run [--release] [--bin NAME] -- ARGS` line: the binary cargo
/// runs and the arguments, as written.
fn cargo_run(line: &str) -> (String, String) {
    let (cargo, args) = line.split_once(" -- ").unwrap_or((line, ""));
    let mut words = cargo.split_whitespace();
    assert_eq!(
        (words.next(), words.next()),
        (Some("cargo"), Some("run")),
        "{line}"
    );
    let mut bin = None;
    while let Some(word) = words.next() {
        match word {
            "--release" | "-q" | "--quiet" => {}
            "--bin" => bin = words.next(),
            other => panic!("`{line}`: this test does not know cargo's `{other}`"),
        }
    }
    (cargo_run_target(bin), args.to_owned())
}

/// A folder with our binaries under their own names, for `PATH`.
fn bin_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, exe) in [
        ("medreview", env!("CARGO_BIN_EXE_medreview")),
        ("medreview-bench", env!("CARGO_BIN_EXE_medreview-bench")),
        ("medreview-fuzz", env!("CARGO_BIN_EXE_medreview-fuzz")),
    ] {
        std::os::unix::fs::symlink(exe, dir.path().join(name)).unwrap();
    }
    dir
}

/// Runs `line` with `sh` in `dir`, our binaries first on `PATH`.
fn sh(dir: &Path, bins: &Path, line: &str, env: &[(&str, String)]) -> Output {
    let path = format!(
        "{}:{}",
        bins.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(line)
        .current_dir(dir)
        .env("PATH", path)
        .stdin(std::process::Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("sh runs")
}

fn console(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The patient folders in `out` that hold a packet.
fn packets(out: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap_or_else(|e| panic!("{}: {e}", out.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("summary.pdf").is_file() && p.join("findings.json").is_file())
        .collect();
    found.sort();
    found
}

/// The value after `--out` in an argument string.
fn out_of(args: &str) -> &str {
    let mut words = args.split_whitespace();
    words.find(|w| *w == "--out");
    words.next().expect("the command names --out")
}

/// The Quick start's first block, run as written in a folder holding the sample
/// data: every line must be one this test knows how to run.
#[test]
fn the_quick_start_runs_as_written() {
    let bins = bin_dir();
    let mut rendered = 0;
    for line in block_under("Quick start").lines {
        let Some(line) = command(&line) else { continue };
        if line == "cargo test" {
            continue; // what is running now
        }
        assert!(
            line.starts_with("cargo run"),
            "the Quick start shows `{line}`, which this test does not know how to run"
        );
        let (bin, args) = cargo_run(line);
        assert_eq!(bin, "medreview", "`{line}` runs {bin}");
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(root().join("sample-data"), dir.path().join("sample-data"))
            .unwrap();
        let output = sh(dir.path(), bins.path(), &format!("{bin} {args}"), &[]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "`{line}` failed:\n{}",
            console(&output)
        );
        // "The packets land in `reports/<patient id>/`": one per record.
        let out = dir.path().join(out_of(&args));
        let folders = packets(&out);
        assert_eq!(folders.len(), sample_records().len(), "{folders:?}");
        for record in sample_records() {
            let id = medreview::record::load(&record).unwrap().patient.id;
            assert!(folders.contains(&folder_of(&out, &id)), "{id}");
        }
        rendered += 1;
    }
    assert_eq!(rendered, 1, "the Quick start renders the samples once");
}

/// Each `$ command` in a code block is run, and what it prints begins with
/// the lines shown after it (a line ending in `…` is a prefix).
#[test]
fn every_example_prints_what_the_readme_shows() {
    let bins = bin_dir();
    let mut examples = 0;
    for block in blocks() {
        let mut lines = block.lines.iter().peekable();
        while let Some(line) = lines.next() {
            let Some(cmd) = line.strip_prefix("$ ") else {
                continue;
            };
            let mut shown = Vec::new();
            while let Some(next) = lines.next_if(|l| !l.starts_with("$ ")) {
                shown.push(next.as_str());
            }
            let output = sh(root(), bins.path(), cmd, &[]);
            let printed = console(&output);
            let printed: Vec<&str> = printed.lines().collect();
            assert!(
                printed.len() >= shown.len(),
                "`{cmd}` printed:\n{printed:?}"
            );
            for (want, got) in shown.iter().zip(&printed) {
                match want.strip_suffix('…') {
                    Some(prefix) => assert!(
                        got.starts_with(prefix),
                        "`{cmd}` printed\n{got}\nwhere the README shows\n{want}"
                    ),
                    None => assert_eq!(got, want, "`{cmd}` in the README"),
                }
            }
            examples += 1;
        }
    }
    assert!(examples > 0, "the README shows no example");
}

/// A recipe's path, mapped to a folder of this test.
fn local_path(word: &str, records: &Path, out: &Path) -> String {
    match word.trim_end_matches('/') {
        "records" | "/data/records" => records.display().to_string(),
        "/shared/out" | "/data/out" => out.display().to_string(),
        _ => word.to_owned(),
    }
}

/// The shard recipes run on one machine: each of a recipe's shares (the
/// scheduler's variable or GNU parallel's `{}` set as the scheduler would),
/// into one folder, then `merge` over it; together they hold a packet for
/// every record and the batch documents. Three small records over eight
/// shares also proves that an empty share is no error.
#[test]
fn the_shard_recipes_run_on_one_machine() {
    let block = blocks()
        .into_iter()
        .find(|b| b.heading != "Usage" && b.lines.iter().any(|l| l.contains("--shard")))
        .expect("a block of shard recipes");
    let merge = block
        .lines
        .iter()
        .find_map(|l| {
            l.find("medreview merge ")
                .map(|at| l[at..].trim().to_owned())
        })
        .expect("the recipes say how to merge");
    let bins = bin_dir();
    let records = tempfile::tempdir().unwrap();
    let small = ["03-kevin", "04-jordan", "10-linda"];
    for file in sample_records() {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        if small.iter().any(|s| name.starts_with(s)) {
            std::fs::copy(&file, records.path().join(name)).unwrap();
        }
    }
    let mut recipes = 0;
    for line in &block.lines {
        let Some(line) = command(line) else { continue };
        if !line.contains("medreview render") {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        // GNU parallel runs the command once per value after `:::`, with
        // `{}` replaced; the others run once per array index.
        let (line, values) = match line.strip_prefix("parallel ") {
            Some(rest) => {
                let (command, values) = rest.split_once(" ::: ").expect("parallel's :::");
                let command = &command[command.find("medreview").unwrap()..];
                (command.to_owned(), values.split_whitespace().collect())
            }
            None => (line.to_owned(), vec!["{}"]),
        };
        let shares: usize = line
            .split_whitespace()
            .find_map(|w| w.rsplit_once('/').and_then(|(_, n)| n.parse().ok()))
            .expect("--shard K/N");
        let words: Vec<String> = line
            .split_whitespace()
            .map(|w| local_path(w, records.path(), &out))
            .collect();
        let line = words.join(" ");
        for k in 1..=shares {
            let command = if values == ["{}"] {
                line.clone()
            } else {
                assert_eq!(values.len(), shares, "{line}");
                line.replace("{}", values[k - 1])
            };
            let env = [
                ("SLURM_ARRAY_TASK_ID", k.to_string()),
                ("JOB_COMPLETION_INDEX", (k - 1).to_string()),
            ];
            let output = sh(dir.path(), bins.path(), &command, &env);
            assert_eq!(
                output.status.code(),
                Some(0),
                "{command}\n{}",
                console(&output)
            );
            assert!(
                out.join(format!("batch-summary-{k}-of-{shares}.json"))
                    .is_file(),
                "share {k} of `{command}` wrote no summary"
            );
        }
        let merge: Vec<String> = merge
            .split_whitespace()
            .map(|w| local_path(w, records.path(), &out))
            .collect();
        let output = sh(dir.path(), bins.path(), &merge.join(" "), &[]);
        assert_eq!(output.status.code(), Some(0), "{}", console(&output));
        assert_eq!(packets(&out).len(), small.len(), "{line}");
        for document in ["batch-summary.csv", "program-overview.pdf"] {
            assert!(out.join(document).is_file(), "{line}: no {document}");
        }
        recipes += 1;
    }
    assert_eq!(recipes, 3, "Slurm, Kubernetes and GNU parallel");
}

/// The `--flags` in a piece of text.
fn flags(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || "[]`(),".contains(c))
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(|w| w.split('=').next().unwrap().to_owned())
        .collect()
}

/// Every flag of a subcommand, hidden ones included, and the visible ones.
fn subcommand_flags(sub: &clap::Command) -> (Vec<String>, Vec<String>) {
    let long = |a: &clap::Arg| a.get_long().map(|l| format!("--{l}"));
    let all = sub.get_arguments().filter_map(long).collect();
    let visible = sub
        .get_arguments()
        .filter(|a| !a.is_hide_set())
        .filter_map(long)
        .filter(|f| f != "--help")
        .collect();
    (all, visible)
}

/// The Usage synopsis names every visible subcommand with every visible
/// flag, and nothing that does not exist.
#[test]
fn the_usage_synopsis_matches_the_command_line() {
    let cli = medreview::cli::Cli::command();
    let mut synopsis: Vec<(String, String)> = Vec::new();
    for line in block_under("Usage").lines {
        match line.strip_prefix("medreview ") {
            Some(rest) => {
                let (sub, rest) = rest.split_once(' ').unwrap_or((rest, ""));
                synopsis.push((sub.to_owned(), rest.to_owned()));
            }
            None => {
                let last = synopsis.last_mut().expect("a synopsis starts a line");
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        }
    }
    let mut visible: Vec<&str> = cli
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| s.get_name())
        .collect();
    visible.sort();
    let mut listed: Vec<&str> = synopsis.iter().map(|(s, _)| s.as_str()).collect();
    listed.sort();
    assert_eq!(listed, visible, "the Usage synopsis lists the subcommands");
    for (name, text) in &synopsis {
        let sub = cli.find_subcommand(name).unwrap();
        let (_, visible) = subcommand_flags(sub);
        let mut written = flags(text);
        written.sort();
        let mut expected = visible.clone();
        expected.sort();
        assert_eq!(written, expected, "the synopsis of `medreview {name}`");
    }
}

/// Every line or code span that runs `medreview` parses as the command line
/// would parse it, and every flag the README names belongs to one of our
/// programs (cargo's own in `cargo` commands, and Slurm's `#SBATCH`, aside).
#[test]
fn every_command_and_flag_the_readme_names_exists() {
    let cli = medreview::cli::Cli::command();
    let mut ours: Vec<String> = Vec::new();
    for sub in cli.get_subcommands() {
        ours.extend(subcommand_flags(sub).0);
    }
    for exe in [
        env!("CARGO_BIN_EXE_medreview-bench"),
        env!("CARGO_BIN_EXE_medreview-fuzz"),
    ] {
        let help = Command::new(exe).arg("--help").output().unwrap();
        assert_eq!(help.status.code(), Some(0), "{exe} --help");
        ours.extend(flags(&String::from_utf8_lossy(&help.stdout)));
    }
    // Flags of cargo's that a README cargo command line shows may be named
    // in prose too ("without `--release`").
    let cargo_lines: Vec<String> = blocks()
        .iter()
        .flat_map(|b| b.lines.iter().filter_map(|l| command(l)))
        .filter(|l| l.starts_with("cargo "))
        .map(|l| l.split(" -- ").next().unwrap().to_owned())
        .collect();
    let cargo_flags: Vec<String> = cargo_lines.iter().flat_map(|l| flags(l)).collect();
    for line in &cargo_lines {
        // `cargo install --path . --bin NAME` names one of our binaries.
        if line.starts_with("cargo install") && line.contains("--path .") {
            let bin = line.split_whitespace().skip_while(|w| *w != "--bin").nth(1);
            cargo_run_target(bin);
        }
    }
    let text = readme();
    let mut spans: Vec<String> = text
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| !s.contains('\n'))
        .map(str::to_owned)
        .collect();
    for block in blocks().into_iter().filter(|b| b.heading != "Usage") {
        spans.extend(
            block
                .lines
                .iter()
                .filter_map(|l| command(l.trim_start_matches("$ ")))
                .map(str::to_owned),
        );
    }
    let mut parsed = 0;
    for span in &spans {
        let span = span.trim();
        // cargo's own flags aside; what `cargo run` passes on is ours.
        let span = match span.strip_prefix("cargo ") {
            Some(_) if span.starts_with("cargo run") => {
                let (_, args) = cargo_run(span);
                for flag in flags(&args) {
                    assert!(
                        ours.contains(&flag),
                        "README: `{span}`: no program of ours has {flag}"
                    );
                }
                continue;
            }
            Some(_) => continue,
            None => span,
        };
        for flag in flags(span) {
            assert!(
                ours.contains(&flag) || (!span.contains(' ') && cargo_flags.contains(&flag)),
                "README: `{span}`: no program of ours has {flag}"
            );
        }
        // A whole medreview command line with real values parses.
        let concrete = !span.contains(['<', '$', '{', '[', '.']) || span.contains(".toml");
        if span.starts_with("medreview ") && concrete && !span.contains('|') {
            let words = span.split_whitespace();
            // Prose may name a subcommand and a flag alone (`medreview
            // render --timings`): what it leaves out is not an error.
            let ends_in_flag = span
                .split_whitespace()
                .last()
                .is_some_and(|w| w.starts_with("--"));
            if let Err(e) = medreview::cli::Cli::try_parse_from(words) {
                use clap::error::ErrorKind::{InvalidValue, MissingRequiredArgument};
                let left_out = e.kind() == MissingRequiredArgument
                    || (e.kind() == InvalidValue && ends_in_flag);
                assert!(left_out, "README: `{span}` does not parse: {e}");
            }
            parsed += 1;
        }
    }
    assert!(parsed > 0, "no medreview command line was parsed");
}

/// `.ci/run` runs the command the Development section gives.
#[test]
fn ci_runs_the_development_command() {
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    let ci: Vec<&str> = ci.lines().filter_map(command).collect();
    let block = block_under("Development");
    let mut steps = 0;
    for line in block.lines.iter().filter_map(|l| command(l)) {
        for step in line.split("&&").map(str::trim) {
            assert!(ci.contains(&step), ".ci/run does not run `{step}`");
            steps += 1;
        }
    }
    assert!(steps >= 3, "fmt, clippy and the tests");
}
