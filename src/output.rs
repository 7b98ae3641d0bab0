//! The write stage: folder names that cannot escape the output folder,
//! atomic private file writes, and the batch summary.
//!
//! Files are written to a temporary file in the same folder and renamed, so
//! an interrupted run never leaves a truncated PDF. On Unix, folders are
//! created `0700` and files `0600`: they hold health information.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

/// A folder or file name made from any id: only ASCII letters, digits, `-`,
/// `_` and `.` survive; anything else becomes `_`. When the id had to be
/// changed, a short hash of the original keeps two ids apart ("a/b" and
/// "a:b"). The result never starts with a dot, so `..` cannot climb out.
pub fn safe_name(id: &str) -> String {
    let mut name: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    name = name.trim_start_matches('.').chars().take(80).collect();
    if name != id || name.is_empty() {
        name = format!(
            "{}-{:08x}",
            if name.is_empty() { "_" } else { &name },
            fnv1a(&[id])
        );
    }
    name
}

/// A stable 32-bit hash (FNV-1a) of some texts, taken in order: for
/// folder names here and the knowledge base's content version.
pub fn fnv1a(parts: &[&str]) -> u32 {
    parts
        .iter()
        .flat_map(|p| p.bytes())
        .fold(0x811c_9dc5, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        })
}

/// The folder of one patient inside `out`.
pub fn patient_dir(out: &Path, patient_id: &str) -> PathBuf {
    out.join(safe_name(patient_id))
}

/// The permissions of the files written: `0o600` unless `--mode` said
/// otherwise. Set once, by the command line, for the whole process.
static FILE_MODE: std::sync::OnceLock<u32> = std::sync::OnceLock::new();

/// Sets the permissions of every file written from now on (`--mode`);
/// folders get the same with x where r is set. Only the first call counts.
pub fn set_file_mode(mode: u32) {
    let _ = FILE_MODE.set(mode & 0o666);
}

/// The permissions of the files written (`0o600` by default).
pub fn file_mode() -> u32 {
    FILE_MODE.get().copied().unwrap_or(0o600)
}

/// The permissions of the folders written (`0o700` by default).
pub fn dir_mode() -> u32 {
    let mode = file_mode();
    mode | ((mode & 0o444) >> 2)
}

/// Creates a folder (and its parents) readable only by its owner (or as
/// `--mode` says). A folder that already exists is left as it is: it may be
/// the user's own.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, dir_mode());
    builder.create(dir)
}

/// Creates a patient's folder, or makes an existing one (from an earlier
/// run) readable only by its owner again; temporaries left there by a run
/// that was killed are removed.
pub fn create_patient_dir(dir: &Path) -> io::Result<()> {
    create_private_dir(dir)?;
    #[cfg(unix)]
    fs::set_permissions(
        dir,
        std::os::unix::fs::PermissionsExt::from_mode(dir_mode()),
    )?;
    remove_stale_temporaries(dir)
}

/// Removes the `.tmp-*` files a killed run left in `dir`: the half-written
/// files of [`write_atomic`], which never reached their final name.
pub fn remove_stale_temporaries(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with(".tmp-") && entry.path().is_file() {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Creates (or empties) a file readable only by its owner (or as `--mode`
/// says), for writing as it goes.
pub fn create_private_file(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, file_mode());
    let file = options.open(path)?;
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(file_mode()))?;
    Ok(file)
}

/// Writes `bytes` to `dir/name` atomically, readable only by the owner (or
/// as `--mode` says): written in full and synced under a temporary name,
/// then renamed. A write that fails (a full disk) removes the temporary and
/// leaves any earlier file under the final name as it was.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    // tempfile creates files 0600 on Unix, and removes them when dropped.
    let mut file = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    file.write_all(bytes)?;
    #[cfg(unix)]
    if file_mode() != 0o600 {
        file.as_file()
            .set_permissions(std::os::unix::fs::PermissionsExt::from_mode(file_mode()))?;
    }
    file.as_file().sync_all()?;
    file.persist(dir.join(name)).map_err(|e| e.error)?;
    Ok(())
}

/// Removes letters left in a patient folder by an earlier run that this run
/// did not produce (a prescriber with nothing left to act on).
pub fn remove_stale_letters(dir: &Path, keep: &[String]) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.starts_with("letter-") && name.ends_with(".pdf") && !keep.contains(&name) {
            fs::remove_file(dir.join(&name))?;
        }
    }
    Ok(())
}

/// Removes the documents of an earlier run from a patient's folder, when
/// this run could not produce new ones.
pub fn remove_outputs(dir: &Path) -> io::Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".pdf") || name == "findings.json" {
            fs::remove_file(dir.join(&name))?;
        }
    }
    Ok(())
}

