//! The edit steps every placement shares, so the trace and the OTLP metrics/logs sites come out
//! the same way: comments the new code does not carry open it, replaced statements go with their
//! lines, and the site is replaced through its line ending.

use crate::engine::changes::Changes;
use crate::engine::edit::{Edit, TextRange};
use crate::engine::source::SourceFile;
use crate::engine::syntax::comments_in;

/// A rendered pipeline ready to go in place of the old one.
pub struct Placed<'s> {
    /// The old pipeline (statement or expression) the text replaces.
    pub range: TextRange,
    /// Whole statements that go (a builder kept in a local and its reassignments).
    pub deletes: &'s [TextRange],
    /// Comments to put before the text (see [`leftover_comments`]).
    pub lead: Vec<String>,
    /// The new code, starting at the site's column.
    pub text: String,
    /// Edits elsewhere that belong to the site (the local its exporter was kept in).
    pub also: Vec<(TextRange, String)>,
}

/// Puts `placed` into `out`: the lead comments, each on its own line at `indent`, open the
/// text; the deletes go; the site is replaced through its line ending.
pub fn place(file: &SourceFile, out: &mut Changes, placed: Placed<'_>, indent: &str) {
    let le = file.line_ending.as_str();
    let lead: String = placed
        .lead
        .iter()
        .map(|c| format!("{c}{le}{indent}"))
        .collect();
    for d in placed.deletes {
        out.edit(Edit::delete(*d));
    }
    for (range, text) in placed.also {
        out.replace(range, text);
    }
    replace_through_eol(file, out, placed.range, lead + &placed.text);
}

/// Comments in the replaced `ranges` that the rendered code does not already carry (it carries
/// the `carried` ranges verbatim). A block comment spanning lines is kept as is.
pub fn leftover_comments(
    file: &SourceFile,
    ranges: &[TextRange],
    carried: &[TextRange],
) -> Vec<String> {
    ranges
        .iter()
        .flat_map(|r| comments_in(file, *r))
        .filter(|c| !carried.iter().any(|k| k.contains_range(*c)))
        .map(|c| file.slice(c).trim_end().to_string())
        .collect()
}

/// Replaces `range`, taking the line ending right after it along (and writing it back), so a
/// line-based diff of the result lines up with the edit.
fn replace_through_eol(file: &SourceFile, out: &mut Changes, range: TextRange, text: String) {
    let le = file.line_ending.as_str();
    if file.text[range.end..].starts_with(le) {
        out.replace(TextRange::new(range.start, range.end + le.len()), text + le);
    } else {
        out.replace(range, text);
    }
}
