//! Planning additions: an added item merges into an existing `use` of its parent module when
//! there is one (into its group, keeping a trailing comma and the group's one-line or
//! one-per-line layout), else new `use` lines go among the `use`s of the target scope, before
//! its first item, or first in the block, in the file's line ending. Where the group or the run
//! of `use` lines is in rustfmt's order ([`super::order`]), an addition goes to its place in
//! it; otherwise after the last element or line.

use crate::engine::edit::{Edit, TextRange};
use crate::engine::source::SourceFile;
use crate::engine::syntax::{comments_in, ident_str, range_of, range_of_span, text_of};

use super::order::{is_sorted, UseKey};

use super::scope::Target;
use super::tree::walk_tree;

/// A merge of new items into an existing `use`.
pub(super) struct Merge {
    pub edits: Vec<Edit>,
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
            let edits = merge_into_group(file, g, items, removed)?;
            Some(Merge {
                edits,
                group: Some(g as *const syn::UseGroup),
            })
        }
        leaf if removed(leaf) => None,
        leaf => {
            let r = range_of(file, leaf);
            let mut all = vec![file.slice(r).to_string()];
            all.extend(items.iter().cloned());
            sort_texts(&mut all);
            Some(Merge {
                edits: vec![Edit::replace(r, format!("{{{}}}", all.join(", ")))],
                group: None,
            })
        }
    }
}

/// `texts` (group elements or `use` lines) in rustfmt's order; a text that does not parse
/// keeps its place after the others.
pub(super) fn sort_texts(texts: &mut [String]) {
    texts.sort_by_cached_key(|t| {
        // A line under a `#[cfg]` sorts by its `use` (as rustfmt sorts it).
        let t = t.rsplit('\n').next().unwrap_or(t);
        let tree = t.strip_prefix("use ").unwrap_or(t).trim_end_matches(';');
        UseKey::parse(tree)
            .map(|k| (0, Some(k)))
            .unwrap_or((1, None))
    });
}

/// The insertions adding `items` to `g`: each before the first element that stays and sorts
/// after it when the staying elements are in rustfmt's order (and the group has no comments to
/// keep beside their elements), else all after the last element that stays; in the group's
/// layout (one per line or one line, with or without a trailing comma). `None` when every
/// element goes (the group goes with them).
fn merge_into_group(
    file: &SourceFile,
    g: &syn::UseGroup,
    items: &[String],
    removed: &dyn Fn(&syn::UseTree) -> bool,
) -> Option<Vec<Edit>> {
    if g.items.is_empty() {
        let open = range_of_span(file, g.brace_token.span.open()).end;
        let mut items = items.to_vec();
        sort_texts(&mut items);
        return Some(vec![Edit::insert(open, items.join(", "))]);
    }
    let all_removed = |t: &syn::UseTree| {
        let mut all = true;
        walk_tree(t, &mut Vec::new(), &mut |_, leaf| all &= removed(leaf));
        all
    };
    let staying: Vec<&syn::UseTree> = g.items.iter().filter(|t| !all_removed(t)).collect();
    let multiline = text_of(file, g).contains('\n');
    let keys: Vec<UseKey> = staying.iter().map(|t| UseKey::of(t)).collect();
    let new_keys: Option<Vec<UseKey>> = items.iter().map(|i| UseKey::parse(i)).collect();
    let in_order =
        is_sorted(&keys) && comments_in(file, range_of(file, g)).is_empty() && new_keys.is_some();
    let mut before: Vec<(usize, Vec<&String>)> = Vec::new();
    let mut last: Vec<String> = Vec::new();
    match new_keys.filter(|_| in_order) {
        Some(new_keys) => {
            // In order, so that each insertion point and the end get theirs sorted.
            let mut sorted: Vec<(&String, &UseKey)> = items.iter().zip(&new_keys).collect();
            sorted.sort_by(|a, b| a.1.cmp(b.1));
            for (item, key) in sorted {
                match keys.iter().position(|k| k > key) {
                    Some(at) => match before.iter_mut().find(|(i, _)| *i == at) {
                        Some((_, v)) => v.push(item),
                        None => before.push((at, vec![item])),
                    },
                    None => last.push(item.clone()),
                }
            }
        }
        None => last = items.to_vec(),
    }
    let mut edits = Vec::new();
    for (at, group) in before {
        let start = range_of(file, staying[at]).start;
        // One element a line unless the element shares its line (a packed group).
        let indent = file.indent_at(start);
        let opens_its_line = file.text[..start].ends_with(&format!("\n{indent}"));
        let text: String = if multiline && opens_its_line {
            let le = file.line_ending.as_str();
            group.iter().map(|i| format!("{i},{le}{indent}")).collect()
        } else {
            group.iter().map(|i| format!("{i}, ")).collect()
        };
        edits.push(Edit::insert(start, text));
    }
    if !last.is_empty() {
        edits.push(append_to_group(file, g, &all_removed, &last, multiline)?);
    }
    Some(edits)
}

