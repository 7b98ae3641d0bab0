//! Typst as a library: the fonts and templates loaded once, a small `World`
//! per document, and PDF export.
//!
//! Each document sees exactly its template files and one data file,
//! `/data.json`, through one fixed file id (ids are interned for the whole
//! process and capped at 65,535, so one per patient would run out). Any other
//! path is `NotFound`: `read("/etc/passwd")` in a template fails, and no
//! package is ever fetched. `today()` is the review date, so documents are
//! the same bytes on every run. After every document the memoization cache
//! is evicted (see `typst-notes.md`: it grows without bound otherwise).

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::record::Date;

/// The fonts compiled into the binary: Noto Sans (Latin, Greek, Cyrillic),
/// Noto Sans Arabic, Hebrew and Devanagari, and Droid Sans Fallback for
/// Chinese, Japanese and Korean names. Licences sit beside them.
const FONT_FILES: &[&[u8]] = &[
    include_bytes!("fonts/NotoSans-Regular.ttf"),
    include_bytes!("fonts/NotoSans-Bold.ttf"),
    include_bytes!("fonts/NotoSansArabic-Regular.ttf"),
    include_bytes!("fonts/NotoSansArabic-Bold.ttf"),
    include_bytes!("fonts/NotoSansHebrew-Regular.ttf"),
    include_bytes!("fonts/NotoSansHebrew-Bold.ttf"),
    include_bytes!("fonts/NotoSansDevanagari-Regular.ttf"),
    include_bytes!("fonts/NotoSansDevanagari-Bold.ttf"),
    include_bytes!("fonts/DroidSansFallbackFull.ttf"),
];

/// The templates built into the binary (`templates/`).
const BUILT_IN_TEMPLATES: &[(&str, &str)] = &[
    ("common.typ", include_str!("../../templates/common.typ")),
    ("summary.typ", include_str!("../../templates/summary.typ")),
    ("letter.typ", include_str!("../../templates/letter.typ")),
    ("appendix.typ", include_str!("../../templates/appendix.typ")),
    ("overview.typ", include_str!("../../templates/overview.typ")),
    ("digest.typ", include_str!("../../templates/digest.typ")),
];

/// The batch documents' templates: a clinic's template folder may leave
/// them out, and then the built-in ones (which import nothing) are used.
const BATCH_TEMPLATES: &[&str] = &["overview.typ", "digest.typ"];

/// The documents a template set must provide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    Summary,
    Letter,
    Appendix,
    /// The program overview of a batch.
    Overview,
    /// One prescriber's digest across a batch.
    Digest,
}

impl Document {
    fn template(self) -> &'static str {
        match self {
            Document::Summary => "summary.typ",
            Document::Letter => "letter.typ",
            Document::Appendix => "appendix.typ",
            Document::Overview => "overview.typ",
            Document::Digest => "digest.typ",
        }
    }
}

/// Why a document could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum TypesetError {
    #[error("cannot read the templates in {dir}: {source}")]
    ReadTemplates { dir: String, source: std::io::Error },
    #[error("the template folder {dir} has no {name}")]
    MissingTemplate { dir: String, name: &'static str },
    #[error(
        "the template folder {dir} holds \"{name}\", a file name templates cannot \
         refer to (rename it or move it out of the folder)"
    )]
    BadTemplateName { dir: String, name: String },
    #[error("template error (a bug in the template, not in the record):\n{0}")]
    Template(String),
}

