//! Byte-range text edits on the original text: the only way a transform changes a file.
//!
//! An [`EditSet`] holds disjoint edits (overlaps are rejected, identical duplicates dropped) and
//! applies them in one forward pass. It can also map an offset of the edited text back to the
//! original, so findings point at the file the user has.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> TextRange {
        assert!(start <= end, "inverted range {start}..{end}");
        TextRange { start, end }
    }

    pub fn empty(at: usize) -> TextRange {
        TextRange { start: at, end: at }
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Whether two ranges share bytes, or two insertions share a point, or an insertion sits
    /// strictly inside a replaced range.
    pub fn overlaps(self, other: TextRange) -> bool {
        if self.is_empty() && other.is_empty() {
            return self.start == other.start;
        }
        if self.is_empty() {
            return other.start < self.start && self.start < other.end;
        }
        if other.is_empty() {
            return self.start < other.start && other.start < self.end;
        }
        self.start < other.end && other.start < self.end
    }
}

impl fmt::Display for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// Replace `range` of the original text by `replacement` (an insertion when the range is empty,
/// a deletion when the replacement is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub replacement: String,
}

impl Edit {
    pub fn replace(range: TextRange, replacement: impl Into<String>) -> Edit {
        Edit {
            range,
            replacement: replacement.into(),
        }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit {
            range: TextRange::empty(at),
            replacement: text.into(),
        }
    }

    pub fn delete(range: TextRange) -> Edit {
        Edit {
            range,
            replacement: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("edit at {new} overlaps an earlier edit at {existing}")]
pub struct Conflict {
    pub existing: TextRange,
    pub new: TextRange,
}

/// Disjoint edits, kept sorted by position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditSet {
    edits: Vec<Edit>,
}

impl EditSet {
    pub fn new() -> EditSet {
        EditSet::default()
    }

    /// Adds an edit; rejects one that overlaps an edit already present. An identical duplicate
    /// (the same range and replacement, e.g. two sites asking for the same import) is dropped.
    pub fn insert(&mut self, edit: Edit) -> Result<(), Conflict> {
        if let Some(existing) = self.edits.iter().find(|e| e.range.overlaps(edit.range)) {
            if *existing == edit {
                return Ok(());
            }
            return Err(Conflict {
                existing: existing.range,
                new: edit.range,
            });
        }
        if let Some(existing) = self.edits.iter().find(|e| *e == &edit) {
            let _ = existing;
            return Ok(());
        }
        // At equal starts an insertion goes before a replacement that starts there.
        let at = self.edits.partition_point(|e| {
            (e.range.start, !e.range.is_empty()) <= (edit.range.start, !edit.range.is_empty())
        });
        self.edits.insert(at, edit);
        Ok(())
    }

