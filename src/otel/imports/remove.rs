//! Removing and renaming leaves of `use` items: the one implementation both the import plan
//! and the leaf editor use. A removed leaf goes with its whole group element (`metrics::X`,
//! not only `X`) and its comma; a group left with one element loses its braces (not for
//! `self`, and not when comments are inside); an emptied group goes from its parent, and an
//! emptied item is deleted with its line. Comments between elements are kept.

use crate::engine::changes::Changes;
use crate::engine::edit::{Edit, TextRange};
use crate::engine::item_edit::delete_item;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{comments_in, ident_str, range_of};

use super::guard::{self, Place, Request};
use super::tree::{leaf_path, tree_paths, use_items_with_scope, UseLeaf};

/// What to do with one leaf.
pub enum LeafEdit {
    Keep,
    Remove,
    /// Replace the leaf (name and alias) with this text.
    Replace(String),
}

/// Applies `decide` to every leaf of every `use` item of the file and adds the edits to `out`,
/// checked by the import guard (a violation leaves the file as it was, with an error).
pub fn edit_use_leaves(
    file: &SourceFile,
    syntax: &syn::File,
    out: &mut Changes,
    mut decide: impl FnMut(&UseLeaf) -> LeafEdit,
) {
    let mut edits = Vec::new();
    let mut request = Request::default();
    for (item, scope) in use_items_with_scope(syntax) {
        let item_edit = edit_item(file, item, &[], &mut |prefix, tree| {
            let Some(leaf) = UseLeaf::read(file, prefix, tree, scope) else {
                return LeafEdit::Keep;
            };
            let decision = decide(&leaf);
            let place = Place::Item(leaf.range.start);
            match &decision {
                LeafEdit::Keep => {}
                LeafEdit::Remove => request.remove(place, leaf_path(prefix, tree)),
                LeafEdit::Replace(text) => {
                    request.remove(place, leaf_path(prefix, tree));
                    match syn::parse_str::<syn::UseTree>(text) {
                        Ok(new) => request.add_all(place, tree_paths(prefix, &new)),
                        Err(_) => request.add(place, format!("<unparsable `{text}`>")),
                    }
                }
            }
            decision
        });
        edits.extend(item_edit);
    }
    guard::commit(file, &request, edits, out);
}

/// The edits for one `use` item under `decide` (called with each leaf and its prefix): none,
/// the leaves' edits, or the deletion of the whole item when every leaf goes. The groups in
/// `gaining` receive new items (a merge) and keep their braces.
pub(super) fn edit_item(
    file: &SourceFile,
    item: &syn::ItemUse,
    gaining: &[*const syn::UseGroup],
    decide: &mut dyn FnMut(&[String], &syn::UseTree) -> LeafEdit,
) -> Vec<Edit> {
    let mut walk = Walk {
        file,
        gaining,
        decide,
    };
    match walk.walk(&item.tree, &mut Vec::new()) {
        Walked::AllRemoved => vec![delete_item(file, item)],
        Walked::Edits(edits) => match one_line(file, item, &edits, gaining) {
            Some(collapsed) => vec![collapsed],
            None => edits,
        },
    }
}

