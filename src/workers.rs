//! Worker processes: how `render --jobs N` typesets N records at once.
//!
//! Each render worker is a separate process of the same executable
//! (`medreview worker`, hidden from the help), fed one record at a time by a
//! thread of the main process. The main process keeps everything that is
//! about the batch: discovery, the ids used twice, the progress bar, the
//! journal, the digest spool, the batch summary and the batch documents. A
//! worker only loads, checks, plans, typesets and writes one patient's packet
//! and answers with the patient's batch row and digest.
//!
//! Why processes and not threads: on this project's two-core machine, two
//! render threads of one process gained 1.04 to 1.35 times over one thread,
//! and used about 20% more processor time per patient than one thread
//! (200 synthetic patients: 59 s of user time against 49.5 s), while two
//! processes, each rendering half, gained 1.8 times. Typst's memo caches
//! (comemo) are process-wide and evicted by age across all threads, so two
//! threads contend for them and age each other's entries. A process of its
//! own also bounds what one record can do: a stack overflow in Typst, which
//! no `catch_unwind` contains, ends one worker and fails only the record it
//! had, where a thread would take the whole batch with it.
//!
//! The protocol is JSON lines over the worker's standard input and output:
//!
//! ```text
//! worker → main   "ready"                                once it has its templates
//! main → worker   {"path":[...bytes],"duplicate":null}   one record
//! worker → main   {"record":{"row":{...},"at":null,"digest":{...}}}
//! main closes the worker's standard input
//! worker → main   {"done":{timings}}                     and it exits
//! ```
//!
//! A worker is replaced by a fresh one after [`RECYCLE_AFTER`] records, so
//! that nothing a long-lived process accumulates (allocator fragmentation,
//! Typst's interned strings) grows with the batch. A worker that cannot be
//! started, or stops before it is ready, leaves its share to a thread of the
//! main process: the batch is never lost for want of a worker.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::batch::PatientDigest;
use crate::knowledge::Knowledge;
use crate::output::BatchRow;
use crate::pipeline::{Timings, process_record};
use crate::report::Typesetter;

/// Records a worker process renders before it is replaced by a fresh one.
/// Starting one costs about a tenth of a second (fonts and templates);
/// 500 records take about two minutes.
pub const RECYCLE_AFTER: usize = 500;

/// How to start a worker process.
#[derive(Debug, Clone)]
pub struct WorkerCommand {
    pub exe: PathBuf,
    pub args: Vec<OsString>,
    /// Records a worker renders before it is replaced ([`RECYCLE_AFTER`];
    /// the tests make it small).
    pub recycle_after: usize,
}

