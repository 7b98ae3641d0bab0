//! What a batch keeps of each patient once the packet is written, for the
//! batch-level documents: the program overview (for the clinic or plan) and
//! one digest letter per prescriber across the whole batch.
//!
//! A [`PatientDigest`] is small (ids, counts and the recommendations for
//! prescribers), so a batch of ten thousand patients holds its digests in a
//! few megabytes while each record itself is dropped as soon as its packet
//! is written.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::checks::Checked;
use crate::checks::Severity;
use crate::output::{BatchRow, BatchSummary};
use crate::record::Date;
use crate::regimen::Regimen;
use crate::report::view::recommended;
use crate::report::wording::long_date;
use crate::report::{Document, Typesetter};

/// What the batch documents need of one rendered patient.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PatientDigest {
    pub id: String,
    pub name: String,
    pub born: String,
    pub file: String,
    pub reviewer: String,
    pub organization: Option<String>,
    pub program: Option<String>,
    /// Where prescribers fax their answers.
    pub return_fax: Option<String>,
    #[serde(with = "iso_date")]
    pub review_date: Date,
    /// Open (not dismissed) findings: check and severity.
    pub findings: Vec<FindingDigest>,
    /// What each prescriber is asked: one line per problem.
    pub recommendations: Vec<RecommendationDigest>,
    /// Open (not dismissed) problems: concern, category and severity.
    #[serde(default)]
    pub problems: Vec<ProblemDigest>,
}

/// One open problem, for the program overview's counts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProblemDigest {
    /// The concern's id (`bleeding`, `kidney-dose`).
    pub concern: String,
    pub category: crate::knowledge::ProblemCategory,
    pub severity: Severity,
}

/// A date in the digest files as `"2026-11-20"` (JSON has no dates).
mod iso_date {
    use serde::{Deserialize, Deserializer, Serializer, de};

    use crate::record::Date;

    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        let mut parts = text.splitn(3, '-').map(str::parse::<u32>);
        match (parts.next(), parts.next(), parts.next()) {
            (Some(Ok(y)), Some(Ok(m)), Some(Ok(day))) => Date::new(y as i32, m as u8, day as u8)
                .ok_or_else(|| de::Error::custom(format!("{text} is not a real date"))),
            _ => Err(de::Error::custom(format!(
                "{text} is not a date like 2026-11-20"
            ))),
        }
    }
}

/// One open finding, for the counts of the overview.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FindingDigest {
    pub check: String,
    pub severity: Severity,
    pub title: String,
}

/// One recommendation to one prescriber, for the digest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecommendationDigest {
    /// The prescriber's name as the record gives it: the digest groups
    /// prescribers across records by name, since record ids are local.
    pub prescriber: String,
    pub organization: Option<String>,
    pub fax: Option<String>,
    pub title: String,
    pub severity: Severity,
    pub medicines: Vec<String>,
    pub recommended: String,
}

impl PatientDigest {
    /// The digest of one checked record.
    pub fn of(regimen: &Regimen, checked: &Checked) -> PatientDigest {
        let record = &regimen.record;
        let language = crate::record::Language::En;
        let open = checked.findings.iter().filter(|f| !f.is_dismissed());
        let findings = open
            .clone()
            .map(|f| FindingDigest {
                check: f.check.to_owned(),
                severity: f.severity,
                title: f.title.clone(),
            })
            .collect();
        // One line per problem for each prescriber of the findings it
        // recommends, led by its most severe such finding.
        let mut recommendations = Vec::new();
        for p in &checked.problems {
            let members: Vec<&crate::checks::Finding> = checked
                .findings
                .iter()
                .filter(|f| p.findings.contains(&f.id) && recommended(f))
                .collect();
            let Some(lead) = members
                .iter()
                .max_by(|a, b| a.severity.cmp(&b.severity).then_with(|| b.id.cmp(&a.id)))
            else {
                continue;
            };
            let mut keys: Vec<&String> = members.iter().flat_map(|f| &f.prescribers).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let listed = record.prescriber(key);
                recommendations.push(RecommendationDigest {
                    prescriber: listed.map_or_else(|| key.clone(), |p| p.name.clone()),
                    organization: listed.and_then(|p| p.organization.clone()),
                    fax: listed.and_then(|p| p.fax.clone()),
                    title: if members.len() == 1 {
                        lead.title.clone()
                    } else {
                        p.title.clone()
                    },
                    severity: lead.severity,
                    medicines: p.medicines.clone(),
                    recommended: if lead.recommendation.is_empty() {
                        lead.prescriber_text.clone()
                    } else {
                        lead.recommendation.clone()
                    },
                });
            }
        }
        let problems = checked
            .problems
            .iter()
            .filter(|p| !p.is_dismissed())
            .map(|p| ProblemDigest {
                concern: p.concern.clone(),
                category: p.category,
                severity: p.severity,
            })
            .collect();
        PatientDigest {
            id: record.patient.id.clone(),
            name: record.patient.name.clone(),
            born: long_date(record.patient.born, language),
            file: String::new(),
            reviewer: record.review.reviewer.clone(),
            organization: record.review.organization.clone(),
            program: record.review.program.clone(),
            return_fax: record.review.fax.clone(),
            review_date: record.review.date,
            findings,
            recommendations,
            problems,
        }
    }

    /// Open findings at a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// The digests of a batch, in the order of its records: in memory (a
