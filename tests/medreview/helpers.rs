//! Shared helpers: paths of the sample data, a rendered copy of it made once
//! per test run, and PDF text extraction.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The valid sample records, sorted.
pub fn sample_records() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("sample-data"))
        .expect("sample-data exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// The broken sample records, sorted.
pub fn invalid_records() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("sample-data/invalid"))
        .expect("sample-data/invalid exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// The result of one `render` run.
pub struct Run {
    pub dir: tempfile::TempDir,
    pub status: i32,
    pub console: String,
}

/// Renders `paths` into a new temporary folder.
pub fn render(paths: &[PathBuf], jobs: usize) -> Run {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("out");
    let mut console = Vec::new();
    let options = medreview::RenderOptions {
        jobs,
        ..Default::default()
    };
    let status = medreview::render(paths, &out, &options, &mut console);
    Run {
        dir,
        status,
        console: String::from_utf8(console).expect("UTF-8 console output"),
    }
}

impl Run {
    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }
}

/// The sample data rendered once for all tests that only read it.
pub fn rendered_samples() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| render(&sample_records(), 2))
}

/// The text of a PDF, whitespace folded to single spaces, long words
/// joined again where they were broken.
pub fn pdf_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.starts_with(b"%PDF-"),
        "{} is not a PDF",
        path.display()
    );
    let text = pdf_extract::extract_text_from_mem(&bytes)
        .unwrap_or_else(|e| panic!("{} does not open: {e}", path.display()));
    // A long word is printed with invisible break opportunities (U+200B):
    // where the line broke at one, the word is read whole again.
    let text = text.replace("\u{200b}\n", "").replace('\u{200b}', "");
    fold(&text)
}

/// Folds every run of whitespace to one space.
pub fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The one patient folder in `out` whose `findings.json` names `id`.
pub fn folder_of(out: &Path, id: &str) -> PathBuf {
    for entry in std::fs::read_dir(out).expect("output folder") {
        let path = entry.expect("entry").path();
        let json = path.join("findings.json");
        if let Ok(text) = std::fs::read_to_string(&json) {
            let value: serde_json::Value =
                serde_json::from_str(&text).expect("findings.json parses");
            if value["patient"] == id {
                return path;
            }
        }
    }
    panic!("no folder for patient {id} in {}", out.display());
}

/// Every file under `dir`, in sorted order.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect()
}