/// Fonts, templates and the standard library, shared by all documents and
/// all threads.
pub struct Typesetter {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    files: HashMap<FileId, (Bytes, Option<Source>)>,
    data_id: FileId,
    /// Time spent in Typst's compile (layout) and PDF export, summed over
    /// all threads, for the benchmark.
    compile_ns: AtomicU64,
    export_ns: AtomicU64,
    /// Pages typeset so far.
    pages: AtomicU64,
    /// A hash of every template file, for `--incremental`.
    templates_hash: u64,
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("a valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl Typesetter {
    /// Loads the built-in templates, or every file of `dir` when given (a
    /// clinic's own templates; they must provide the three documents).
    pub fn new(dir: Option<&Path>) -> Result<Typesetter, TypesetError> {
        let mut sources: Vec<(String, Vec<u8>)> = Vec::new();
        match dir {
            None => {
                for (name, text) in BUILT_IN_TEMPLATES {
                    sources.push(((*name).to_owned(), text.as_bytes().to_vec()));
                }
            }
            Some(dir) => {
                let read_err = |source| TypesetError::ReadTemplates {
                    dir: dir.display().to_string(),
                    source,
                };
                let mut entries: Vec<_> = std::fs::read_dir(dir)
                    .map_err(read_err)?
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .collect();
                entries.sort_by_key(|e| e.file_name());
                for entry in entries {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    // Typst's virtual paths refuse some names (a backslash):
                    // a usage error, never a panic later.
                    if VirtualPath::new(format!("/{name}")).is_err() {
                        return Err(TypesetError::BadTemplateName {
                            dir: dir.display().to_string(),
                            name,
                        });
                    }
                    let bytes = std::fs::read(entry.path()).map_err(read_err)?;
                    sources.push((name, bytes));
                }
                for (name, text) in BUILT_IN_TEMPLATES {
                    if BATCH_TEMPLATES.contains(name) && !sources.iter().any(|(n, _)| n == name) {
                        sources.push(((*name).to_owned(), text.as_bytes().to_vec()));
                    }
                }
                for doc in [Document::Summary, Document::Letter, Document::Appendix] {
                    if !sources.iter().any(|(n, _)| n == doc.template()) {
                        return Err(TypesetError::MissingTemplate {
                            dir: dir.display().to_string(),
                            name: doc.template(),
                        });
                    }
                }
            }
        }
        let mut templates_hash = 0u64;
        for (name, bytes) in &sources {
            templates_hash ^= crate::output::fnv1a_64(name.as_bytes())
                .rotate_left(7)
                .wrapping_add(crate::output::fnv1a_64(bytes));
        }
        let mut files = HashMap::new();
        for (name, bytes) in sources {
            let id = file_id(&format!("/{name}"));
            let source = name
                .ends_with(".typ")
                .then(|| {
                    String::from_utf8(bytes.clone())
                        .ok()
                        .map(|text| Source::new(id, text))
                })
                .flatten();
            files.insert(id, (Bytes::new(bytes), source));
        }
        let fonts: Vec<Font> = FONT_FILES
            .iter()
            .flat_map(|data| Font::iter(Bytes::new(*data)))
            .collect();
        Ok(Typesetter {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            files,
            data_id: file_id("/data.json"),
            compile_ns: AtomicU64::new(0),
            export_ns: AtomicU64::new(0),
            pages: AtomicU64::new(0),
            templates_hash,
        })
    }

    /// Whether some embedded font can print `c`.
    fn printable(&self, c: char) -> bool {
        !is_reordering_or_control(c)
            && (c.is_ascii()
                || self
                    .fonts
                    .iter()
                    .any(|f| f.info().coverage.contains(u32::from(c))))
    }

    /// Replaces, in every string of a view model, control characters,
    /// characters that reorder text, and the characters no embedded
    /// font can print (an emoji in a note, a rare script) with U+FFFD, and
    /// drops invisible joiners and variation selectors that then have
    /// nothing to join. Returns how many characters were replaced. Without
    /// this, PDF/UA export refuses the whole document.
    ///
    /// A word longer than [`LONGEST_UNBROKEN`] characters (an address, a
    /// code, a pasted string) gets an invisible break opportunity (U+200B)
    /// after every [`CHUNK`] characters: Typst never breaks inside a word,
    /// and such a word would run off the page or out of its table cell.
    /// Real words, medicine names among them, are shorter and untouched.
    pub fn make_printable(&self, value: &mut serde_json::Value) -> usize {
        match value {
            serde_json::Value::String(text) => {
                let long_word = text
                    .split(|c: char| breaks_after(c))
                    .any(|w| w.chars().count() > LONGEST_UNBROKEN);
                if !long_word && text.chars().all(|c| self.printable(c)) {
                    return 0;
                }
                let mut replaced = 0;
                let mut out = String::with_capacity(text.len());
                // Where a word is too long, a break every few characters.
                let chunks: Vec<usize> = text
                    .split(|c: char| breaks_after(c))
                    .map(|w| w.chars().count())
                    .collect();
                let mut word = 0;
                let mut run = 0;
                for c in text.chars() {
                    if breaks_after(c) {
                        word += 1;
                        run = 0;
                    } else if chunks[word] > LONGEST_UNBROKEN && run == CHUNK && run > 0 {
                        out.push('\u{200B}');
                        run = 0;
                    }
                    if self.printable(c) {
                        out.push(c);
                        run += usize::from(!breaks_after(c));
                    } else if !is_reordering_or_control(c)
                        && matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}')
                    {
                        // invisible: nothing to show
                    } else {
                        out.push('\u{FFFD}');
                        replaced += 1;
                        run += 1;
                    }
                }
                *text = out;
                replaced
            }
            serde_json::Value::Array(items) => {
                items.iter_mut().map(|v| self.make_printable(v)).sum()
            }
            serde_json::Value::Object(map) => {
                map.values_mut().map(|v| self.make_printable(v)).sum()
            }
            _ => 0,
        }
    }