    /// Adds every edit of `other`, or none of them when one conflicts.
    pub fn extend_all(&mut self, other: EditSet) -> Result<(), Conflict> {
        let mut merged = self.clone();
        for edit in other.edits {
            merged.insert(edit)?;
        }
        *self = merged;
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    pub fn len(&self) -> usize {
        self.edits.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Edit> {
        self.edits.iter()
    }

    /// Applies all edits to `text` (the text their ranges refer to) in one forward pass.
    pub fn apply(&self, text: &str) -> String {
        let growth: isize = self
            .edits
            .iter()
            .map(|e| e.replacement.len() as isize - e.range.len() as isize)
            .sum();
        let mut out = String::with_capacity((text.len() as isize + growth).max(0) as usize);
        let mut pos = 0;
        for edit in &self.edits {
            out.push_str(&text[pos..edit.range.start]);
            out.push_str(&edit.replacement);
            pos = edit.range.end;
        }
        out.push_str(&text[pos..]);
        debug_assert_eq!(out.len() as isize, text.len() as isize + growth);
        out
    }

    /// Maps an offset in the edited text back to the original text. An offset inside a
    /// replacement maps to the start of the range it replaced; the point where text was
    /// deleted maps to the start of the deletion, unless an insertion right there starts at it.
    pub fn map_back(&self, offset: usize) -> usize {
        let mut shift: isize = 0;
        let mut deleted_at = None;
        for edit in &self.edits {
            let new_start = (edit.range.start as isize + shift) as usize;
            let new_end = new_start + edit.replacement.len();
            if offset < new_start {
                break;
            }
            if offset < new_end {
                return edit.range.start;
            }
            if offset == new_start && edit.replacement.is_empty() {
                // Keep looking: an insertion at the same point claims the offset.
                deleted_at.get_or_insert(edit.range.start);
            }
            shift += edit.replacement.len() as isize - edit.range.len() as isize;
        }
        deleted_at.unwrap_or((offset as isize - shift).max(0) as usize)
    }

    /// Maps the end of a range in the edited text back to the original text: an end inside a
    /// replacement maps to the end of the range it replaced, so a range within new text covers
    /// the whole original text it came from (with [`Self::map_back`] for its start).
    pub fn map_back_end(&self, offset: usize) -> usize {
        let mut shift: isize = 0;
        for edit in &self.edits {
            let new_start = (edit.range.start as isize + shift) as usize;
            let new_end = new_start + edit.replacement.len();
            if offset <= new_start {
                break;
            }
            if offset <= new_end {
                return edit.range.end;
            }
            shift += edit.replacement.len() as isize - edit.range.len() as isize;
        }
        (offset as isize - shift).max(0) as usize
    }

    /// The ranges in the edited text that the replacements occupy.
    pub fn new_ranges(&self) -> Vec<TextRange> {
        let mut shift: isize = 0;
        self.edits
            .iter()
            .map(|e| {
                let start = (e.range.start as isize + shift) as usize;
                shift += e.replacement.len() as isize - e.range.len() as isize;
                TextRange::new(start, start + e.replacement.len())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(edits: &[(usize, usize, &str)]) -> Result<EditSet, Conflict> {
        let mut s = EditSet::new();
        for &(a, b, r) in edits {
            s.insert(Edit::replace(TextRange::new(a, b), r))?;
        }
        Ok(s)
    }

    #[test]
    fn applies_disjoint_edits_in_any_insertion_order() {
        let s = set(&[(6, 11, "there"), (0, 5, "HELLO"), (5, 5, ",")]).unwrap();
        assert_eq!(s.apply("hello world"), "HELLO, there");
    }

    #[test]
    fn rejects_overlaps_and_drops_identical_duplicates() {
        assert!(set(&[(0, 5, "a"), (4, 6, "b")]).is_err());
        assert!(set(&[(0, 5, "a"), (2, 2, "b")]).is_err());
        assert!(set(&[(3, 3, "a"), (3, 3, "b")]).is_err());
        let s = set(&[(0, 5, "a"), (0, 5, "a")]).unwrap();
        assert_eq!(s.len(), 1);
        // Touching ranges are not overlapping.
        assert!(set(&[(0, 5, "a"), (5, 6, "b"), (5, 5, "c")]).is_ok());
    }

    #[test]
    fn the_end_of_a_range_inside_new_text_maps_to_the_end_of_what_it_replaced() {
        let s = set(&[(0, 5, "HELLO!!"), (6, 11, "x")]).unwrap();
        // "HELLO!! x!": `LL` (2..4) lies inside the first replacement.
        assert_eq!((s.map_back(2), s.map_back_end(4)), (0, 5));
        // An end right at a replacement's start is before it; after it, shifted back.
        assert_eq!(s.map_back_end(8), 6);
        assert_eq!(s.map_back_end(7), 5);
        assert_eq!(s.map_back_end(10), 12);
    }

    #[test]
    fn map_back_finds_original_offsets() {
        let s = set(&[(0, 5, "HELLO!!"), (6, 11, "x")]).unwrap();
        let out = s.apply("hello world!");
        assert_eq!(out, "HELLO!! x!");
        assert_eq!(s.map_back(out.find('!').unwrap()), 0);
        assert_eq!(s.map_back(out.find(' ').unwrap()), 5);
        assert_eq!(s.map_back(out.len() - 1), 11);
        assert_eq!(
            s.new_ranges(),
            vec![TextRange::new(0, 7), TextRange::new(8, 9)]
        );
        // Found by tests/properties.rs: after a deletion, an insertion at its end keeps its
        // own origin.
        let s = set(&[(0, 2, ""), (2, 2, "X")]).unwrap();
        assert_eq!(s.apply("aaaaa"), "Xaaa");
        assert_eq!(s.map_back(0), 2);
    }
}