/// A `use` item laid out over several lines because it did not fit in one (as rustfmt lays it
/// out) that fits once `edits` took leaves out: the item on one line, as rustfmt puts it.
/// Not for an item a merge adds to (its insertions are edits of their own), nor one with
/// comments or attributes.
fn one_line(
    file: &SourceFile,
    item: &syn::ItemUse,
    edits: &[Edit],
    gaining: &[*const syn::UseGroup],
) -> Option<Edit> {
    let range = range_of(file, item);
    let original = file.slice(range);
    if edits.is_empty()
        || !original.contains('\n')
        || !item.attrs.is_empty()
        || !comments_in(file, range).is_empty()
        || gaining_in(&item.tree, gaining)
    {
        return None;
    }
    let indent = file.indent_at(range.start).len();
    let head = file.slice(TextRange::new(
        range.start,
        range_of(file, &item.tree).start,
    ));
    let width = |tree: &syn::UseTree| indent + head.len() + one_line_tree(tree).len() + 1;
    if width(&item.tree) <= crate::engine::source::MAX_WIDTH {
        return None; // It fitted before: laid out so by hand, not by rustfmt.
    }
    let mut set = crate::engine::edit::EditSet::default();
    for e in edits {
        set.insert(e.clone()).ok()?;
    }
    let edited = set.apply(&file.text);
    // The item's edits all lie inside it: it starts where it did and ends moved by their sum.
    let grown: isize = edits
        .iter()
        .map(|e| e.replacement.len() as isize - e.range.len() as isize)
        .sum();
    let end = (range.end as isize + grown) as usize;
    let new_item: syn::ItemUse = syn::parse_str(&edited[range.start..end]).ok()?;
    (width(&new_item.tree) <= crate::engine::source::MAX_WIDTH)
        .then(|| Edit::replace(range, format!("{head}{};", one_line_tree(&new_item.tree))))
}

/// Whether a group of `tree` is one a merge adds to.
fn gaining_in(tree: &syn::UseTree, gaining: &[*const syn::UseGroup]) -> bool {
    match tree {
        syn::UseTree::Path(p) => gaining_in(&p.tree, gaining),
        syn::UseTree::Group(g) => {
            gaining.contains(&(g as *const syn::UseGroup))
                || g.items.iter().any(|t| gaining_in(t, gaining))
        }
        _ => false,
    }
}