    /// Typesets one document from its view model (as JSON) into PDF bytes.
    ///
    /// `ident` must be stable and unique per document (patient id and
    /// document name): it seeds the PDF's identifier.
    pub fn pdf(
        &self,
        document: Document,
        data: Vec<u8>,
        date: Date,
        ident: &str,
    ) -> Result<Vec<u8>, TypesetError> {
        let world = DocumentWorld {
            base: self,
            main: file_id(&format!("/{}", document.template())),
            data: Bytes::new(data),
            today: Datetime::from_ymd(date.year, date.month, date.day),
        };
        let result = self.compile_and_export(&world, date, ident);
        // The cache is process-wide and unbounded: evict after every
        // document, failed ones included. Keeping entries longer (an age of
        // 4 or 16 instead of 2) measured slower and larger here (100
        // synthetic patients, 2 workers: 13.5 s and 130 MB at 2, 15.4 s
        // at 4, 17.4 s and 212 MB at 16).
        typst::comemo::evict(2);
        result
    }

    /// Lays one document out without exporting it and returns every run
    /// of text with its page, place, size and colour: what an audit of the
    /// print needs (large-print sizes, text inside the margins, contrast).
    pub fn text_runs(
        &self,
        document: Document,
        data: Vec<u8>,
        date: Date,
    ) -> Result<Vec<TextRun>, TypesetError> {
        let world = DocumentWorld {
            base: self,
            main: file_id(&format!("/{}", document.template())),
            data: Bytes::new(data),
            today: Datetime::from_ymd(date.year, date.month, date.day),
        };
        let result = typst::compile::<PagedDocument>(&world)
            .output
            .map_err(|e| TypesetError::Template(describe(&world, &e)))
            .map(|doc| {
                let mut runs = Vec::new();
                for (number, page) in doc.pages().iter().enumerate() {
                    let size = page.frame.size();
                    let place = Place {
                        page: number + 1,
                        page_width: size.x.to_pt(),
                        page_height: size.y.to_pt(),
                    };
                    collect_runs(&page.frame, IDENTITY, &place, &mut runs);
                }
                runs
            });
        typst::comemo::evict(2);
        result
    }

    /// Counts what a worker process typeset with the same templates, so
    /// that [`Typesetter::pages`] and [`Typesetter::engine_time`] cover the
    /// whole batch.
    pub fn count_elsewhere(&self, pages: u64, compile: Duration, export: Duration) {
        self.pages.fetch_add(pages, Ordering::Relaxed);
        self.compile_ns.fetch_add(nanos(compile), Ordering::Relaxed);
        self.export_ns.fetch_add(nanos(export), Ordering::Relaxed);
    }