/// One row of the batch summary.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct BatchRow {
    pub file: String,
    pub patient: Option<String>,
    /// `ok` or `failed`.
    pub status: String,
    /// Unchanged since the last run (`--incremental`): not typeset again.
    #[serde(default)]
    pub skipped: bool,
    pub folder: Option<String>,
    pub documents: usize,
    /// Characters of the record that no embedded font can print, replaced
    /// by U+FFFD in the documents.
    pub unprintable_characters: usize,
    pub contraindicated: usize,
    pub major: usize,
    pub moderate: usize,
    pub minor: usize,
    pub dismissed: usize,
    pub error: Option<String>,
    /// Where a record that does not load goes wrong (0 for the whole file
    /// or a rendering failure); the console names the place, never the
    /// message, which may quote the record.
    #[serde(skip)]
    pub load_error_at: Option<(usize, usize)>,
}

/// The batch summary, as written to `batch-summary.json`.
#[derive(Debug, Serialize)]
pub struct BatchSummary<'a> {
    pub records: usize,
    pub rendered: usize,
    pub failed: usize,
    /// Unchanged since the last run (`--incremental`).
    pub skipped: usize,
    pub knowledge_version: &'a str,
    /// `K/N` when this is one shard of a batch.
    pub shard: Option<String>,
    pub rows: &'a [BatchRow],
}

/// Writes `batch-summary<suffix>.csv` and `.json` into `out` (the suffix
/// names a shard: `-2-of-8`).
pub fn write_batch_summary(out: &Path, suffix: &str, summary: &BatchSummary) -> io::Result<()> {
    let mut csv = String::from(
        "file,patient,status,folder,documents,unprintable_characters,contraindicated,major,moderate,minor,dismissed,error\n",
    );
    for r in summary.rows {
        let fields = [
            r.file.clone(),
            r.patient.clone().unwrap_or_default(),
            r.status.clone(),
            r.folder.clone().unwrap_or_default(),
            r.documents.to_string(),
            r.unprintable_characters.to_string(),
            r.contraindicated.to_string(),
            r.major.to_string(),
            r.moderate.to_string(),
            r.minor.to_string(),
            r.dismissed.to_string(),
            r.error.clone().unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        csv += &line.join(",");
        csv.push('\n');
    }
    write_atomic(out, &format!("batch-summary{suffix}.csv"), csv.as_bytes())?;
    let json = serde_json::to_vec_pretty(summary).expect("the summary serialises");
    write_atomic(out, &format!("batch-summary{suffix}.json"), &json)
}

/// Quotes a CSV field (RFC 4180). A leading `=`, `+`, `-` or `@` is
/// prefixed with `'` so a spreadsheet does not run it as a formula.
pub fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// The 64-bit FNV-1a hash of some bytes: stable across platforms and
/// versions, for telling whether an input changed (not for security).
pub fn fnv1a_64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_ids_stay_inside() {
        for id in [
            "../../etc",
            "..",
            ".",
            "",
            "/abs/path",
            "a/../../b",
            "C:\\x",
            "名前",
        ] {
            let name = safe_name(id);
            assert!(!name.contains(['/', '\\']), "{id} → {name}");
            assert!(!name.starts_with('.'), "{id} → {name}");
            assert!(!name.is_empty());
            let dir = patient_dir(Path::new("out"), id);
            assert_eq!(
                dir.parent(),
                Some(Path::new("out")),
                "{id} → {}",
                dir.display()
            );
        }
    }

    #[test]
    fn plain_ids_are_kept_and_altered_ones_stay_distinct() {
        assert_eq!(safe_name("MRN-004512"), "MRN-004512");
        assert_ne!(safe_name("a/b"), safe_name("a:b"));
    }

    #[test]
    fn atomic_writes_replace_whole_files_and_leave_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        write_atomic(dir.path(), "a.pdf", b"first version").unwrap();
        write_atomic(dir.path(), "a.pdf", b"second").unwrap();
        assert_eq!(fs::read(dir.path().join("a.pdf")).unwrap(), b"second");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.pdf"]);
    }

    #[test]
    fn stale_letters_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["letter-old.pdf", "letter-new.pdf", "summary.pdf"] {
            fs::write(dir.path().join(name), b"x").unwrap();
        }
        remove_stale_letters(dir.path(), &["letter-new.pdf".into()]).unwrap();
        assert!(!dir.path().join("letter-old.pdf").exists());
        assert!(
            dir.path().join("letter-new.pdf").exists() && dir.path().join("summary.pdf").exists()
        );
    }

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
    }
}
