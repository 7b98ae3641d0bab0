//! One way to report a problem in an input file: file, line, column, what was
//! expected, and the quoted line with a marker under the culprit.
//!
//! Every error about a record (TOML syntax, a wrong type, a missing key, a
//! dismissal without a reason) becomes a [`Diagnostic`]; the terminal report,
//! `check --json` and the batch summary all print it from here.

use std::fmt;
use std::ops::Range;
use std::path::Path;

use serde::Serialize;

/// The most characters of a line a diagnostic quotes.
pub const QUOTE_CHARS: usize = 120;

/// A problem at one place in one input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file as given on the command line (or found under a folder).
    pub file: String,
    /// 1-based line; 0 when the problem is with the whole file.
    pub line: usize,
    /// 1-based column, counted in characters; 0 with `line` 0.
    pub column: usize,
    /// What is wrong and what was expected.
    pub message: String,
    /// The line quoted from the file, without its line break; a long line
    /// is cut to [`QUOTE_CHARS`] characters around the culprit.
    #[serde(skip)]
    pub quoted: String,
    /// The column of the line where `quoted` begins (1 unless cut).
    #[serde(skip)]
    pub quoted_from: usize,
    /// How many characters to underline from `column`.
    #[serde(skip)]
    pub width: usize,
}

impl Diagnostic {
    /// A problem with the file as a whole (unreadable, empty…).
    pub fn whole_file(path: &Path, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: path.display().to_string(),
            line: 0,
            column: 0,
            message: message.into(),
            quoted: String::new(),
            quoted_from: 1,
            width: 0,
        }
    }

    /// A problem at the byte range `span` of `text`, the contents of `path`.
    pub fn at(path: &Path, text: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[line_start..line_end].trim_end_matches('\r');
        let end = floor_char_boundary(text, span.end.clamp(start, line_end));
        let column = text[line_start..start].chars().count() + 1;
        // A line of 400,000 brackets is quoted as a window around the
        // culprit, not in full.
        let quoted_from = column.saturating_sub(QUOTE_CHARS / 2).max(1);
        let quoted: String = line
            .chars()
            .skip(quoted_from - 1)
            .take(QUOTE_CHARS)
            .collect();
        let room = QUOTE_CHARS - (column - quoted_from);
        Diagnostic {
            file: path.display().to_string(),
            line: text[..start].matches('\n').count() + 1,
            column,
            message: message.into(),
            width: text[start..end].chars().count().clamp(1, room.max(1)),
            quoted,
            quoted_from,
        }
    }
}

impl Diagnostic {
    /// `file:line:column: message` on one line, for summaries.
    pub fn one_line(&self) -> String {
        match self.line {
            0 => format!("{}: {}", self.file, self.message),
            _ => format!(
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            ),
        }
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            return write!(f, "{}: {}", self.file, self.message);
        }
        writeln!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        let number = self.line.to_string();
        let gutter = " ".repeat(number.len());
        // Tabs would shift the marker; show them as one space each.
        let quoted = self.quoted.replace('\t', " ");
        writeln!(f, "{gutter} |")?;
        writeln!(f, "{number} | {quoted}")?;
        write!(
            f,
            "{gutter} | {}{}",
            " ".repeat(self.column - self.quoted_from),
            "^".repeat(self.width)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_line_and_column_in_characters() {
        let text = "[patient]\nname = \"Zoë\"\nborn = \"x\"\n";
        let at = text.find("\"x\"").unwrap();
        let d = Diagnostic::at(Path::new("a.toml"), text, at..at + 3, "bad");
        assert_eq!((d.line, d.column, d.width), (3, 8, 3));
        assert_eq!(d.quoted, "born = \"x\"");
        let shown = d.to_string();
        assert!(shown.starts_with("a.toml:3:8: bad\n"), "{shown}");
        assert!(shown.ends_with("  |        ^^^"), "{shown}");
    }

    #[test]
    fn quotes_a_window_of_a_long_line() {
        let text = format!("notes = \"{}\" x", "a".repeat(10_000));
        let at = text.find(" x").unwrap() + 1;
        let d = Diagnostic::at(Path::new("a.toml"), &text, at..at + 1, "bad");
        assert_eq!(d.column, 10_012);
        assert_eq!(
            d.quoted.chars().count(),
            QUOTE_CHARS.min(10_012 - d.quoted_from + 1)
        );
        let shown = d.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        // The marker is under the `x`.
        let marker = lines[3].find('^').unwrap();
        assert_eq!(lines[2].as_bytes()[marker], b'x', "{shown}");
        assert!(shown.len() < 400, "{shown}");
    }

    #[test]
    fn counts_columns_after_multibyte_characters() {
        let text = "name = \"Zoë\" x";
        let at = text.find(" x").unwrap() + 1;
        let d = Diagnostic::at(Path::new("a.toml"), text, at..at + 1, "bad");
        assert_eq!(d.column, 14);
    }
}
