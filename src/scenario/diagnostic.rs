//! A problem in a scenario file, pointing at file, line, column and key, rendered with the
//! offending line and a caret under the value:
//!
//! ```text
//! error: shop.toml:14:6: handle_time.cv: the cv of a lognormal distribution must be a number > 0, got -0.5
//!    |
//! 14 | cv = -0.5
//!    |      ^^^^
//! ```

use std::fmt;
use std::ops::Range;

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
            key: key.to_string(),
            message,
            snippet: Some((source_line.to_string(), column, width)),
        }
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
}