/// `tree` on one line as rustfmt writes it: `a::{b, c as d, e::*}`.
fn one_line_tree(tree: &syn::UseTree) -> String {
    match tree {
        syn::UseTree::Path(p) => format!("{}::{}", p.ident, one_line_tree(&p.tree)),
        syn::UseTree::Name(n) => n.ident.to_string(),
        syn::UseTree::Rename(r) => format!("{} as {}", r.ident, r.rename),
        syn::UseTree::Glob(_) => "*".to_string(),
        syn::UseTree::Group(g) => {
            let items: Vec<String> = g.items.iter().map(one_line_tree).collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

enum Walked {
    AllRemoved,
    Edits(Vec<Edit>),
}

struct Walk<'f, 'd> {
    file: &'f SourceFile,
    gaining: &'f [*const syn::UseGroup],
    decide: &'d mut dyn FnMut(&[String], &syn::UseTree) -> LeafEdit,
}

impl Walk<'_, '_> {
    fn walk(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) -> Walked {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(ident_str(&p.ident));
                let w = self.walk(&p.tree, prefix);
                prefix.pop();
                w
            }
            syn::UseTree::Name(_) | syn::UseTree::Rename(_) => match (self.decide)(prefix, tree) {
                LeafEdit::Keep => Walked::Edits(Vec::new()),
                LeafEdit::Remove => Walked::AllRemoved,
                LeafEdit::Replace(text) => {
                    Walked::Edits(vec![Edit::replace(range_of(self.file, tree), text)])
                }
            },
            syn::UseTree::Glob(_) => Walked::Edits(Vec::new()),
            syn::UseTree::Group(g) => self.group(tree, g, prefix),
        }
    }

    fn group(
        &mut self,
        tree: &syn::UseTree,
        g: &syn::UseGroup,
        prefix: &mut Vec<String>,
    ) -> Walked {
        let file = self.file;
        let children: Vec<(TextRange, Walked)> = g
            .items
            .iter()
            .map(|t| (range_of(file, t), self.walk(t, prefix)))
            .collect();
        let removed = |i: usize| matches!(children[i].1, Walked::AllRemoved);
        let kept: Vec<usize> = (0..children.len()).filter(|&i| !removed(i)).collect();
        let Some(&last_kept) = kept.last() else {
            // `{}` imports nothing and stays; a group whose every leaf goes, goes.
            return if children.is_empty() {
                Walked::Edits(Vec::new())
            } else {
                Walked::AllRemoved
            };
        };
        let group_range = range_of(file, tree);
        if let Some(edit) = self.unbraced(g, &children, &kept, group_range) {
            return Walked::Edits(vec![edit]);
        }
        let commas: Vec<Option<TextRange>> = g
            .items
            .pairs()
            .map(|p| p.punct().map(|c| range_of(file, *c)))
            .collect();
        let mut cuts = Vec::new();
        let mut edits = Vec::new();
        for (i, (range, w)) in children.iter().enumerate() {
            match (w, commas[i]) {
                (Walked::Edits(e), _) => edits.extend(e.iter().cloned()),
                // An element and the comma after it.
                (Walked::AllRemoved, Some(comma)) => {
                    cuts.push(TextRange::new(range.start, comma.end))
                }
                // The last element without a trailing comma: the comma after the last kept
                // one goes too, so the list stays without one.
                (Walked::AllRemoved, None) => {
                    cuts.push(*range);
                    cuts.extend(commas[last_kept]);
                }
            }
        }
        edits.extend(
            merge_blank_separated(file, cuts)
                .into_iter()
                .map(|r| Edit::delete(widen(file, r))),
        );
        Walked::Edits(edits)
    }

    /// `{a, removed}` → `a`: one element left needs no braces, unless it is `self` (which
    /// only a group may hold) or comments would go with the braces.
    fn unbraced(
        &self,
        g: &syn::UseGroup,
        children: &[(TextRange, Walked)],
        kept: &[usize],
        group_range: TextRange,
    ) -> Option<Edit> {
        let &[only] = kept else { return None };
        if children.len() < 2
            || self.gaining.contains(&(g as *const syn::UseGroup))
            || !comments_in(self.file, group_range).is_empty()
        {
            return None;
        }
        let is_self = |ident: &proc_macro2::Ident| ident == "self";
        match &g.items[only] {
            syn::UseTree::Name(n) if is_self(&n.ident) => return None,
            syn::UseTree::Rename(r) if is_self(&r.ident) => return None,
            _ => {}
        }
        let (range, w) = &children[only];
        let text = match w {
            Walked::Edits(e) if e.is_empty() => self.file.slice(*range).to_string(),
            Walked::Edits(e) if e.len() == 1 && e[0].range == *range => e[0].replacement.clone(),
            _ => return None,
        };
        Some(Edit::replace(group_range, text))
    }
}

/// Sorted cuts, two joined when only whitespace separates them (`, b` + `, c` → `, b, c`).
fn merge_blank_separated(file: &SourceFile, mut cuts: Vec<TextRange>) -> Vec<TextRange> {
    cuts.sort_by_key(|r| r.start);
    let mut merged: Vec<TextRange> = Vec::new();
    for c in cuts {
        match merged.last_mut() {
            Some(last) if file.text[last.end..c.start].trim().is_empty() => last.end = c.end,
            _ => merged.push(c),
        }
    }
    merged
}

/// A cut with the whitespace it leaves behind: its whole lines when nothing else is on them
/// (the line ending too, CRLF or LF), the spaces before it when it ends its line, the spaces
/// after an element and its comma when something follows on the line.
fn widen(file: &SourceFile, cut: TextRange) -> TextRange {
    let b = file.text.as_bytes();
    let mut start = cut.start;
    while start > 0 && matches!(b[start - 1], b' ' | b'\t') {
        start -= 1;
    }
    let mut end = cut.end;
    while end < b.len() && matches!(b[end], b' ' | b'\t') {
        end += 1;
    }
    let line_break = match (b.get(end), b.get(end + 1)) {
        (None, _) => Some(0),
        (Some(b'\n'), _) => Some(1),
        (Some(b'\r'), Some(b'\n')) => Some(2),
        _ => None,
    };
    let line_start = start == 0 || b[start - 1] == b'\n';
    match line_break {
        Some(n) if line_start => TextRange::new(start, end + n),
        Some(_) => TextRange::new(start, end),
        None if b[cut.end - 1] == b',' => TextRange::new(cut.start, end),
        None => cut,
    }
}
