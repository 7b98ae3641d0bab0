//! The stream of a batch through the render workers: every record loaded,
//! checked, planned, typeset and written by a worker thread or a worker
//! process ([`crate::workers`]), one record per worker at a time, with the
//! journal, the digest spool and the progress count kept here.
//!
//! The layers run one way: this module uses the workers, the workers use
//! the per-record work of [`crate::pipeline`], and the pipeline uses the
//! batch's digests ([`crate::batch`]); none of them uses one above it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::batch::{Digests, PatientDigest, Spool};
use crate::diagnostic::Diagnostic;
use crate::knowledge::Knowledge;
use crate::output::{self, BatchRow};
use crate::pipeline::{Timings, duplicate_ids, nanos, process_record, unreadable};
use crate::report::Typesetter;
use crate::workers::{Slot, WorkerCommand};

/// How [`render_stream`] runs.
#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// Records in flight at once, one per worker thread.
    pub jobs: usize,
    /// Keep the packet of a patient whose inputs are unchanged.
    pub incremental: bool,
    /// A file to append one line to as each record is done (status, file,
    /// patient, folder), so that a run killed in the middle still says
    /// exactly which records were done. The caller removes it once the
    /// batch summary is written.
    pub journal: Option<PathBuf>,
    /// A file to spool the patients' digests to, so that memory does not
    /// grow with the batch; without it they are kept in memory. The
    /// caller removes it once the batch documents are written.
    pub spool: Option<PathBuf>,
    /// Run each worker as a separate process of this command instead of a
    /// thread ([`crate::workers`]).
    pub processes: Option<WorkerCommand>,
}

/// Loads, checks, plans, typesets and writes every record, `jobs` records
/// at a time, one record per worker at a time: memory holds only the
/// records in flight and the batch rows, whatever the size of the batch,
/// and the first packet is written as soon as its record is done.
///
/// With [`StreamOptions::processes`] each worker is a separate process
/// (see [`crate::workers`]); otherwise a thread of this one.
/// `progress` is called from the calling thread with the number of records
/// done, about five times a second and once at the end. Returns one row per
/// file, in input order, and the [`PatientDigest`] of every rendered record.
pub fn render_stream(
    files: &[Result<PathBuf, Diagnostic>],
    out: &Path,
    typesetter: &Typesetter,
    kb: &Knowledge,
    options: &StreamOptions,
    timings: &Timings,
    progress: &mut dyn FnMut(usize),
) -> (Vec<BatchRow>, Digests) {
    let jobs = options.jobs;
    let spool = options
        .spool
        .as_deref()
        .and_then(|path| Spool::create(path).ok());
    let duplicates = duplicate_ids(files);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let start = std::time::Instant::now();
    /// A record's row and its digest: in the spool, or in memory.
    type Kept = Mutex<Option<(BatchRow, Option<Result<(u64, u32), PatientDigest>>)>>;
    let results: Vec<Kept> = files.iter().map(|_| Mutex::new(None)).collect();
    let journal = Mutex::new(options.journal.as_deref().and_then(|path| {
        let mut file = output::create_private_file(path).ok()?;
        use std::io::Write;
        file.write_all(b"status,file,patient,folder\n").ok()?;
        Some(file)
    }));
    // What every worker does with a finished record, wherever it was made.
    let finish = |i: usize, row: BatchRow, digest: Option<PatientDigest>| {
        if row.error.is_none() {
            let _ = timings.first_packet_ns.compare_exchange(
                0,
                nanos(start.elapsed()).max(1),
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
        }
        // Not an error: where the digest is kept (the spool's place, or the
        // digest itself), as the slots hold it.
        #[allow(clippy::result_large_err)]
        let digest = digest.map(|digest| match spool.as_ref().map(|s| s.push(&digest)) {
            Some(Ok(at)) => Ok(at),
            // No spool, or it cannot be written: kept in memory.
            _ => Err(digest),
        });
        if let Some(file) = journal.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            use std::io::Write;
            let line: Vec<String> = [
                row.status.as_str(),
                row.file.as_str(),
                row.patient.as_deref().unwrap_or(""),
                row.folder.as_deref().unwrap_or(""),
            ]
            .iter()
            .map(|f| output::csv_field(f))
            .collect();
            // Written straight through: the line is there even if the
            // process is killed the next moment.
            let _ = writeln!(file, "{}", line.join(","));
        }
        *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some((row, digest));
        done.fetch_add(1, Ordering::Relaxed);
    };
    let here = |i: usize| -> (BatchRow, Option<PatientDigest>) {
        match &files[i] {
            Err(d) => unreadable(d),
            Ok(path) => process_record(
                path,
                duplicates[i].as_deref(),
                out,
                typesetter,
                kb,
                options.incremental,
                timings,
            ),
        }
    };
    // The next record no worker has taken yet.
    let claim = || Some(next.fetch_add(1, Ordering::Relaxed)).filter(|&i| i < files.len());
    let thread_worker = || {
        while let Some(i) = claim() {
            let (row, digest) = here(i);
            finish(i, row, digest);
        }
    };
    let process_worker = |command: &WorkerCommand| {
        let mut slot = Slot::new(command, timings, typesetter);
        while let Some(i) = claim() {
            let (row, digest) = match &files[i] {
                Ok(path) => slot.process(path, duplicates[i].as_deref()),
                Err(_) => None,
            }
            .unwrap_or_else(|| here(i));
            finish(i, row, digest);
        }
        slot.close();
    };
    std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for n in 0..jobs.max(1) {
            let builder = std::thread::Builder::new()
                .name(format!("render-{n}"))
                // Typst recurses deeply on some layouts.
                .stack_size(32 * 1024 * 1024);
            let handle = match &options.processes {
                Some(command) => builder.spawn_scoped(scope, || process_worker(command)),
                None => builder.spawn_scoped(scope, thread_worker),
            };
            handles.push(handle.expect("a render thread starts"));
        }
        while !handles.iter().all(|h| h.is_finished()) {
            progress(done.load(Ordering::Relaxed));
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        progress(done.load(Ordering::Relaxed));
    });
    let mut rows = Vec::with_capacity(results.len());
    let mut spans = Vec::new();
    let mut kept = Vec::new();
    for slot in results {
        let (row, digest) = slot
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .expect("every record rendered");
        rows.push(row);
        match digest {
            Some(Ok(at)) => spans.push(at),
            Some(Err(digest)) => kept.push(digest),
            None => {}
        }
    }
    let digests = match spool {
        // All spooled, or none: a spool that failed part way gives up on
        // the file and keeps what it has in memory (rare: a full disk).
        Some(spool) if kept.is_empty() => spool.into_digests(spans),
        _ if spans.is_empty() => Digests::Memory(kept),
        Some(spool) => {
            let spooled = spool.into_digests(spans);
            let mut all: Vec<PatientDigest> = spooled.iter().map(|d| d.into_owned()).collect();
            all.extend(kept);
            Digests::Memory(all)
        }
        None => Digests::Memory(kept),
    };
    (rows, digests)
}