    /// Pages typeset so far, over all threads.
    pub fn pages(&self) -> u64 {
        self.pages.load(Ordering::Relaxed)
    }

    /// The font files compiled into the binary, for running the same
    /// templates with the `typst` command line (the benchmark does).
    pub fn font_files() -> &'static [&'static [u8]] {
        FONT_FILES
    }

    /// The built-in templates: file name and text.
    pub fn built_in_templates() -> &'static [(&'static str, &'static str)] {
        BUILT_IN_TEMPLATES
    }

    /// A hash of every template file.
    pub fn templates_hash(&self) -> u64 {
        self.templates_hash
    }

    /// Time spent in Typst so far, summed over all threads: compile (layout)
    /// and PDF export.
    pub fn engine_time(&self) -> (Duration, Duration) {
        (
            Duration::from_nanos(self.compile_ns.load(Ordering::Relaxed)),
            Duration::from_nanos(self.export_ns.load(Ordering::Relaxed)),
        )
    }

    fn compile_and_export(
        &self,
        world: &DocumentWorld,
        date: Date,
        ident: &str,
    ) -> Result<Vec<u8>, TypesetError> {
        let began = Instant::now();
        let warned = typst::compile::<PagedDocument>(world);
        self.compile_ns
            .fetch_add(nanos(began.elapsed()), Ordering::Relaxed);
        // A warning (a missing font, say) silently changes the output: treat
        // it as an error of the template.
        if !warned.warnings.is_empty() {
            return Err(TypesetError::Template(describe(world, &warned.warnings)));
        }
        let document = warned
            .output
            .map_err(|e| TypesetError::Template(describe(world, &e)))?;
        self.pages
            .fetch_add(document.pages().len() as u64, Ordering::Relaxed);
        let standards = PdfStandards::new(&[PdfStandard::Ua_1])
            .map_err(|e| TypesetError::Template(e.message().to_string()))?;
        let timestamp = Datetime::from_ymd(date.year, date.month, date.day).map(Timestamp::new_utc);
        let options = PdfOptions {
            ident: Smart::Custom(ident.to_owned()),
            creator: Smart::Custom(Some("medreview".to_owned())),
            timestamp,
            standards,
            ..PdfOptions::default()
        };
        let began = Instant::now();
        let pdf = typst_pdf::pdf(&document, &options)
            .map_err(|e| TypesetError::Template(describe(world, &e)));
        self.export_ns
            .fetch_add(nanos(began.elapsed()), Ordering::Relaxed);
        pdf
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Renders Typst diagnostics with their place in the template.
fn describe(world: &DocumentWorld, diagnostics: &[SourceDiagnostic]) -> String {
    let mut out = Vec::new();
    for d in diagnostics {
        let mut line = d.message.to_string();
        if let Some(id) = d.span.id() {
            let place = world.source(id).ok().and_then(|source| {
                let range = world.range(d.span)?;
                let lines = source.lines();
                let row = lines.byte_to_line(range.start)?;
                let col = lines.byte_to_column(range.start)?;
                Some(format!(
                    "{}:{}:{}",
                    id.vpath().get_without_slash(),
                    row + 1,
                    col + 1
                ))
            });
            if let Some(place) = place {
                line = format!("{place}: {line}");
            }
        }
        for hint in &d.hints {
            line += &format!("\n  hint: {}", hint.v);
        }
        out.push(line);
    }
    out.join("\n")
}

/// One run of laid-out text. Positions are in points from the page's top
/// left corner; `y` is the baseline.
#[derive(Debug, Clone)]
pub struct TextRun {
    pub page: usize,
    pub page_width: f64,
    pub page_height: f64,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    /// The font size as printed, in points.
    pub size: f64,
    pub text: String,
    /// The text colour as 8-bit RGB.
    pub rgb: [u8; 3],
}

struct Place {
    page: usize,
    page_width: f64,
    page_height: f64,
}

/// An affine transform `[sx, ky, kx, sy, tx, ty]` (Typst's order).
type Affine = [f64; 6];
const IDENTITY: Affine = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `outer` after `inner`: maps a point of the inner space to the outer one.
fn compose(outer: Affine, inner: Affine) -> Affine {
    let [a, b, c, d, e, f] = outer;
    let [a2, b2, c2, d2, e2, f2] = inner;
    [
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    ]
}

fn collect_runs(frame: &typst::layout::Frame, ts: Affine, place: &Place, out: &mut Vec<TextRun>) {
    use typst::layout::FrameItem;
    for (pos, item) in frame.items() {
        let at = compose(ts, [1.0, 0.0, 0.0, 1.0, pos.x.to_pt(), pos.y.to_pt()]);
        match item {
            FrameItem::Group(group) => {
                let t = group.transform;
                let inner = [
                    t.sx.get(),
                    t.ky.get(),
                    t.kx.get(),
                    t.sy.get(),
                    t.tx.to_pt(),
                    t.ty.to_pt(),
                ];
                collect_runs(&group.frame, compose(at, inner), place, out);
            }
            FrameItem::Text(text) => {
                let [r, g, b, _] = match &text.fill {
                    typst::visualize::Paint::Solid(color) => color.to_vec4_u8(),
                    _ => [0, 0, 0, 255],
                };
                out.push(TextRun {
                    page: place.page,
                    page_width: place.page_width,
                    page_height: place.page_height,
                    x: at[4],
                    y: at[5],
                    width: text.width().to_pt() * at[0],
                    size: text.size.to_pt() * at[3],
                    text: text.text.to_string(),
                    rgb: [r, g, b],
                });
            }
            _ => {}
        }
    }
}

/// What one document sees.
struct DocumentWorld<'a> {
    base: &'a Typesetter,
    main: FileId,
    data: Bytes,
    today: Option<Datetime>,
}