/// merge, a test) or spooled to a file as the workers make them, so that a
/// batch of any size holds only their places (12 bytes a patient). Held in
/// memory, ten thousand digests took about 200 MB.
pub enum Digests {
    Memory(Vec<PatientDigest>),
    Spooled {
        /// A private file of JSON lines, in the order the workers finished.
        path: std::path::PathBuf,
        /// Where each record's line is, in the order of the records.
        spans: Vec<(u64, u32)>,
    },
}

impl Digests {
    pub fn len(&self) -> usize {
        match self {
            Digests::Memory(v) => v.len(),
            Digests::Spooled { spans, .. } => spans.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`-th digest. A spooled one that cannot be read back (the file
    /// removed under a running batch) is a bug in the environment, not in
    /// a record: it panics with the reason.
    pub fn get(&self, i: usize) -> std::borrow::Cow<'_, PatientDigest> {
        match self {
            Digests::Memory(v) => std::borrow::Cow::Borrowed(&v[i]),
            Digests::Spooled { path, spans } => {
                use std::io::{Read, Seek};
                let (at, len) = spans[i];
                let mut file = std::fs::File::open(path).expect("the digest spool is readable");
                file.seek(std::io::SeekFrom::Start(at))
                    .expect("the digest spool is readable");
                let mut line = vec![0; len as usize];
                file.read_exact(&mut line)
                    .expect("the digest spool is readable");
                std::borrow::Cow::Owned(
                    serde_json::from_slice(&line).expect("the digest spool holds digests"),
                )
            }
        }
    }

    /// Every digest, in the order of the records.
    pub fn iter(&self) -> impl Iterator<Item = std::borrow::Cow<'_, PatientDigest>> {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// Appends digests to a spool file as workers finish records.
pub struct Spool {
    file: std::sync::Mutex<(std::fs::File, u64)>,
    path: std::path::PathBuf,
}

impl Spool {
    /// A new, empty spool at `path` (private, like every output).
    pub fn create(path: &Path) -> std::io::Result<Spool> {
        Ok(Spool {
            file: std::sync::Mutex::new((crate::output::create_private_file(path)?, 0)),
            path: path.to_owned(),
        })
    }

    /// Appends one digest; returns where it is.
    pub fn push(&self, digest: &PatientDigest) -> std::io::Result<(u64, u32)> {
        use std::io::Write;
        let mut line = serde_json::to_vec(digest).expect("digests serialise");
        line.push(b'\n');
        let mut guard = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let (file, end) = &mut *guard;
        file.write_all(&line)?;
        let at = *end;
        *end += line.len() as u64;
        Ok((at, line.len() as u32 - 1))
    }

    /// The digests, given each record's place in the spool.
    pub fn into_digests(self, spans: Vec<(u64, u32)>) -> Digests {
        Digests::Spooled {
            path: self.path,
            spans,
        }
    }
}

/// How many patients to call first the overview lists; the rest are in
/// `call-first.csv`. A program of ten thousand patients may have thousands
/// to call: a program manager works through those in a spreadsheet, and a
/// 500-page table would take Typst most of a gigabyte to lay out in one
/// document.
pub const CALL_FIRST_SHOWN: usize = 100;

/// How many failed files the overview names; the batch summary has all.
pub const FAILED_SHOWN: usize = 50;

/// The program overview: one page or two for the clinic or plan.
#[derive(Debug, Serialize)]
pub struct OverviewView {
    pub title: &'static str,
    pub programs: Vec<String>,
    pub prepared: String,
    pub records: usize,
    pub rendered: usize,
    pub failed: usize,
    pub skipped: usize,
    /// Open findings per severity, most serious first.
    pub severities: Vec<Count>,
    /// Open findings per check and severity, the check with most first.
    pub checks: Vec<CheckCount>,
    /// Open problems per concern and severity, the concern with most first.
    pub concerns: Vec<CheckCount>,
    /// Open problems per category (safety, dose too high...).
    pub categories: Vec<Count>,
    /// The most frequent problems: finding titles by patients affected.
    pub frequent: Vec<Count>,
    /// Patients with a contraindicated or major finding, to call first:
    /// the [`CALL_FIRST_SHOWN`] most serious (all of them are in
    /// `call-first.csv`).
    pub call_first: Vec<CallFirst>,
    /// How many patients there are to call first in all.
    pub call_first_total: usize,
    /// The first [`FAILED_SHOWN`] files that failed (all of them, with the
    /// reasons, are in the batch summary).
    pub failed_files: Vec<String>,
    /// How many files failed in all.
    pub failed_total: usize,
    pub knowledge_version: String,
}

#[derive(Debug, Serialize)]
pub struct Count {
    pub label: String,
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub struct CheckCount {
    pub check: String,
    /// Contraindicated, major, moderate, minor.
    pub counts: [usize; 4],
    pub total: usize,
}

#[derive(Debug, Serialize)]
pub struct CallFirst {
    pub id: String,
    pub name: String,
    pub contraindicated: usize,
    pub major: usize,
    /// The most serious problems, at most three.
    pub problems: Vec<String>,
}

/// One prescriber's digest across the batch.
#[derive(Debug, Serialize)]
pub struct DigestView {
    pub title: &'static str,
    pub prescriber: String,
    pub organization: Option<String>,
    pub fax: Option<String>,
    pub prepared: String,
    pub patients: Vec<DigestPatient>,
    pub items: usize,
}

#[derive(Debug, Serialize)]
pub struct DigestPatient {
    pub name: String,
    pub born: String,
    pub id: String,
    pub reviewer: String,
    pub organization: Option<String>,
    pub return_fax: Option<String>,
    pub review_date: String,
    pub recommendations: Vec<DigestItem>,
}

#[derive(Debug, Serialize)]
pub struct DigestItem {
    pub title: String,
    pub severity: &'static str,
    pub medicines: String,
    pub recommended: String,
}

/// The date the batch documents carry: the latest review date of the batch,
/// so that the same batch gives the same bytes.
fn batch_date(digests: &Digests) -> Date {
    digests.iter().map(|d| d.review_date).max().unwrap_or(Date {
        year: 2000,
        month: 1,
        day: 1,
    })
}

/// Counts by key and severity (most serious first), a row a key, the row
/// with most first: open findings by check, open problems by concern.
fn tally(keyed: impl Iterator<Item = (String, Severity)>) -> Vec<CheckCount> {
    let order = [
        Severity::Contraindicated,
        Severity::Major,
        Severity::Moderate,
        Severity::Minor,
    ];
    let mut rows: Vec<CheckCount> = Vec::new();
    for (key, severity) in keyed {
        let at = order.iter().position(|s| *s == severity).unwrap_or(3);
        let row = match rows.iter().position(|c| c.check == key) {
            Some(i) => &mut rows[i],
            None => {
                rows.push(CheckCount {
                    check: key,
                    counts: [0; 4],
                    total: 0,
                });
                rows.last_mut().expect("just pushed")
            }
        };
        row.counts[at] += 1;
        row.total += 1;
    }
    rows.sort_by(|a, b| b.total.cmp(&a.total).then(a.check.cmp(&b.check)));
    rows
}

/// Plans the program overview.
pub fn overview(summary: &BatchSummary, digests: &Digests) -> OverviewView {
    let mut programs: Vec<String> = Vec::new();
    for d in digests.iter() {
        if let Some(p) = d.program.as_ref().or(d.organization.as_ref())
            && !programs.contains(p)
        {
            programs.push(p.clone());
        }
    }
    programs.sort();
    let order = [
        Severity::Contraindicated,
        Severity::Major,
        Severity::Moderate,
        Severity::Minor,
    ];
    let severities = order
        .iter()
        .map(|s| Count {
            label: s.as_str().to_owned(),
            count: digests.iter().map(|d| d.count(*s)).sum(),
        })
        .collect();
    let checks = tally(digests.iter().flat_map(|d| {
        d.findings
            .iter()
            .map(|f| (f.check.clone(), f.severity))
            .collect::<Vec<_>>()
    }));
    let concerns = tally(digests.iter().flat_map(|d| {
        d.problems
            .iter()
            .map(|p| (p.concern.clone(), p.severity))
            .collect::<Vec<_>>()
    }));
    let mut categories: Vec<Count> = Vec::new();
    for category in digests
        .iter()
        .flat_map(|d| d.problems.iter().map(|p| p.category).collect::<Vec<_>>())
    {
        let category = category.as_str();
        match categories.iter_mut().find(|c| c.label == category) {
            Some(c) => c.count += 1,
            None => categories.push(Count {
                label: category.to_owned(),
                count: 1,
            }),
        }
    }
    categories.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
    let mut frequent: Vec<Count> = Vec::new();
    for d in digests.iter() {
        let mut titles: Vec<&str> = d.findings.iter().map(|f| f.title.as_str()).collect();
        titles.sort_unstable();
        titles.dedup();
        for t in titles {
            match frequent.iter_mut().find(|c| c.label == t) {
                Some(c) => c.count += 1,
                None => frequent.push(Count {
                    label: t.to_owned(),
                    count: 1,
                }),
            }
        }
    }
    frequent.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
    frequent.truncate(10);
    let mut call_first: Vec<CallFirst> = digests
        .iter()
        .filter(|d| d.count(Severity::Contraindicated) + d.count(Severity::Major) > 0)
        .map(|d| {
            let mut serious: Vec<&FindingDigest> = d
                .findings
                .iter()
                .filter(|f| f.severity >= Severity::Major)
                .collect();
            serious.sort_by_key(|f| std::cmp::Reverse(f.severity));
            CallFirst {
                id: d.id.clone(),
                name: d.name.clone(),
                contraindicated: d.count(Severity::Contraindicated),
                major: d.count(Severity::Major),
                problems: serious.iter().take(3).map(|f| f.title.clone()).collect(),
            }
        })
        .collect();
    call_first.sort_by(|a, b| {
        (b.contraindicated, b.major)
            .cmp(&(a.contraindicated, a.major))
            .then(a.id.cmp(&b.id))
    });
    OverviewView {
        title: "Program overview",
        programs,
        prepared: long_date(batch_date(digests), crate::record::Language::En),
        records: summary.records,
        rendered: summary.rendered,
        failed: summary.failed,
        skipped: summary.skipped,
        severities,
        checks,
        concerns,
        categories,
        frequent,
        call_first_total: call_first.len(),
        call_first,
        failed_total: summary.rows.iter().filter(|r| r.error.is_some()).count(),
        failed_files: summary
            .rows
            .iter()
            .filter(|r| r.error.is_some())
            .take(FAILED_SHOWN)
            .map(|r| r.file.clone())
            .collect(),
        knowledge_version: summary.knowledge_version.to_owned(),
    }
}

/// Every patient to call first, in the overview's order (most
/// contraindicated, then most major findings, then id), as CSV.
pub fn call_first_csv(call_first: &[CallFirst]) -> String {
    let mut csv = String::from("patient,name,contraindicated,major,most_serious_problems\n");
    for p in call_first {
        let fields = [
            p.id.clone(),
            p.name.clone(),
            p.contraindicated.to_string(),
            p.major.to_string(),
            p.problems.join("; "),
        ];
        let line: Vec<String> = fields.iter().map(|f| crate::output::csv_field(f)).collect();
        csv += &line.join(",");
        csv.push('\n');
    }
    csv
}

/// Groups prescribers across records by name, case and spaces folded.
fn prescriber_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The prescribers of a batch, grouped by name (case and spaces folded),
/// each with the records (by index) that have a recommendation for them:
/// (file name, key, indices), sorted by key.
pub fn digest_plan(digests: &Digests) -> Vec<(String, String, Vec<usize>)> {
    let mut plan: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
    for (i, d) in digests.iter().enumerate() {
        for r in &d.recommendations {
            let patients = plan.entry(prescriber_key(&r.prescriber)).or_default();
            if patients.last() != Some(&i) {
                patients.push(i);
            }
        }
    }
    plan.into_iter()
        .map(|(key, patients)| (crate::output::safe_name(&key), key, patients))
        .collect()
}

/// One prescriber's digest: the recommendations for them in the records
/// at `patients`.
pub fn digest_view(digests: &Digests, key: &str, patients: &[usize], prepared: &str) -> DigestView {
    let mine = |r: &RecommendationDigest| prescriber_key(&r.prescriber) == key;
    let mut first: Option<RecommendationDigest> = None;
    let patients: Vec<DigestPatient> = patients
        .iter()
        .map(|&i| {
            let d = digests.get(i);
            if first.is_none() {
                first = d.recommendations.iter().find(|r| mine(r)).cloned();
            }
            DigestPatient {
                name: d.name.clone(),
                born: d.born.clone(),
                id: d.id.clone(),
                reviewer: d.reviewer.clone(),
                organization: d.organization.clone(),
                return_fax: d.return_fax.clone(),
                review_date: long_date(d.review_date, crate::record::Language::En),
                recommendations: d
                    .recommendations
                    .iter()
                    .filter(|r| mine(r))
                    .map(|r| DigestItem {
                        title: r.title.clone(),
                        severity: r.severity.as_str(),
                        medicines: r.medicines.join(", "),
                        recommended: r.recommended.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    let first = first.expect("a prescriber in the plan has a recommendation");
    let items = patients.iter().map(|p| p.recommendations.len()).sum();
    DigestView {
        title: "Medication review digest: recommendations for your patients",
        prescriber: first.prescriber,
        organization: first.organization,
        fax: first.fax,
        prepared: prepared.to_owned(),
        patients,
        items,
    }
}

/// Writes the digests of a shard (`batch-digests-K-of-N.json`) for
/// `medreview merge`. It holds names: it is written private, like every
/// output.
pub fn write_digests(out: &Path, suffix: &str, digests: &Digests) -> std::io::Result<()> {
    // The same bytes as serialising the whole list at once.
    let mut json = b"[".to_vec();
    for (i, d) in digests.iter().enumerate() {
        if i > 0 {
            json.push(b',');
        }
        json.extend(serde_json::to_vec(&*d).expect("digests serialise"));
    }
    json.push(b']');
    crate::output::write_atomic(out, &format!("batch-digests{suffix}.json"), &json)
}

/// Writes the program overview (`program-overview.pdf`) and one digest per
/// prescriber (`prescriber-digests/<name>.pdf`, stale ones removed).
pub fn write_batch_documents(
    out: &Path,
    typesetter: &Typesetter,
    summary: &BatchSummary,
    digests: &Digests,
    jobs: usize,
) -> Result<(), String> {
    let date = batch_date(digests);
    let mut view = overview(summary, digests);
    crate::output::write_atomic(
        out,
        "call-first.csv",
        call_first_csv(&view.call_first).as_bytes(),
    )
    .map_err(|e| e.to_string())?;
    view.call_first.truncate(CALL_FIRST_SHOWN);
    // Names and titles come from the records: what no font can print, or
    // what would reorder the text, is replaced as in the patients' packets.
    let mut value = serde_json::to_value(&view).expect("overview serialises");
    typesetter.make_printable(&mut value);
    let overview = serde_json::to_vec(&value).expect("overview serialises");
    let pdf = typesetter
        .pdf(Document::Overview, overview, date, "batch/program-overview")
        .map_err(|e| e.to_string())?;
    crate::output::write_atomic(out, "program-overview.pdf", &pdf).map_err(|e| e.to_string())?;
    let dir = out.join("prescriber-digests");
    crate::output::create_patient_dir(&dir).map_err(|e| e.to_string())?;
    // A program has hundreds of prescribers: their digests are typeset on
    // `jobs` threads, like the packets.
    // Each digest is planned from the records when its turn comes, so only
    // the digests in flight are in memory.
    let plan = digest_plan(digests);
    let prepared = long_date(date, crate::record::Language::En);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let worker = || {
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some((name, key, patients)) = plan.get(i) else {
                break;
            };
            let view = digest_view(digests, key, patients, &prepared);
            let mut value = serde_json::to_value(&view).expect("digest serialises");
            typesetter.make_printable(&mut value);
            let data = serde_json::to_vec(&value).expect("digest serialises");
            let written = typesetter
                .pdf(
                    Document::Digest,
                    data,
                    date,
                    &format!("batch/digest/{name}"),
                )
                .map_err(|e| e.to_string())
                .and_then(|pdf| {
                    crate::output::write_atomic(&dir, &format!("{name}.pdf"), &pdf)
                        .map_err(|e| e.to_string())
                });
            if let Err(e) = written {
                failures.lock().unwrap_or_else(|e| e.into_inner()).push(e);
            }
        }
    };
    std::thread::scope(|scope| {
        for n in 0..jobs.max(1) {
            std::thread::Builder::new()
                .name(format!("digest-{n}"))
                .stack_size(32 * 1024 * 1024)
                .spawn_scoped(scope, worker)
                .expect("a digest thread starts");
        }
    });
    if let Some(e) = failures.into_inner().unwrap_or_default().into_iter().next() {
        return Err(e);
    }
    let names: Vec<String> = plan
        .iter()
        .map(|(name, ..)| format!("{name}.pdf"))
        .collect();
    for entry in std::fs::read_dir(&dir).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".pdf") && !names.contains(&name) {
            std::fs::remove_file(entry.path()).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// What `medreview merge` found and wrote.
#[derive(Debug)]
pub struct Merged {
    pub shards: usize,
    pub of: usize,
    pub records: usize,
    pub rendered: usize,
    pub failed: usize,
}

#[derive(Deserialize)]
struct ShardSummary {
    knowledge_version: String,
    rows: Vec<BatchRow>,
}

/// Combines the summaries and digests the shards of a batch wrote into
/// `dir` into the batch summary, the program overview and the prescriber
/// digests, as one unsharded run would have written them.
pub fn merge(dir: &Path, typesetter: &Typesetter) -> Result<Merged, String> {
    let mut shards: Vec<(usize, usize, ShardSummary, Vec<PatientDigest>)> = Vec::new();
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let Some(kn) = name
            .strip_prefix("batch-summary-")
            .and_then(|n| n.strip_suffix(".json"))
        else {
            continue;
        };
        let Some((k, n)) = kn
            .split_once("-of-")
            .and_then(|(k, n)| Some((k.parse::<usize>().ok()?, n.parse::<usize>().ok()?)))
        else {
            continue;
        };
        if k == 0 || n == 0 || k > n {
            return Err(format!(
                "{name}: a shard is numbered 1 to N (--shard K/N with 1 <= K <= N)"
            ));
        }
        let read = |file: &str| {
            std::fs::read(dir.join(file)).map_err(|e| format!("cannot read {file}: {e}"))
        };
        let summary: ShardSummary = serde_json::from_slice(&read(&name)?)
            .map_err(|e| format!("{name} is not a batch summary: {e}"))?;
        let digests_file = format!("batch-digests-{k}-of-{n}.json");
        let digests: Vec<PatientDigest> = serde_json::from_slice(&read(&digests_file)?)
            .map_err(|e| format!("{digests_file} is not a digest file: {e}"))?;
        shards.push((k, n, summary, digests));
    }
    let Some(of) = shards.first().map(|s| s.1) else {
        return Err(format!(
            "no shard summaries (batch-summary-K-of-N.json) in {}",
            dir.display()
        ));
    };
    if shards.iter().any(|s| s.1 != of) {
        return Err("the shard summaries are from batches split differently".into());
    }
    // Every shard, once, before anything is written: a partial batch
    // summary must never look like the whole program's.
    let missing: Vec<String> = (1..=of)
        .filter(|k| !shards.iter().any(|s| s.0 == *k))
        .map(|k| format!("{k}/{of}"))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "only {} of {of} shards have written their summary (missing: {}); nothing was \
             written",
            shards.len(),
            missing.join(", ")
        ));
    }
    // Back into input order: row j of shard k was file j*n + k - 1.
    let mut placed: Vec<(usize, BatchRow)> = Vec::new();
    let mut digests: Vec<(String, PatientDigest)> = Vec::new();
    let mut version = String::new();
    for (k, n, summary, shard_digests) in &shards {
        version.clone_from(&summary.knowledge_version);
        for (j, row) in summary.rows.iter().enumerate() {
            placed.push((j * n + k - 1, row.clone()));
        }
        for d in shard_digests {
            digests.push((d.id.clone(), d.clone()));
        }
    }
    placed.sort_by_key(|(i, _)| *i);
    let rows: Vec<BatchRow> = placed.into_iter().map(|(_, r)| r).collect();
    // Digests in the order of the rows.
    let order: std::collections::HashMap<&str, usize> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((r.patient.as_deref()?, i)))
        .collect();
    digests.sort_by_key(|(id, _)| order.get(id.as_str()).copied());
    let digests = Digests::Memory(digests.into_iter().map(|(_, d)| d).collect());
    let failed = rows.iter().filter(|r| r.error.is_some()).count();
    let summary = BatchSummary {
        records: rows.len(),
        rendered: rows.len() - failed,
        failed,
        skipped: rows.iter().filter(|r| r.skipped).count(),
        knowledge_version: &version,
        shard: None,
        rows: &rows,
    };
    crate::output::write_batch_summary(dir, "", &summary).map_err(|e| e.to_string())?;
    let jobs = std::thread::available_parallelism().map_or(1, usize::from);
    write_batch_documents(dir, typesetter, &summary, &digests, jobs)?;
    Ok(Merged {
        shards: shards.len(),
        of,
        records: summary.records,
        rendered: summary.rendered,
        failed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(n: usize, severity: Severity) -> PatientDigest {
        PatientDigest {
            id: format!("P{n:04}"),
            name: format!("Person {n}"),
            born: "1 May 1940".into(),
            file: format!("p{n}.toml"),
            reviewer: "R".into(),
            organization: None,
            program: None,
            return_fax: None,
            review_date: Date::new(2026, 11, 20).unwrap(),
            findings: vec![FindingDigest {
                check: "interaction".into(),
                severity,
                title: "Bleeding risk".into(),
            }],
            recommendations: Vec::new(),
            problems: vec![ProblemDigest {
                concern: "bleeding".into(),
                category: crate::knowledge::ProblemCategory::Safety,
                severity,
            }],
        }
    }

    fn summary(rows: &[BatchRow]) -> BatchSummary<'_> {
        BatchSummary {
            records: rows.len(),
            rendered: rows.len(),
            failed: 0,
            skipped: 0,
            knowledge_version: "test",
            shard: None,
            rows,
        }
    }

    #[test]
    fn the_overview_lists_everyone_to_call_first_most_serious_first() {
        let mut digests: Vec<PatientDigest> =
            (0..150).map(|n| digest(n, Severity::Major)).collect();
        digests.push(digest(150, Severity::Contraindicated));
        digests.push(digest(151, Severity::Moderate));
        let view = overview(&summary(&[]), &Digests::Memory(digests));
        assert_eq!(view.call_first_total, 151);
        assert_eq!(view.call_first[0].id, "P0150", "contraindicated first");
        assert_eq!(view.call_first[1].id, "P0000", "then by id");
        let csv = call_first_csv(&view.call_first);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 152, "a header and every patient to call");
        assert!(lines[1].starts_with("P0150,Person 150,1,0,"));
        assert!(!csv.contains("P0151"), "a moderate finding is not a call");
    }
}