impl WorkerCommand {
    /// `exe worker --out OUT --mode MODE [--templates DIR] [--incremental]`:
    /// a worker writing as the main process would.
    pub fn new(exe: PathBuf, out: &Path, templates: Option<&Path>, incremental: bool) -> Self {
        let mut args: Vec<OsString> = vec![
            "worker".into(),
            "--out".into(),
            out.as_os_str().to_owned(),
            "--mode".into(),
            format!("{:o}", crate::output::file_mode()).into(),
        ];
        if let Some(dir) = templates {
            args.push("--templates".into());
            args.push(dir.as_os_str().to_owned());
        }
        if incremental {
            args.push("--incremental".into());
        }
        WorkerCommand {
            exe,
            args,
            recycle_after: RECYCLE_AFTER,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Request {
    /// The record file's path, as bytes (a path need not be UTF-8).
    path: Vec<u8>,
    duplicate: Option<String>,
}

/// What a worker says, one JSON line each.
// One answer is alive at a time, for one line: its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Answer {
    /// It has its templates and fonts: send records.
    Ready,
    /// One record done: its batch row and, if rendered, its digest.
    Record {
        row: BatchRow,
        /// The row's `load_error_at`, which the batch summary does not keep.
        at: Option<(usize, usize)>,
        digest: Option<PatientDigest>,
    },
    /// Its standard input closed: what it spent, and it exits.
    Done(WorkerTimings),
}

/// What a worker process spent, sent when it ends.
#[derive(Serialize, Deserialize, Default, Debug)]
struct WorkerTimings {
    review_ns: u64,
    render_ns: u64,
    compile_ns: u64,
    export_ns: u64,
    pages: u64,
    peak_rss_kb: u64,
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(unix)]
fn bytes_path(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(OsString::from_vec(bytes))
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
}

#[cfg(not(unix))]
fn bytes_path(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

/// `medreview worker`: answers records from standard input until it
/// closes. Returns the exit status.
pub fn serve(out: &Path, templates: Option<&Path>, incremental: bool) -> i32 {
    let typesetter = match Typesetter::new(templates) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return crate::process::EXIT_USAGE;
        }
    };
    let kb = Knowledge::embedded();
    let timings = Timings::default();
    // Fault injection for the tests: a worker that dies on the record whose
    // path contains this text, as a stack overflow inside Typst would end
    // it (`abort`: no unwinding, no answer).
    let dies_on = std::env::var("MEDREVIEW_TEST_WORKER_DIES_ON")
        .ok()
        .filter(|s| !s.is_empty());
    let mut stdout = std::io::stdout().lock();
    let mut answer = |answer: &Answer| -> std::io::Result<()> {
        let mut line = serde_json::to_vec(answer).expect("answers serialise");
        line.push(b'\n');
        stdout.write_all(&line)?;
        stdout.flush()
    };
    if answer(&Answer::Ready).is_err() {
        return crate::process::EXIT_FAILED;
    }
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else {
            return crate::process::EXIT_FAILED;
        };
        let Ok(request) = serde_json::from_str::<Request>(&line) else {
            eprintln!("error: the worker was sent something that is not a record request");
            return crate::process::EXIT_USAGE;
        };
        let path = bytes_path(request.path);
        if dies_on
            .as_deref()
            .is_some_and(|text| path.to_string_lossy().contains(text))
        {
            std::process::abort();
        }
        let (row, digest) = process_record(
            &path,
            request.duplicate.as_deref(),
            out,
            &typesetter,
            kb,
            incremental,
            &timings,
        );
        let at = row.load_error_at;
        if answer(&Answer::Record { row, at, digest }).is_err() {
            return crate::process::EXIT_FAILED;
        }
    }
    let (compile, export) = typesetter.engine_time();
    let done = WorkerTimings {
        review_ns: timings.review_ns.load(Ordering::Relaxed),
        render_ns: timings.render_ns.load(Ordering::Relaxed),
        compile_ns: u64::try_from(compile.as_nanos()).unwrap_or(u64::MAX),
        export_ns: u64::try_from(export.as_nanos()).unwrap_or(u64::MAX),
        pages: typesetter.pages(),
        peak_rss_kb: crate::process::peak_rss_kb().unwrap_or(0),
    };
    match answer(&Answer::Done(done)) {
        Ok(()) => crate::process::EXIT_OK,
        Err(_) => crate::process::EXIT_FAILED,
    }
}

/// A running worker process.
struct Running {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    served: usize,
}

impl Running {
    fn read(&mut self) -> Option<Answer> {
        let mut line = String::new();
        match self.stdout.read_line(&mut line) {
            Ok(n) if n > 0 => serde_json::from_str(&line).ok(),
            _ => None,
        }
    }

    /// How the process ended (it has stopped answering): waited for.
    fn ended(mut self) -> String {
        drop(self.stdin.take());
        let _ = self.child.kill();
        match self.child.wait() {
            Ok(status) => status.to_string(),
            Err(e) => e.to_string(),
        }
    }
}

/// One render worker's place: the process it runs on now, replaced when it
/// has served [`RECYCLE_AFTER`] records or has stopped.
pub struct Slot<'a> {
    command: &'a WorkerCommand,
    timings: &'a Timings,
    typesetter: &'a Typesetter,
    running: Option<Running>,
    /// No worker could be started: the caller renders here.
    broken: bool,
    /// The largest peak memory of this place's workers.
    peak_kb: u64,
}

