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
    /// One indentation level, detected on first use (most files never need it).
    indent_unit: std::sync::OnceLock<IndentUnit>,
    /// The step when the file shows none (a project's `rustfmt.toml`), else four spaces.
    indent_fallback: Option<IndentUnit>,
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
            indent_unit: std::sync::OnceLock::new(),
            indent_fallback: None,
        }
    }

    /// The step to use when the file's own lines show none (the project's `rustfmt.toml`).
    pub fn with_indent_fallback(mut self, fallback: Option<IndentUnit>) -> SourceFile {
        self.indent_fallback = fallback;
        self.indent_unit = std::sync::OnceLock::new();
        self
    }

    /// A later version of this file (the text after a transform's edits): same path, and the
    /// indentation already detected on the earlier text, so every transform indents alike.
    pub fn successor(&self, text: String) -> SourceFile {
        let next =
            SourceFile::new(self.path.clone(), text).with_indent_fallback(self.indent_fallback);
        if let Some(unit) = self.indent_unit.get() {
            let _ = next.indent_unit.set(*unit);
        }
        next
    }

    /// One indentation level of this file: what its own lines show, else the fallback.
    pub fn indent_unit(&self) -> IndentUnit {
        *self.indent_unit.get_or_init(|| {
            IndentUnit::detect(self.rust_text())
                .or(self.indent_fallback)
                .unwrap_or(IndentUnit::Spaces(4))
        })
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

/// rustfmt's default widths, for layout the transforms decide themselves (a file that was not
/// rustfmt-clean, or `--no-rustfmt`): a line (`max_width`), a chain on one line (`chain_width`).
pub const MAX_WIDTH: usize = 100;
pub const CHAIN_WIDTH: usize = 60;

/// One level of indentation: a tab, or a number of spaces (1 to 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndentUnit {
    Tab,
    Spaces(u8),
}

impl IndentUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            IndentUnit::Tab => "\t",
            IndentUnit::Spaces(n) => &"        "[..usize::from(n.clamp(1, 8))],
        }
    }

    /// `text` written in four-space steps (a template of a whole new file, with no multi-line
    /// string), in this unit: each leading group of four spaces becomes one step; spaces left
    /// over (alignment) stay.
    pub fn reindent(self, text: &str) -> String {
        if self == IndentUnit::Spaces(4) {
            return text.to_string();
        }
        text.split_inclusive('\n')
            .map(|line| {
                let n = line.len() - line.trim_start_matches(' ').len();
                format!("{}{}", self.as_str().repeat(n / 4), &line[n - n % 4..])
            })
            .collect()
    }

    /// The step `text` indents by, when its lines show one: tabs when more lines start with a
    /// tab than with spaces, else the most common increase of leading spaces from a line to
    /// the next where the next opens a level (after `{`, `(`, `[`, `=>`, `=`, or a `.` link);
    /// on a tie the larger step, so a few odd lines (alignment, a continuation) do not win.
    pub fn detect(text: &str) -> Option<IndentUnit> {
        let (mut tabs, mut spaced) = (0usize, 0usize);
        let mut steps = [0usize; 9];
        let mut previous: Option<(usize, &str)> = None;
        for line in text.lines() {
            let code = line.trim_start_matches([' ', '\t']);
            let code = code.trim_end();
            if code.is_empty() {
                continue;
            }
            let lead = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
            if lead.starts_with('\t') {
                tabs += 1;
            } else if !lead.is_empty() {
                spaced += 1;
            }
            // Comments say nothing reliable (doc text, commented-out code at any depth).
            if code.starts_with("//") || code.starts_with("/*") || code.starts_with('*') {
                continue;
            }
            let width = (!lead.contains('\t')).then_some(lead.len());
            if let (Some((before, opener)), Some(width)) = (previous, width) {
                let opens = opener.ends_with(['{', '(', '['])
                    || opener.ends_with("=>")
                    || opener.ends_with('=')
                    || code.starts_with('.');
                if opens && width > before && width - before <= 8 {
                    steps[width - before] += 1;
                }
            }
            previous = width.map(|w| (w, code));
        }
        if tabs > spaced {
            return Some(IndentUnit::Tab);
        }
        let (step, count) = steps
            .iter()
            .enumerate()
            .rev()
            .max_by_key(|(_, count)| **count)?;
        (*count > 0).then_some(IndentUnit::Spaces(step as u8))
    }
}

