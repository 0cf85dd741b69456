//! A file's text and the facts every transform needs to edit it losslessly: its line ending,
//! the offset where Rust code starts (after a BOM or shebang), and a line index for positions.

use std::path::{Path, PathBuf};

use crate::engine::edit::TextRange;

/// The line ending a file uses. New text inserted by a transform must use the file's own ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    CrLf,
}

impl LineEnding {
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
        }
    }

    /// The dominant ending of `text` (CRLF only when most line breaks are CRLF).
    pub fn detect(text: &str) -> LineEnding {
        let lf = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let crlf = text.matches("\r\n").count();
        if crlf > 0 && crlf * 2 >= lf {
            LineEnding::CrLf
        } else {
            LineEnding::Lf
        }
    }
}

/// One file of the tree, decoded as UTF-8 (never lossily: a non-UTF-8 file is an error upstream).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    pub line_ending: LineEnding,
    /// Bytes before the Rust tokens that syn does not see: a UTF-8 BOM and a `#!` shebang line.
    pub base_offset: usize,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: String) -> SourceFile {
        let line_ending = LineEnding::detect(&text);
        let base_offset = rust_base_offset(&text);
        let line_starts = line_starts(&text);
        SourceFile {
            path: path.into(),
            text,
            line_ending,
            base_offset,
            line_starts,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn is_rust(&self) -> bool {
        self.path.extension().is_some_and(|e| e == "rs")
    }

    /// The text syn parses: everything after the BOM and shebang.
    pub fn rust_text(&self) -> &str {
        &self.text[self.base_offset..]
    }

    /// Parses the file as Rust. Spans of the result are relative to [`Self::rust_text`];
    /// convert them with [`crate::engine::syntax::range_of`].
    pub fn parse_rust(&self) -> syn::Result<syn::File> {
        syn::parse_str::<syn::File>(self.rust_text())
    }

    pub fn slice(&self, range: TextRange) -> &str {
        &self.text[range.start..range.end]
    }

    /// 1-based line and 1-based column in characters of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let column = self.text[start..offset].chars().count() + 1;
        (line + 1, column)
    }

    /// Byte range of 1-based `line`, without its line ending.
    pub fn line_range(&self, line: usize) -> TextRange {
        let start = self.line_starts[line - 1];
        let mut end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
            if end > start && bytes[end - 1] == b'\r' {
                end -= 1;
            }
        }
        TextRange::new(start, end)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The leading whitespace of the line that contains `offset`.
    pub fn indent_at(&self, offset: usize) -> &str {
        let (line, _) = self.line_col(offset);
        let range = self.line_range(line);
        let line_text = self.slice(range);
        let trimmed = line_text.trim_start_matches([' ', '\t']);
        &line_text[..line_text.len() - trimmed.len()]
    }
}

/// One indentation level deeper than `indent`: a tab on a line indented with tabs (a
/// `hard_tabs` project keeps its style), else four spaces.
pub fn deeper(indent: &str) -> String {
    let step = if indent.ends_with('\t') { "\t" } else { "    " };
    format!("{indent}{step}")
}

/// One indentation level shallower than `indent` (a tab or four spaces), or `indent` itself.
pub fn shallower(indent: &str) -> &str {
    indent
        .strip_suffix('\t')
        .or_else(|| indent.strip_suffix("    "))
        .unwrap_or(indent)
}

/// `range` widened to whole lines when nothing else shares them (for deleting a statement or
/// an item); a deletion between two blank lines takes one of them along.
pub fn whole_lines(file: &SourceFile, range: TextRange) -> TextRange {
    let (first, _) = file.line_col(range.start);
    let (last, _) = file.line_col(range.end.saturating_sub(1).max(range.start));
    let start_line = file.line_range(first);
    let end_line = file.line_range(last);
    let before = &file.text[start_line.start..range.start];
    let after = &file.text[range.end..end_line.end];
    if !(before.trim().is_empty() && after.trim().is_empty()) {
        return range;
    }
    let le_len = file.text[end_line.end..]
        .bytes()
        .take_while(|b| *b == b'\r' || *b == b'\n')
        .take(file.line_ending.as_str().len())
        .count();
    let mut end = end_line.end + le_len;
    let prev_blank = file.text[..start_line.start].ends_with("\n\n")
        || file.text[..start_line.start].ends_with("\n\r\n");
    let rest = file.text[end..].trim_start_matches([' ', '\t']);
    let next_blank = rest.starts_with('\n') || rest.starts_with("\r\n");
    if prev_blank && next_blank {
        end += file.text[end..].find('\n').map_or(0, |n| n + 1);
    }
    TextRange::new(start_line.start, end)
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    if starts.last() == Some(&text.len()) && !text.is_empty() {
        // A final newline does not open a new line for positions.
        starts.pop();
    }
    starts
}

/// Length of the BOM and shebang prefix, exactly as `syn::parse_file` strips them.
fn rust_base_offset(text: &str) -> usize {
    let mut offset = 0;
    if text.starts_with('\u{feff}') {
        offset = '\u{feff}'.len_utf8();
    }
    let rest = &text[offset..];
    if rest.starts_with("#!") && !rest[2..].trim_start().starts_with('[') {
        offset += rest.find('\n').unwrap_or(rest.len());
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_offset_skips_bom_and_shebang_but_not_inner_attributes() {
        assert_eq!(rust_base_offset("\u{feff}fn a() {}"), 3);
        assert_eq!(rust_base_offset("#!/usr/bin/env run\nfn a() {}"), 18);
        assert_eq!(rust_base_offset("#![allow(x)]\nfn a() {}"), 0);
        assert_eq!(rust_base_offset("\u{feff}#!/bin/x\r\nfn a() {}"), 3 + 8 + 1);
    }

    #[test]
    fn line_col_counts_characters_and_crlf() {
        let f = SourceFile::new("x.rs", "let é = x;\r\nfoo();\r\n".to_string());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col("let é = ".len()), (1, 9));
        assert_eq!(f.line_col(f.text.find("foo").unwrap()), (2, 1));
        assert_eq!(f.slice(f.line_range(1)), "let é = x;");
        assert_eq!(f.line_ending, LineEnding::CrLf);
        assert_eq!(f.line_count(), 2);
    }
}
