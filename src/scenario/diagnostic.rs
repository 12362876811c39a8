//! A problem in a scenario file, pointing at file, line, column and key, rendered with the
//! offending line and a caret under the value:
//!
//! ```text
//! error: shop.toml:14:6: handle_time.cv: the cv of a lognormal distribution must be a number > 0, got -0.5
//!    |
//! 14 | cv = -0.5
//!    |      ^^^^
//! ```

use crate::units::shortened;
use std::fmt;
use std::ops::Range;

/// Most characters of the source line one diagnostic quotes (around the column, with `…`),
/// and of the dotted key it names.
pub const MAX_QUOTED_CHARS: usize = 120;

/// Most characters of one diagnostic's message (a message may quote a value).
pub const MAX_MESSAGE_CHARS: usize = 400;

/// Most diagnostics reported for one file; past them, one "and N more problems".
pub const MAX_PER_FILE: usize = 50;

/// One problem found in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line, 0 when the problem has no place in the file (a missing file).
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// Dotted key, such as `handle_time.cv`; empty when unknown.
    pub key: String,
    /// What is wrong and what was expected.
    pub message: String,
    /// The source line and the caret under the value, when known.
    snippet: Option<(String, usize, usize)>,
}

impl Diagnostic {
    /// A problem at byte range `span` of `text`.
    pub fn at(file: &str, text: &str, span: Range<usize>, key: &str, message: String) -> Self {
        let start = span.start.min(text.len());
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let source_line = text[line_start..line_end].trim_end_matches('\r');
        let line = text[..start].matches('\n').count() + 1;
        let column = text[line_start..start].chars().count() + 1;
        let width = text[start..span.end.clamp(start, line_end)]
            .chars()
            .count()
            .max(1);
        Diagnostic {
            file: file.to_string(),
            line,
            column,
            key: shortened(key, 0, MAX_QUOTED_CHARS),
            message: shortened(&message, 0, MAX_MESSAGE_CHARS),
            snippet: Some(quoted(source_line, column, width)),
        }
    }

    /// At most [`MAX_PER_FILE`] of `problems` (of one file), then one that says how many more
    /// there were.
    pub fn capped(mut problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
        if problems.len() > MAX_PER_FILE {
            let more = problems.len() - MAX_PER_FILE;
            let file = problems[0].file.clone();
            problems.truncate(MAX_PER_FILE);
            problems.push(Diagnostic::whole_file(
                &file,
                format!("and {more} more problems (the first {MAX_PER_FILE} are shown)"),
            ));
        }
        problems
    }

    /// A problem with no place in a file (the file cannot be read, say).
    pub fn whole_file(file: &str, message: String) -> Self {
        Diagnostic {
            file: file.to_string(),
            line: 0,
            column: 0,
            key: String::new(),
            message,
            snippet: None,
        }
    }
}

/// The part of `line` a diagnostic quotes (at most [`MAX_QUOTED_CHARS`] characters around
/// the 1-based `column`), with the caret's column and width in that quote.
fn quoted(line: &str, column: usize, width: usize) -> (String, usize, usize) {
    if line.chars().count() <= MAX_QUOTED_CHARS {
        return (line.to_string(), column, width);
    }
    let from = (column - 1).saturating_sub(MAX_QUOTED_CHARS / 4);
    let quote = shortened(line, from, MAX_QUOTED_CHARS);
    let caret = column - from + usize::from(from > 0);
    let room = MAX_QUOTED_CHARS - (column - 1 - from);
    (quote, caret, width.min(room).max(1))
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some((source, column, width)) = &self.snippet {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            write!(
                f,
                "\n{pad} |\n{number} | {source}\n{pad} | {}{}",
                " ".repeat(column - 1),
                "^".repeat(*width)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_file_line_key_and_caret() {
        let text = "name = \"x\"\n[handle_time]\ncv = -0.5\n";
        let start = text.find("-0.5").unwrap();
        let d = Diagnostic::at(
            "shop.toml",
            text,
            start..start + 4,
            "handle_time.cv",
            "must be > 0".into(),
        );
        assert_eq!((d.line, d.column), (3, 6));
        assert_eq!(
            d.to_string(),
            "shop.toml:3:6: handle_time.cv: must be > 0\n  |\n3 | cv = -0.5\n  |      ^^^^"
        );
        assert_eq!(
            Diagnostic::whole_file("gone.toml", "cannot read it".into()).to_string(),
            "gone.toml: cannot read it"
        );
    }

    #[test]
    fn a_long_line_is_quoted_around_the_column() {
        let text = format!("cv = [{}-0.5, 1]\n", "1, ".repeat(100_000));
        let start = text.find("-0.5").unwrap();
        let d = Diagnostic::at("f.toml", &text, start..start + 4, "cv", "bad".into());
        let shown = d.to_string();
        assert!(shown.len() < 1000, "{}", shown.len());
        let lines: Vec<&str> = shown.lines().collect();
        let (quote, caret) = (lines[2], lines[3]);
        assert!(
            quote.starts_with("1 | …1, ") && quote.ends_with(", 1, -0.5, 1]"),
            "{quote}"
        );
        let at = quote.chars().position(|c| c == '-');
        assert_eq!(caret.chars().position(|c| c == '^'), at, "{shown}");
        assert_eq!(caret.matches('^').count(), 4);
        let many = (0..80)
            .map(|i| Diagnostic::at("f.toml", "x = 1", 0..1, "x", format!("{i}")))
            .collect();
        let capped = Diagnostic::capped(many);
        assert_eq!(capped.len(), MAX_PER_FILE + 1);
        assert!(
            capped[MAX_PER_FILE]
                .to_string()
                .contains("and 30 more problems")
        );
    }
}