/// One indentation level deeper than `indent`: a tab on a line indented with tabs (a
/// `hard_tabs` project keeps its style, whatever the rest of the file does), else the file's
/// `unit` (spaces: four when a tab-indented file has a line indented with spaces).
pub fn deeper(indent: &str, unit: IndentUnit) -> String {
    let step = if indent.ends_with('\t') || (indent.is_empty() && unit == IndentUnit::Tab) {
        "\t"
    } else {
        spaces(unit)
    };
    format!("{indent}{step}")
}

/// One indentation level shallower than `indent` (a tab or the file's step of spaces), or
/// `indent` itself.
pub fn shallower(indent: &str, unit: IndentUnit) -> &str {
    indent
        .strip_suffix('\t')
        .or_else(|| indent.strip_suffix(spaces(unit)))
        .unwrap_or(indent)
}

/// `text` (a multi-line piece written on a line indented `from`) for a line indented `to`: its
/// continuation lines move by the same amount; a line that does not start with `from` stays.
pub fn reindent_continuations(text: &str, from: &str, to: &str) -> String {
    if from == to || !text.contains('\n') {
        return text.to_string();
    }
    let mut lines = text.split('\n');
    let mut out = lines.next().unwrap_or_default().to_string();
    for line in lines {
        out.push('\n');
        match line.strip_prefix(from) {
            Some(rest) => {
                out.push_str(to);
                out.push_str(rest);
            }
            None => out.push_str(line),
        }
    }
    out
}

fn spaces(unit: IndentUnit) -> &'static str {
    match unit {
        IndentUnit::Tab => "    ",
        IndentUnit::Spaces(_) => unit.as_str(),
    }
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

    fn unit(text: &str) -> IndentUnit {
        SourceFile::new("x.rs", text.to_string()).indent_unit()
    }

    #[test]
    fn indent_unit_is_the_files_own_step() {
        let two = "fn main() {\n  let x = foo()\n    .bar();\n  if x {\n    y();\n  }\n}\n";
        assert_eq!(unit(two), IndentUnit::Spaces(2));
        let four =
            "fn main() {\n    let x = foo()\n        .bar();\n    if x {\n        y();\n    }\n}\n";
        assert_eq!(unit(four), IndentUnit::Spaces(4));
        let tabs = "fn main() {\n\tlet x = foo()\n\t\t.bar();\n\tif x {\n\t\ty();\n\t}\n}\n";
        assert_eq!(unit(tabs), IndentUnit::Tab);
        // One continuation line eight spaces in does not outvote the file's two-space blocks.
        let continuation = "fn main() {\n  let x =\n          long_call(a, b);\n  if x {\n    y();\n  }\n  z(\n    w,\n  );\n}\n";
        assert_eq!(unit(continuation), IndentUnit::Spaces(2));
        // No indented line: four spaces, or the project's rustfmt setting when there is one.
        let flat = "use a::b;\nfn f() {}\n";
        assert_eq!(unit(flat), IndentUnit::Spaces(4));
        let with = SourceFile::new("x.rs", flat.to_string())
            .with_indent_fallback(Some(IndentUnit::Spaces(2)));
        assert_eq!(with.indent_unit(), IndentUnit::Spaces(2));
        // The file's own lines win over the fallback.
        let with = SourceFile::new("x.rs", four.to_string())
            .with_indent_fallback(Some(IndentUnit::Spaces(2)));
        assert_eq!(with.indent_unit(), IndentUnit::Spaces(4));
        // Doc comments and blank lines are not evidence.
        let docs = "/// a\n///   b\nfn f() {\n\n  // x\n  g();\n}\n";
        assert_eq!(unit(docs), IndentUnit::Spaces(2));
    }

    #[test]
    fn deeper_and_shallower_take_the_unit() {
        let two = IndentUnit::Spaces(2);
        assert_eq!(deeper("  ", two), "    ");
        assert_eq!(shallower("    ", two), "  ");
        assert_eq!(deeper("", IndentUnit::Tab), "\t");
        assert_eq!(deeper("\t", IndentUnit::Spaces(4)), "\t\t");
        assert_eq!(deeper("    ", IndentUnit::Spaces(4)), "        ");
        assert_eq!(shallower("\t\t", two), "\t");
        assert_eq!(shallower(" ", two), " ");
        let template = "fn f() {\n    if x {\n        y(a,\n          b);\n    }\n}\n";
        assert_eq!(
            two.reindent(template),
            "fn f() {\n  if x {\n    y(a,\n      b);\n  }\n}\n"
        );
        assert_eq!(
            IndentUnit::Tab.reindent(template),
            "fn f() {\n\tif x {\n\t\ty(a,\n\t\t  b);\n\t}\n}\n"
        );
        assert_eq!(IndentUnit::Spaces(4).reindent(template), template);
    }
}