/// The insertion adding `items` after the last element of `g` that stays.
fn append_to_group(
    file: &SourceFile,
    g: &syn::UseGroup,
    all_removed: &dyn Fn(&syn::UseTree) -> bool,
    items: &[String],
    multiline: bool,
) -> Option<Edit> {
    let anchor = g.items.pairs().rev().find(|p| !all_removed(p.value()))?;
    let anchor_range = range_of(file, *anchor.value());
    let comma_end = anchor.punct().map(|c| range_of(file, *c).end);
    let trailing = g.items.trailing_punct();
    if multiline {
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

/// The edits adding `lines` (new `use` items) to `target`: among its `use`s (`target_uses`,
/// [`placed_among_uses`]), else before its first item (after `extern crate`s), else inside its
/// braces.
pub(super) fn insert_lines(
    file: &SourceFile,
    target: Target<'_>,
    target_uses: &[&syn::ItemUse],
    lines: &[String],
) -> Vec<Edit> {
    let mut lines = lines.to_vec();
    sort_texts(&mut lines);
    if !target_uses.is_empty() {
        return placed_among_uses(file, target_uses, &lines);
    }
    vec![insert_lines_without_uses(file, target, &lines)]
}

/// The runs of `uses`: items one line after another, nothing but line breaks and indentation
/// between them (rustfmt sorts each run on its own).
fn runs<'u, 'a>(file: &SourceFile, uses: &'u [&'a syn::ItemUse]) -> Vec<&'u [&'a syn::ItemUse]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..uses.len() {
        let gap = TextRange::new(
            range_of(file, uses[i - 1]).end,
            range_of(file, uses[i]).start,
        );
        let between = file.slice(gap);
        let adjacent =
            gap.start <= gap.end && between.trim().is_empty() && between.matches('\n').count() <= 1;
        if !adjacent {
            out.push(&uses[start..i]);
            start = i;
        }
    }
    out.push(&uses[start..]);
    out
}