impl<'a> Slot<'a> {
    /// A place for one worker; the process starts with the first record.
    /// What its workers spent is added to `timings` and `typesetter`.
    pub fn new(
        command: &'a WorkerCommand,
        timings: &'a Timings,
        typesetter: &'a Typesetter,
    ) -> Slot<'a> {
        Slot {
            command,
            timings,
            typesetter,
            running: None,
            broken: false,
            peak_kb: 0,
        }
    }

    fn start(&self) -> Option<Running> {
        let mut child = Command::new(&self.command.exe)
            .args(&self.command.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .ok()?;
        let stdin = child.stdin.take()?;
        let stdout = BufReader::new(child.stdout.take()?);
        let mut running = Running {
            child,
            stdin: Some(stdin),
            stdout,
            served: 0,
        };
        match running.read() {
            Some(Answer::Ready) => Some(running),
            _ => {
                running.ended();
                None
            }
        }
    }

    /// Has a worker render the record at `path`: its row and digest, or
    /// `None` when no worker can be started (render it here instead).
    pub fn process(
        &mut self,
        path: &Path,
        duplicate: Option<&str>,
    ) -> Option<(BatchRow, Option<PatientDigest>)> {
        if self.broken {
            return None;
        }
        if self.running.is_none() {
            self.running = self.start();
            if self.running.is_some() {
                self.timings.workers_started.fetch_add(1, Ordering::Relaxed);
            }
            if self.running.is_none() {
                self.broken = true;
                return None;
            }
        }
        let running = self.running.as_mut()?;
        let mut request = serde_json::to_vec(&Request {
            path: path_bytes(path),
            duplicate: duplicate.map(str::to_owned),
        })
        .expect("requests serialise");
        request.push(b'\n');
        let sent = running.stdin.as_mut().is_some_and(|stdin| {
            stdin
                .write_all(&request)
                .and_then(|()| stdin.flush())
                .is_ok()
        });
        let answer = if sent { running.read() } else { None };
        match answer {
            Some(Answer::Record {
                mut row,
                at,
                digest,
            }) => {
                row.load_error_at = at;
                running.served += 1;
                if running.served >= self.command.recycle_after {
                    self.end();
                }
                Some((row, digest))
            }
            _ => {
                // The worker stopped on this record (a stack overflow, the
                // out-of-memory killer): the record fails, the next one
                // gets a fresh worker.
                let status = self.running.take().map(Running::ended).unwrap_or_default();
                Some((stopped_row(path, &status), None))
            }
        }
    }

    /// Ends the running worker, if any, and counts what it spent.
    fn end(&mut self) {
        let Some(mut running) = self.running.take() else {
            return;
        };
        drop(running.stdin.take());
        if let Some(Answer::Done(done)) = running.read() {
            self.timings
                .review_ns
                .fetch_add(done.review_ns, Ordering::Relaxed);
            self.timings
                .render_ns
                .fetch_add(done.render_ns, Ordering::Relaxed);
            self.typesetter.count_elsewhere(
                done.pages,
                Duration::from_nanos(done.compile_ns),
                Duration::from_nanos(done.export_ns),
            );
            self.peak_kb = self.peak_kb.max(done.peak_rss_kb);
        }
        let _ = running.child.wait();
    }

    /// Ends the last worker of this place.
    pub fn close(mut self) {
        self.end();
        self.timings
            .workers_peak_kb
            .fetch_add(self.peak_kb, Ordering::Relaxed);
    }
}

/// The row of a record whose worker process stopped while rendering it.
fn stopped_row(path: &Path, status: &str) -> BatchRow {
    BatchRow {
        file: path.display().to_string(),
        patient: None,
        status: "failed".into(),
        skipped: false,
        folder: None,
        documents: 0,
        unprintable_characters: 0,
        contraindicated: 0,
        major: 0,
        moderate: 0,
        minor: 0,
        dismissed: 0,
        error: Some(format!(
            "the worker process stopped while rendering this record ({status}); \
             the rest of the batch went on"
        )),
        load_error_at: None,
    }
}
