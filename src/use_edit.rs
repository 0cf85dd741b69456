//! Edits to `use` items and whole items: add an import after the file's last top-level `use`,
//! remove imported names (with their commas, or the whole `use` when nothing is left), delete an
//! item with the line it occupies, and tell whether a name is still used outside some ranges.
//! Generic engine helpers (no OpenTelemetry knowledge); transforms decide what to remove.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::Visit;

use crate::edit::{Edit, TextRange};
use crate::source::SourceFile;
use crate::syntax::{ident_str, range_of, range_of_span};

/// Extends `range` to the whole lines it occupies when nothing but whitespace shares them, so
/// deleting it leaves no blank line behind; otherwise returns it unchanged.
pub fn line_extent(file: &SourceFile, range: TextRange) -> TextRange {
    let text = file.text.as_bytes();
    let mut start = range.start;
    while start > 0 && matches!(text[start - 1], b' ' | b'\t') {
        start -= 1;
    }
    let at_line_start = start == 0 || text[start - 1] == b'\n';
    let mut end = range.end;
    while end < text.len() && matches!(text[end], b' ' | b'\t' | b'\r') {
        end += 1;
    }
    let at_line_end = end == text.len() || text[end] == b'\n';
    if at_line_start && at_line_end {
        TextRange::new(start, (end + 1).min(text.len()))
    } else {
        range
    }
}

/// Deletes an item (a `use`, an `impl`, a struct) with the lines it occupies, and one blank
/// line after it when a blank line (or the file start) precedes it, so no double gap remains.
pub fn delete_item<T: syn::spanned::Spanned + ?Sized>(file: &SourceFile, item: &T) -> Edit {
    let range = line_extent(file, range_of(file, item));
    let text = &file.text;
    let blank_before = text[..range.start]
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .map_or(range.start == 0, |t| {
            t.rsplit('\n').next().is_some_and(|l| l.trim().is_empty())
        });
    let next_line_end = text[range.end..].find('\n').map(|n| range.end + n + 1);
    let end = match next_line_end {
        Some(e)
            if blank_before && range.end > range.start && text[range.end..e].trim().is_empty() =>
        {
            e
        }
        _ => range.end,
    };
    Edit::delete(TextRange::new(range.start, end))
}

/// An edit inserting `use <path>;` on its own line after the last top-level `use` item (or after
/// the inner attributes and `//!` docs when there is none).
pub fn add_use(file: &SourceFile, syntax: &syn::File, path: &str) -> Edit {
    let eol = file.line_ending.as_str();
    let last_use = syntax
        .items
        .iter()
        .rfind(|i| matches!(i, syn::Item::Use(_)));
    let anchor = match last_use {
        Some(u) => Some(range_of(file, u).end),
        None => syntax
            .attrs
            .iter()
            .filter(|a| matches!(a.style, syn::AttrStyle::Inner(_)))
            .map(|a| range_of(file, a).end)
            .max(),
    };
    match anchor {
        Some(end) => {
            let line_end = file.text[end..]
                .find('\n')
                .map_or(file.text.len(), |n| end + n + 1);
            let prefix = if line_end == file.text.len() && !file.text.ends_with('\n') {
                eol
            } else {
                ""
            };
            let blank = if last_use.is_none() { eol } else { "" };
            Edit::insert(line_end, format!("{prefix}{blank}use {path};{eol}"))
        }
        None => Edit::insert(file.base_offset, format!("use {path};{eol}{eol}")),
    }
}

/// A leaf of a `use` tree: the full path it imports and the name it binds.
#[derive(Debug, Clone)]
pub struct UseLeaf {
    pub path: Vec<String>,
    /// The local name (`_` for `as _`, the parent module's name for `self`).
    pub local: String,
    pub range: TextRange,
}

/// Every `use` item in the file (any depth) with its leaves.
pub fn use_items(syntax: &syn::File) -> Vec<&syn::ItemUse> {
    struct Collect<'a>(Vec<&'a syn::ItemUse>);
    impl<'a> Visit<'a> for Collect<'a> {
        fn visit_item_use(&mut self, u: &'a syn::ItemUse) {
            self.0.push(u);
        }
    }
    let mut c = Collect(Vec::new());
    c.visit_file(syntax);
    c.0
}

pub fn leaves(file: &SourceFile, item: &syn::ItemUse) -> Vec<UseLeaf> {
    fn walk(
        file: &SourceFile,
        prefix: &mut Vec<String>,
        tree: &syn::UseTree,
        out: &mut Vec<UseLeaf>,
    ) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(ident_str(&p.ident));
                walk(file, prefix, &p.tree, out);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = ident_str(&n.ident);
                let mut path = prefix.clone();
                let local = if name == "self" {
                    prefix.last().cloned().unwrap_or_default()
                } else {
                    path.push(name.clone());
                    name
                };
                out.push(UseLeaf {
                    path,
                    local,
                    range: range_of(file, n),
                });
            }
            syn::UseTree::Rename(r) => {
                let mut path = prefix.clone();
                let name = ident_str(&r.ident);
                if name != "self" {
                    path.push(name);
                }
                out.push(UseLeaf {
                    path,
                    local: ident_str(&r.rename),
                    range: range_of(file, r),
                });
            }
            syn::UseTree::Glob(_) => {}
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    walk(file, prefix, t, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(file, &mut Vec::new(), &item.tree, &mut out);
    out
}

