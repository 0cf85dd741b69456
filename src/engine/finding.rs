//! Findings: what a transform recognized but did not (or could not safely) rewrite, or what a
//! user must know about a rewrite. Data, not errors; rendered like rustc diagnostics.

use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::{Deserialize, Serialize};

use crate::engine::edit::TextRange;
use crate::engine::source::SourceFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The code will not compile until someone fixes this site.
    Error,
    /// Behaviour may differ: review.
    Warning,
    /// Advisory (a deployment file to update, a lockfile to refresh). Never fails `check`.
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }

    pub fn fails_check(self) -> bool {
        matches!(self, Severity::Error | Severity::Warning)
    }
}

/// A finding as a transform produces it: a byte range in the text that transform saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFinding {
    pub range: TextRange,
    pub severity: Severity,
    pub message: String,
    pub suggestion: Option<String>,
    /// The old item the finding is about, resolved (`opentelemetry::global::set_error_handler`):
    /// two findings on overlapping spans about the same item are one site, reported once.
    pub item: Option<String>,
    /// An old-API site the run leaves in the code (a residue scan's finding): counted by the
    /// coverage line, and folded into any earlier finding on an overlapping span, which
    /// already tells the user about it.
    pub left_behind: bool,
}

impl RawFinding {
    pub fn new(range: TextRange, severity: Severity, message: impl Into<String>) -> RawFinding {
        RawFinding {
            range,
            severity,
            message: message.into(),
            suggestion: None,
            item: None,
            left_behind: false,
        }
    }

    /// Marks the finding as an old-API site left in the code (see [`RawFinding::left_behind`]).
    pub fn left_behind(mut self) -> RawFinding {
        self.left_behind = true;
        self
    }

    /// Names the old item the finding is about (see [`RawFinding::item`]).
    pub fn about_item(mut self, item: impl Into<String>) -> RawFinding {
        self.item = Some(item.into());
        self
    }

    pub fn with_suggestion(mut self, suggestion: impl Into<String>) -> RawFinding {
        self.suggestion = Some(suggestion.into());
        self
    }
}

/// A finding located in the original file, as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// Where the construct ends (1-based line; column in characters, exclusive): a finding on
    /// a chain covers every call in it.
    pub end_line: usize,
    pub end_column: usize,
    /// The transform that reported it (the first in registry order when several did).
    pub transform: String,
    /// Every transform that reported this site, `transform` first.
    #[serde(default)]
    pub transforms: Vec<String>,
    pub severity: Severity,
    pub message: String,
    pub suggestion: Option<String>,
    /// The old item the finding is about, when the reporter named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// The original lines the finding covers, for reports read away from the
    /// code (HTML, merged reports). Filled by the run report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    /// Byte range in the original file (for rendering; not part of the JSON report).
    #[serde(skip)]
    pub range: Option<TextRange>,
}

impl Finding {
    /// Locates `raw`, whose range is already mapped to the original `file`.
    pub fn located(
        file: &SourceFile,
        display_path: &Path,
        transform: &str,
        raw: RawFinding,
    ) -> Finding {
        let (line, column) = file.line_col(raw.range.start);
        let (end_line, end_column) = file.line_col(raw.range.end);
        Finding {
            path: display_path.to_path_buf(),
            line,
            column,
            end_line,
            end_column,
            transform: transform.to_string(),
            transforms: vec![transform.to_string()],
            severity: raw.severity,
            message: raw.message,
            suggestion: raw.suggestion,
            item: raw.item,
            excerpt: None,
            range: Some(raw.range),
        }
    }

    /// A finding about a whole file or directory, with no position in it.
    pub fn about_path(
        path: &Path,
        transform: &str,
        severity: Severity,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            transform: transform.to_string(),
            transforms: vec![transform.to_string()],
            severity,
            message: message.into(),
            suggestion: None,
            item: None,
            excerpt: None,
            range: None,
        }
    }

    /// Whether `id` reported this finding (alone or with others).
    pub fn reported_by(&self, id: &str) -> bool {
        self.transform == id || self.transforms.iter().any(|t| t == id)
    }

    pub fn with_suggestion(mut self, suggestion: impl Into<String>) -> Finding {
        self.suggestion = Some(suggestion.into());
        self
    }

    /// Renders the finding like a rustc diagnostic. `source` is the original file text when
    /// there is an excerpt to show.
    pub fn render(&self, source: Option<&SourceFile>, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let path = self.path.display().to_string();
        let title = level
            .primary_title(self.message.as_str())
            .id(self.transform.as_str());
        let excerpt = match (source, self.range) {
            (Some(file), Some(range)) => Some(excerpt(file, range)),
            _ => None,
        };
        let mut groups: Vec<Group<'_>> = Vec::new();
        let head = match &excerpt {
            Some((text, line_start, span)) => title.element(
                Snippet::source(text.as_str())
                    .line_start(*line_start)
                    .path(path.as_str())
                    .annotation(AnnotationKind::Primary.span(span.clone())),
            ),
            None => title.element(
                annotate_snippets::Origin::path(path.as_str())
                    .line(self.line)
                    .char_column(self.column),
            ),
        };
        groups.push(head);
        let others: Vec<&str> = self
            .transforms
            .iter()
            .map(String::as_str)
            .filter(|t| *t != self.transform)
            .collect();
        let also = format!("also reported by: {}", others.join(", "));
        if !others.is_empty() {
            groups.push(Group::with_title(
                Level::NOTE.secondary_title(also.as_str()),
            ));
        }
        if let Some(help) = &self.suggestion {
            groups.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&groups)
    }

    /// The lines of `file` the finding covers (see [`Finding::excerpt`]).
    pub fn excerpt_in(&self, file: &SourceFile) -> Option<String> {
        self.range.map(|range| excerpt(file, range).0)
    }
}

/// The lines of `range` (all of them: the renderer folds the middle of a long construct, so
/// its start and end both show), with the range relative to them.
fn excerpt(file: &SourceFile, range: TextRange) -> (String, usize, std::ops::Range<usize>) {
    let (first_line, _) = file.line_col(range.start);
    let (last_line, _) = file.line_col(range.end.max(range.start));
    let last_line = last_line.min(file.line_count());
    let start = file.line_range(first_line).start;
    let end = file.line_range(last_line).end;
    // Show CRLF files without their `\r`: the renderer counts columns on the text it is given.
    let text = file.text[start..end].replace("\r\n", "\n");
    let span_start = file.text[start..range.start].replace("\r\n", "\n").len();
    let span_end = file.text[start..range.end.clamp(range.start, end)]
        .replace("\r\n", "\n")
        .len();
    let span_end = if span_end == span_start {
        (span_start + 1).min(text.len().max(span_start))
    } else {
        span_end
    };
    (text, first_line, span_start..span_end)
}