/// Where each new `use` line goes among `uses`: in the last run that imports from the same
/// crate, else one it sorts inside of, else the last run of external crates only, else the last
/// run; at its place in rustfmt's order when that run is in it, else after the last `use` of
/// all.
fn placed_among_uses(file: &SourceFile, uses: &[&syn::ItemUse], lines: &[String]) -> Vec<Edit> {
    let runs = runs(file, uses);
    let first_segment = |tree: &syn::UseTree| match tree {
        syn::UseTree::Path(p) => Some(p.ident.to_string()),
        _ => None,
    };
    let last_use = *uses.last().expect("uses is not empty");
    // Each insertion point (before or after a `use`) with the lines it gets, in order.
    let mut places: Vec<(Side, &syn::ItemUse, Vec<&String>)> = Vec::new();
    for line in lines {
        let parsed = syn::parse_str::<syn::ItemUse>(line).ok();
        let place = parsed.as_ref().and_then(|new| {
            let krate = first_segment(&new.tree);
            let key = UseKey::of(&new.tree);
            let run = runs
                .iter()
                .rev()
                .find(|r| r.iter().any(|u| first_segment(&u.tree) == krate))
                .or_else(|| runs.iter().rev().find(|r| sorts_inside(r, &key)))
                .or_else(|| {
                    runs.iter().rev().find(|r| {
                        r.iter().all(|u| {
                            first_segment(&u.tree)
                                .is_some_and(|c| !LOCAL_OR_STD.contains(&c.as_str()))
                        })
                    })
                })
                .or(runs.last())?;
            let keys: Vec<UseKey> = run.iter().map(|u| UseKey::of(&u.tree)).collect();
            if !is_sorted(&keys) {
                return None;
            }
            Some(match keys.iter().position(|k| *k > key) {
                Some(at) => (Side::Before, run[at]),
                None => (Side::After, *run.last()?),
            })
        });
        let (side, anchor) = place.unwrap_or((Side::After, last_use));
        match places
            .iter_mut()
            .find(|(s, u, _)| *s == side && std::ptr::eq(*u, anchor))
        {
            Some((_, _, v)) => v.push(line),
            None => places.push((side, anchor, vec![line])),
        }
    }
    let le = file.line_ending.as_str();
    places
        .into_iter()
        .map(|(side, anchor, group)| match side {
            Side::Before => {
                let start = range_of(file, anchor).start;
                let indent = file.indent_at(start);
                let text: String = group
                    .iter()
                    .map(|l| format!("{}{le}{indent}", laid_out(l, le, indent)))
                    .collect();
                Edit::insert(start, text)
            }
            Side::After => after_use(file, anchor, &group),
        })
        .collect()
}

/// The roots of the `use` runs a new line of an external crate does not go to when a run of
/// external crates is there (files grouped as std / external / local keep their groups).
const LOCAL_OR_STD: &[&str] = &["std", "core", "alloc", "crate", "self", "super"];

/// Whether `key` sorts strictly between the first and the last `use` of `run`.
fn sorts_inside(run: &[&syn::ItemUse], key: &UseKey) -> bool {
    match (run.first(), run.last()) {
        (Some(first), Some(last)) => {
            UseKey::of(&first.tree) < *key && *key < UseKey::of(&last.tree)
        }
        _ => false,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Before,
    After,
}

/// The insertion of `lines` after the `use` item `last`.
fn after_use(file: &SourceFile, last: &syn::ItemUse, lines: &[&String]) -> Edit {
    let le = file.line_ending.as_str();
    let end = range_of(file, last).end;
    let indent = file.indent_at(range_of(file, last).start).to_string();
    // At the start of the next line when the `use` ends its line (diffs stay minimal).
    let lines = lines.iter().map(|l| laid_out(l, le, &indent));
    if file.text[end..].starts_with(le) {
        let text: String = lines.map(|l| format!("{indent}{l}{le}")).collect();
        return Edit::insert(end + le.len(), text);
    }
    let text: String = lines.map(|l| format!("{le}{indent}{l}")).collect();
    Edit::insert(end, text)
}

/// The edit adding `lines` to a `target` that has no `use`: before its first item (after
/// `extern crate`s), else inside its braces.
fn insert_lines_without_uses(file: &SourceFile, target: Target<'_>, lines: &[String]) -> Edit {
    let le = file.line_ending.as_str();
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
                        .map(|l| format!("{}{le}{indent}", laid_out(l, le, &indent)))
                        .collect::<String>()
                        + le
                        + &indent;
                    Edit::insert(start, text)
                }
                None => {
                    let at = brace.map_or(file.text.len(), |b| b.start + 1);
                    let text: String = lines
                        .iter()
                        .map(|l| format!("{le}{}", laid_out(l, le, "")))
                        .collect();
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
                // An empty block: one level in from the line that opens it.
                .unwrap_or_else(|| {
                    crate::engine::source::deeper(file.indent_at(open), file.indent_unit())
                });
            let text: String = lines
                .iter()
                .map(|l| format!("{le}{indent}{}", laid_out(l, le, &indent)))
                .collect();
            Edit::insert(open, text)
        }
    }
}

/// A new line (an attribute and its `use` when it has a `#[cfg]`) in the file's line ending,
/// each of its lines at `indent`.
fn laid_out(line: &str, le: &str, indent: &str) -> String {
    line.replace('\n', &format!("{le}{indent}"))
}