impl World for DocumentWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.base.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.base.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        match self.base.files.get(&id) {
            Some((_, Some(source))) => Ok(source.clone()),
            Some((_, None)) => Err(FileError::NotSource),
            None => Err(not_found(id)),
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.base.data_id {
            return Ok(self.data.clone());
        }
        self.base
            .files
            .get(&id)
            .map(|(bytes, _)| bytes.clone())
            .ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.base.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}

/// A file the world does not have. A package (`@preview/...`) is never
/// fetched: medreview runs offline, with everything it uses embedded.
fn not_found(id: FileId) -> FileError {
    if let typst::syntax::VirtualRoot::Package(package) = id.root() {
        return FileError::Package(typst::diag::PackageError::Other(Some(
            format!(
                "package {package} is not available: medreview runs offline and \
                 templates may use only their own folder"
            )
            .into(),
        )));
    }
    FileError::NotFound(std::path::PathBuf::from(id.vpath().get_with_slash()))
}

/// The longest word printed as it is. The longest medicine names in the
/// knowledge base are under 20 characters between hyphens.
pub const LONGEST_UNBROKEN: usize = 24;

/// How many characters of a longer word go between break opportunities:
/// the narrowest table column holds about 12.
pub const CHUNK: usize = 8;

/// Where a word is counted from again: where Typst may break a line (a
/// space, a hyphen, a slash), and the `+` that joins two names in a
/// finding's id. Such ids stay whole: a break opportunity inside one would
/// be read aloud, and copied, as a space.
fn breaks_after(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '/' | '+' | '\u{2010}' | '\u{2013}' | '\u{2014}')
}

/// Control characters (but line breaks and tabs) and the bidirectional
/// embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069).
/// A right-to-left override in a name or a note would show the text after
/// it reversed, so that what is printed is not what the record says: such
/// characters print as U+FFFD and are counted, like unprintable ones. The
/// marks U+200E and U+200F, which Hebrew and Arabic text needs, stay.
pub fn is_reordering_or_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