/// Edits that remove the leaves of `item` for which `remove` holds: the whole item when no
/// leaf (and no glob) is left, else each removed leaf with its comma. Nested groups that lose
/// all their leaves go too.
pub fn remove_leaves(
    file: &SourceFile,
    item: &syn::ItemUse,
    remove: &dyn Fn(&UseLeaf) -> bool,
) -> Vec<Edit> {
    let all = leaves(file, item);
    let removed: Vec<TextRange> = all.iter().filter(|l| remove(l)).map(|l| l.range).collect();
    if removed.is_empty() {
        return Vec::new();
    }
    let is_removed = |tree: &syn::UseTree| -> bool {
        let r = range_of(file, tree);
        // A subtree is removed when every leaf inside it is.
        let inside: Vec<&UseLeaf> = all.iter().filter(|l| r.contains_range(l.range)).collect();
        let has_glob = contains_glob(tree);
        !inside.is_empty() && !has_glob && inside.iter().all(|l| removed.contains(&l.range))
    };
    if is_removed(&item.tree) {
        return vec![delete_item(file, item)];
    }
    let mut edits = Vec::new();
    collect_group_removals(file, &item.tree, &is_removed, &mut edits);
    edits
}

fn contains_glob(tree: &syn::UseTree) -> bool {
    match tree {
        syn::UseTree::Path(p) => contains_glob(&p.tree),
        syn::UseTree::Glob(_) => true,
        syn::UseTree::Group(g) => g.items.iter().any(contains_glob),
        _ => false,
    }
}

fn collect_group_removals(
    file: &SourceFile,
    tree: &syn::UseTree,
    is_removed: &dyn Fn(&syn::UseTree) -> bool,
    edits: &mut Vec<Edit>,
) {
    match tree {
        syn::UseTree::Path(p) => collect_group_removals(file, &p.tree, is_removed, edits),
        syn::UseTree::Group(g) => {
            let items: Vec<&syn::UseTree> = g.items.iter().collect();
            let gone: Vec<bool> = items.iter().map(|t| is_removed(t)).collect();
            // One plain name left: `{A, B}` → `A` rather than `{A}`.
            let kept: Vec<&&syn::UseTree> = items
                .iter()
                .zip(&gone)
                .filter(|(_, g)| !**g)
                .map(|(t, _)| t)
                .collect();
            if let [only] = kept.as_slice() {
                if matches!(only, syn::UseTree::Name(_) | syn::UseTree::Rename(_)) {
                    let r = range_of(file, *only);
                    edits.push(Edit::replace(range_of(file, g), file.slice(r).to_string()));
                    return;
                }
            }
            let mut i = 0;
            while i < items.len() {
                if !gone[i] {
                    collect_group_removals(file, items[i], is_removed, edits);
                    i += 1;
                    continue;
                }
                let mut j = i;
                while j + 1 < items.len() && gone[j + 1] {
                    j += 1;
                }
                let range = if j + 1 < items.len() {
                    TextRange::new(
                        range_of(file, items[i]).start,
                        range_of(file, items[j + 1]).start,
                    )
                } else {
                    // The run reaches the end: take the comma before it (a kept item precedes,
                    // since the group as a whole is kept).
                    let start = if i > 0 {
                        range_of(file, items[i - 1]).end
                    } else {
                        range_of(file, items[i]).start
                    };
                    TextRange::new(start, range_of(file, items[j]).end)
                };
                edits.push(Edit::delete(range));
                i = j + 1;
            }
        }
        _ => {}
    }
}

/// Whether the identifier `name` occurs in the file outside `use` items and outside every range
/// in `excluded` (token-level, so macro bodies count).
pub fn ident_used_outside(
    file: &SourceFile,
    syntax: &syn::File,
    name: &str,
    excluded: &[TextRange],
) -> bool {
    fn any(file: &SourceFile, tokens: TokenStream, name: &str, excluded: &[TextRange]) -> bool {
        tokens.into_iter().any(|tt| match tt {
            TokenTree::Ident(i) => {
                ident_str(&i) == name && {
                    let r = range_of_span(file, i.span());
                    !excluded.iter().any(|e| e.contains_range(r))
                }
            }
            TokenTree::Group(g) => any(file, g.stream(), name, excluded),
            _ => false,
        })
    }
    let mut excluded = excluded.to_vec();
    excluded.extend(use_items(syntax).iter().map(|u| range_of(file, *u)));
    any(file, syntax.to_token_stream(), name, &excluded)
}
