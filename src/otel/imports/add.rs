//! Planning additions: an added item merges into an existing `use` of its parent module when
//! there is one (into its group, after the last element, keeping a trailing comma and the
//! group's one-line or one-per-line layout), else new `use` lines go after the last `use` of
//! the target scope, before its first item, or first in the block, in the file's line ending.

use crate::engine::edit::Edit;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, range_of, range_of_span, text_of};

use super::scope::Target;
use super::tree::walk_tree;

/// A merge of new items into an existing `use`.
pub(super) struct Merge {
    pub edit: Edit,
    /// The group that gains the items (it keeps its braces whatever else it loses).
    pub group: Option<*const syn::UseGroup>,
}

/// The merge adding `items` to `u` when it has a group for `parent` (or a single name under
/// it). `removed` tells the leaves the same plan removes: the items go after the last element
/// that stays, and a name that goes is not merged into.
pub(super) fn merge_into(
    file: &SourceFile,
    u: &syn::ItemUse,
    parent: &[String],
    items: &[String],
    removed: &dyn Fn(&syn::UseTree) -> bool,
) -> Option<Merge> {
    fn find<'t>(
        tree: &'t syn::UseTree,
        prefix: &mut Vec<String>,
        parent: &[String],
    ) -> Option<&'t syn::UseTree> {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(ident_str(&p.ident));
                let r = if prefix.as_slice() == parent {
                    match &*p.tree {
                        t @ (syn::UseTree::Group(_)
                        | syn::UseTree::Name(_)
                        | syn::UseTree::Rename(_)) => Some(t),
                        _ => None,
                    }
                } else {
                    find(&p.tree, prefix, parent)
                };
                prefix.pop();
                r
            }
            syn::UseTree::Group(g) => g.items.iter().find_map(|t| find(t, prefix, parent)),
            _ => None,
        }
    }
    let tree = find(&u.tree, &mut Vec::new(), parent)?;
    match tree {
        syn::UseTree::Group(g) => {
            let edit = merge_into_group(file, g, items, removed)?;
            Some(Merge {
                edit,
                group: Some(g as *const syn::UseGroup),
            })
        }
        leaf if removed(leaf) => None,
        leaf => {
            let r = range_of(file, leaf);
            let mut all = vec![file.slice(r).to_string()];
            all.extend(items.iter().cloned());
            // rustfmt's order: modules and functions (lowercase) before types.
            all.sort_by_key(|n| (n.starts_with(char::is_uppercase), n.clone()));
            Some(Merge {
                edit: Edit::replace(r, format!("{{{}}}", all.join(", "))),
                group: None,
            })
        }
    }
}

/// The insertion adding `items` after the last element of `g` that stays, in the group's
/// layout (one per line or one line, with or without a trailing comma). `None` when every
/// element goes (the group goes with them).
fn merge_into_group(
    file: &SourceFile,
    g: &syn::UseGroup,
    items: &[String],
    removed: &dyn Fn(&syn::UseTree) -> bool,
) -> Option<Edit> {
    if g.items.is_empty() {
        let open = range_of_span(file, g.brace_token.span.open()).end;
        return Some(Edit::insert(open, items.join(", ")));
    }
    let all_removed = |t: &syn::UseTree| {
        let mut all = true;
        walk_tree(t, &mut Vec::new(), &mut |_, leaf| all &= removed(leaf));
        all
    };
    let anchor = g.items.pairs().rev().find(|p| !all_removed(p.value()))?;
    let anchor_range = range_of(file, *anchor.value());
    let comma_end = anchor.punct().map(|c| range_of(file, *c).end);
    let trailing = g.items.trailing_punct();
    if text_of(file, g).contains('\n') {
        let indent = file.indent_at(anchor_range.start).to_string();
        let le = file.line_ending.as_str();
        if trailing {
            let text: String = items.iter().map(|i| format!("{le}{indent}{i},")).collect();
            Some(Edit::insert(comma_end?, text))
        } else {
            let text: String = items.iter().map(|i| format!(",{le}{indent}{i}")).collect();
            Some(Edit::insert(anchor_range.end, text))
        }
    } else if trailing {
        Some(Edit::insert(comma_end?, format!(" {},", items.join(", "))))
    } else {
        Some(Edit::insert(
            anchor_range.end,
            format!(", {}", items.join(", ")),
        ))
    }
}

/// The edit adding `lines` (new `use` items) to `target`: after its last `use`
/// (`target_uses`), else before its first item (after `extern crate`s), else inside its braces.
pub(super) fn insert_lines(
    file: &SourceFile,
    target: Target<'_>,
    target_uses: &[&syn::ItemUse],
    lines: &[String],
) -> Edit {
    let le = file.line_ending.as_str();
    if let Some(last) = target_uses.last() {
        let end = range_of(file, *last).end;
        let indent = file.indent_at(range_of(file, *last).start).to_string();
        // At the start of the next line when the `use` ends its line (diffs stay minimal).
        if file.text[end..].starts_with(le) {
            let text: String = lines.iter().map(|l| format!("{indent}{l}{le}")).collect();
            return Edit::insert(end + le.len(), text);
        }
        let text: String = lines.iter().map(|l| format!("{le}{indent}{l}")).collect();
        return Edit::insert(end, text);
    }
    match target {
        Target::Items(items, brace) => {
            let first = items
                .iter()
                .find(|i| !matches!(i, syn::Item::ExternCrate(_)))
                .or(items.first());
            match first {
                Some(item) => {
                    let start = range_of(file, item).start;
                    let indent = file.indent_at(start).to_string();
                    let text: String = lines
                        .iter()
                        .map(|l| format!("{l}{le}{indent}"))
                        .collect::<String>()
                        + le
                        + &indent;
                    Edit::insert(start, text)
                }
                None => {
                    let at = brace.map_or(file.text.len(), |b| b.start + 1);
                    let text: String = lines.iter().map(|l| format!("{le}{l}")).collect();
                    Edit::insert(at, text)
                }
            }
        }
        Target::Block(block) => {
            let open = range_of_span(file, block.brace_token.span.open()).end;
            let indent = block
                .stmts
                .first()
                .map(|s| file.indent_at(range_of(file, s).start).to_string())
                .unwrap_or_else(|| "    ".to_string());
            let text: String = lines.iter().map(|l| format!("{le}{indent}{l}")).collect();
            Edit::insert(open, text)
        }
    }
}
