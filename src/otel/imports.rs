//! The `use` items new code needs, planned per rewrite site.
//!
//! [`ImportPlan::name`] answers "how do I write `opentelemetry_otlp::SpanExporter` here?": the
//! local name when it is already imported, `alias::Name` when a parent module is (`sdktrace::…`
//! for `use opentelemetry_sdk::trace as sdktrace;`), else the last segment with a planned import
//! — or the full path when that name is taken by something else in scope. [`ImportPlan::need_trait`]
//! brings a trait into scope (`as _` when its name is taken). [`ImportPlan::finish`] turns the
//! plan into edits: merged into an existing `use` tree of the same parent module when there is
//! one (`use opentelemetry_otlp::{Protocol, WithExportConfig};` gains `, SpanExporter`), else new
//! `use` lines after the last `use` of the scope, in the file's line ending. Imports the rewrite
//! made unused are removed only when the name no longer occurs anywhere in the edited file.
//!
//! Scope: the uses visible at the site (the file or enclosing `mod`, plus every enclosing block's
//! own `use` statements). New imports go to the innermost `#[cfg]`-gated function around the site
//! (so a feature-gated dependency is only named where it exists), else to the module.

use std::collections::BTreeMap;
use std::str::FromStr;

use syn::spanned::Spanned;

use crate::engine::changes::Changes;
use crate::engine::edit::{Edit, TextRange};
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, range_of};

/// The plans of every site of one file, merged per insertion scope so that two sites adding
/// imports at the same place produce one edit. Finish it after all other edits of the file.
#[derive(Default)]
pub struct ImportPlans<'a> {
    plans: Vec<ImportPlan<'a>>,
}

impl<'a> ImportPlans<'a> {
    pub fn add(&mut self, plan: ImportPlan<'a>) {
        match self
            .plans
            .iter_mut()
            .find(|p| p.target_key() == plan.target_key())
        {
            Some(existing) => {
                for (path, local) in plan.adds {
                    existing.adds.entry(path).or_insert(local);
                }
                existing.removals.extend(plan.removals);
            }
            None => self.plans.push(plan),
        }
    }

    pub fn finish(self, out: &mut Changes) {
        for p in self.plans {
            p.finish(out);
        }
    }
}

/// One name a visible `use` brings into scope.
#[derive(Debug, Clone)]
struct Entry<'a> {
    /// `None` for `as _`.
    local: Option<String>,
    path: Vec<String>,
    item: &'a syn::ItemUse,
    /// The leaf tree (`Name`/`Rename`) in the item.
    leaf: &'a syn::UseTree,
}

/// Where new `use` lines go.
#[derive(Clone, Copy)]
enum Target<'a> {
    Items(&'a [syn::Item], Option<TextRange>),
    Block(&'a syn::Block),
}

pub struct ImportPlan<'a> {
    file: &'a SourceFile,
    visible: Vec<&'a syn::ItemUse>,
    entries: Vec<Entry<'a>>,
    globs: Vec<Vec<String>>,
    local_items: Vec<String>,
    target: Target<'a>,
    /// Planned imports: full path → local name (`_` for an anonymous trait import).
    adds: BTreeMap<Vec<String>, String>,
    removals: Vec<Vec<String>>,
    /// Imports of items that no longer exist: removed whatever the file still mentions.
    forced_removals: Vec<Vec<String>>,
}

impl<'a> ImportPlan<'a> {
    /// The plan for new code at byte `offset` of `file`.
    pub fn at(file: &'a SourceFile, syntax: &'a syn::File, offset: usize) -> ImportPlan<'a> {
        let mut visible: Vec<&'a syn::ItemUse> = Vec::new();
        let mut local_items = Vec::new();
        let mut target = Target::Items(&syntax.items, None);
        collect_scope(
            file,
            &syntax.items,
            offset,
            &mut visible,
            &mut local_items,
            &mut target,
        );
        let mut plan = ImportPlan {
            file,
            visible: Vec::new(),
            entries: Vec::new(),
            globs: Vec::new(),
            local_items,
            target,
            adds: BTreeMap::new(),
            removals: Vec::new(),
            forced_removals: Vec::new(),
        };
        for u in visible {
            plan.add_visible(u);
        }
        plan
    }

    /// Puts new imports into `block` (a function body found in a macro body, say).
    pub fn into_block(&mut self, block: &'a syn::Block) {
        self.target = Target::Block(block);
        for s in &block.stmts {
            if let syn::Stmt::Item(syn::Item::Use(u)) = s {
                if !self.visible.iter().any(|v| std::ptr::eq(*v, u)) {
                    self.add_visible(u);
                }
            }
        }
    }

    fn add_visible(&mut self, u: &'a syn::ItemUse) {
        self.visible.push(u);
        walk_tree(&u.tree, &mut Vec::new(), &mut |prefix, leaf| match leaf {
            syn::UseTree::Name(n) => {
                let name = ident_str(&n.ident);
                let (local, path) = if name == "self" {
                    (prefix.last().cloned(), prefix.to_vec())
                } else {
                    let mut p = prefix.to_vec();
                    p.push(name.clone());
                    (Some(name), p)
                };
                self.entries.push(Entry {
                    local,
                    path,
                    item: u,
                    leaf,
                });
            }
            syn::UseTree::Rename(r) => {
                let alias = ident_str(&r.rename);
                let name = ident_str(&r.ident);
                let mut path = prefix.to_vec();
                if name != "self" {
                    path.push(name);
                }
                self.entries.push(Entry {
                    local: (alias != "_").then_some(alias),
                    path,
                    item: u,
                    leaf,
                });
            }
            syn::UseTree::Glob(_) => self.globs.push(prefix.to_vec()),
            _ => {}
        });
    }

    fn local_for(&self, path: &[String]) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.path == path && e.local.is_some())
            .and_then(|e| e.local.as_deref())
    }

    fn name_taken(&self, name: &str, path: &[String]) -> bool {
        self.entries
            .iter()
            .any(|e| e.local.as_deref() == Some(name) && e.path != path)
            || self.local_items.iter().any(|i| i == name)
            || self
                .adds
                .iter()
                .any(|(p, local)| local == name && p.as_slice() != path)
    }

    /// How to write the item at `path` (`"opentelemetry_otlp::SpanExporter"`) at this site.
    pub fn name(&mut self, path: &str) -> String {
        let segs = segments(path);
        if let Some(local) = self.local_for(&segs) {
            return local.to_string();
        }
        if let Some(local) = self.adds.get(&segs).filter(|l| *l != "_") {
            return local.clone();
        }
        // A parent module already in scope: `sdktrace::TracerProvider`.
        for cut in (1..segs.len()).rev() {
            if let Some(local) = self.local_for(&segs[..cut]) {
                return format!("{local}::{}", segs[cut..].join("::"));
            }
        }
        let last = segs.last().cloned().unwrap_or_default();
        let parent = &segs[..segs.len() - 1];
        if self.globs.iter().any(|g| g == parent) && !self.name_taken(&last, &segs) {
            return last;
        }
        if self.name_taken(&last, &segs) {
            return path.to_string();
        }
        self.adds.insert(segs, last.clone());
        last
    }

    /// Whether a visible `use` imports `segs`, by name or through a glob of its module.
    fn imported(&self, segs: &[String]) -> bool {
        self.entries.iter().any(|e| e.path == segs)
            || self
                .globs
                .iter()
                .any(|g| g.as_slice() == &segs[..segs.len() - 1])
    }

    /// Brings trait `path` into scope for method calls (by name, or `as _` when the name is
    /// taken). Nothing to do when any visible `use` already imports it.
    pub fn need_trait(&mut self, path: &str) {
        let segs = segments(path);
        if self.imported(&segs) || self.adds.contains_key(&segs) {
            return;
        }
        let last = segs.last().cloned().unwrap_or_default();
        let local = if self.name_taken(&last, &segs) {
            "_".to_string()
        } else {
            last
        };
        self.adds.insert(segs, local);
    }

    fn target_key(&self) -> usize {
        match self.target {
            Target::Items(items, _) => items.as_ptr() as usize,
            Target::Block(b) => b as *const syn::Block as usize,
        }
    }

    /// Like [`Self::need_trait`], always as `_` (for traits whose name an SDK type shares:
    /// `opentelemetry::trace::TracerProvider`).
    pub fn need_trait_anonymous(&mut self, path: &str) {
        let segs = segments(path);
        if self.imported(&segs) {
            return;
        }
        self.adds.insert(segs, "_".to_string());
    }

    /// Asks to remove the import of `path` if the edited file no longer uses its local name.
    pub fn remove_if_unused(&mut self, path: &str) {
        self.removals.push(segments(path));
    }

    /// Asks to remove the import of `path` unconditionally (an item the target version does not
    /// have, which the rewrite replaced everywhere in the file).
    pub fn remove(&mut self, path: &str) {
        self.forced_removals.push(segments(path));
    }

    /// Adds the import edits to `out`. Call after every other edit of the site is in `out`
    /// (removal decisions look at the edited text).
    pub fn finish(self, out: &mut Changes) {
        let le = self.file.line_ending.as_str();
        // Removals first: an item that loses every leaf is deleted, so nothing merges into it.
        let (removal_edits, deleted_items) = self.plan_removals(out);
        let mut by_parent: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
        for (path, local) in &self.adds {
            let last = path.last().cloned().unwrap_or_default();
            let item = if *local == last {
                last
            } else {
                format!("{last} as {local}")
            };
            by_parent
                .entry(path[..path.len() - 1].to_vec())
                .or_default()
                .push(item);
        }
        let target_uses: Vec<&syn::ItemUse> = self
            .visible
            .iter()
            .copied()
            .filter(|u| self.in_target(u))
            .collect();
        let mergeable: Vec<&syn::ItemUse> = target_uses
            .iter()
            .copied()
            .filter(|u| !deleted_items.contains(&(*u as *const syn::ItemUse)))
            .collect();
        let mut new_lines = Vec::new();
        for (parent, items) in by_parent {
            if let Some(edit) = mergeable
                .iter()
                .find_map(|u| merge_into(self.file, u, &parent, &items))
            {
                out.edit(edit);
                continue;
            }
            let list = if items.len() == 1 {
                items[0].clone()
            } else {
                format!("{{{}}}", items.join(", "))
            };
            new_lines.push(format!("use {}::{list};", parent.join("::")));
        }
        if !new_lines.is_empty() {
            self.insert_lines(out, &mergeable, &new_lines, le);
        }
        for e in removal_edits {
            out.edit(e);
        }
    }

    fn in_target(&self, u: &syn::ItemUse) -> bool {
        match self.target {
            Target::Items(items, _) => items
                .iter()
                .any(|i| matches!(i, syn::Item::Use(x) if std::ptr::eq(x, u))),
            Target::Block(b) => b
                .stmts
                .iter()
                .any(|s| matches!(s, syn::Stmt::Item(syn::Item::Use(x)) if std::ptr::eq(x, u))),
        }
    }

    fn insert_lines(
        &self,
        out: &mut Changes,
        target_uses: &[&syn::ItemUse],
        lines: &[String],
        le: &str,
    ) {
        let file = self.file;
        if let Some(last) = target_uses.last() {
            let end = range_of(file, *last).end;
            let indent = file.indent_at(range_of(file, *last).start).to_string();
            // At the start of the next line when the `use` ends its line (diffs stay minimal).
            if file.text[end..].starts_with(le) {
                let text: String = lines.iter().map(|l| format!("{indent}{l}{le}")).collect();
                out.edit(Edit::insert(end + le.len(), text));
            } else {
                let text: String = lines.iter().map(|l| format!("{le}{indent}{l}")).collect();
                out.edit(Edit::insert(end, text));
            }
            return;
        }
        match self.target {
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
                        out.edit(Edit::insert(start, text));
                    }
                    None => {
                        let at = brace.map_or(file.text.len(), |b| b.start + 1);
                        let text: String = lines.iter().map(|l| format!("{le}{l}")).collect();
                        out.edit(Edit::insert(at, text));
                    }
                }
            }
            Target::Block(block) => {
                let open =
                    crate::engine::syntax::range_of_span(file, block.brace_token.span.open()).end;
                let indent = block
                    .stmts
                    .first()
                    .map(|s| file.indent_at(range_of(file, s).start).to_string())
                    .unwrap_or_else(|| "    ".to_string());
                let text: String = lines.iter().map(|l| format!("{le}{indent}{l}")).collect();
                out.edit(Edit::insert(open, text));
            }
        }
    }

    /// The removal edits (decided on the text with every other edit applied) and the items
    /// deleted whole.
    fn plan_removals(&self, out: &Changes) -> (Vec<Edit>, Vec<*const syn::ItemUse>) {
        let mut edits = Vec::new();
        let mut done: Vec<*const syn::ItemUse> = Vec::new();
        if self.removals.is_empty() && self.forced_removals.is_empty() {
            return (edits, done);
        }
        let edited = out.edits.apply(&self.file.text);
        let Some(counts) = ident_counts(&edited[self.file.base_offset.min(edited.len())..]) else {
            return (edits, done);
        };
        let goes = |e: &Entry<'_>| -> bool {
            if self.forced_removals.contains(&e.path) {
                return true;
            }
            let Some(local) = &e.local else { return false };
            // The use item itself accounts for one occurrence.
            self.removals.contains(&e.path) && counts.get(local.as_str()).copied().unwrap_or(0) <= 1
        };
        for e in self.entries.iter().filter(|e| goes(e)) {
            let item_ptr: *const syn::ItemUse = e.item;
            if done.contains(&item_ptr) {
                continue;
            }
            // Every leaf of the item goes: delete the item once (per-leaf edits would overlap).
            let siblings: Vec<&Entry<'_>> = self
                .entries
                .iter()
                .filter(|x| std::ptr::eq(x.item, e.item))
                .collect();
            let mut leaves = 0;
            walk_tree(&e.item.tree, &mut Vec::new(), &mut |_, _| leaves += 1);
            if siblings.len() == leaves && siblings.iter().all(|x| goes(x)) {
                done.push(item_ptr);
                edits.push(crate::engine::item_edit::delete_item(self.file, e.item));
                continue;
            }
            if let Some(edit) = removal_edit(self.file, e) {
                edits.push(edit);
            }
        }
        (edits, done)
    }
}

/// `"a::b::C"` → `["a", "b", "C"]`.
fn segments(path: &str) -> Vec<String> {
    path.split("::").map(str::to_string).collect()
}

/// Visits every leaf of a use tree with its prefix.
fn walk_tree<'t>(
    tree: &'t syn::UseTree,
    prefix: &mut Vec<String>,
    f: &mut dyn FnMut(&[String], &'t syn::UseTree),
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(ident_str(&p.ident));
            walk_tree(&p.tree, prefix, f);
            prefix.pop();
        }
        syn::UseTree::Group(g) => {
            for t in &g.items {
                walk_tree(t, prefix, f);
            }
        }
        leaf => f(prefix, leaf),
    }
}

/// An edit adding `items` to `u` when it has a group for `parent` (or a single name under it).
fn merge_into(
    file: &SourceFile,
    u: &syn::ItemUse,
    parent: &[String],
    items: &[String],
) -> Option<Edit> {
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
            let Some(last) = g.items.last() else {
                let open =
                    crate::engine::syntax::range_of_span(file, g.brace_token.span.open()).end;
                return Some(Edit::insert(open, items.join(", ")));
            };
            let group_text = crate::engine::syntax::text_of(file, g);
            let last_range = range_of(file, last);
            if group_text.contains('\n') {
                let indent = file.indent_at(last_range.start).to_string();
                let le = file.line_ending.as_str();
                if g.items.trailing_punct() {
                    let comma_end = range_of(file, g.items.pairs().next_back()?.punct()?).end;
                    let text: String = items.iter().map(|i| format!("{le}{indent}{i},")).collect();
                    Some(Edit::insert(comma_end, text))
                } else {
                    let text: String = items.iter().map(|i| format!(",{le}{indent}{i}")).collect();
                    Some(Edit::insert(last_range.end, text))
                }
            } else if g.items.trailing_punct() {
                let comma_end = range_of(file, g.items.pairs().next_back()?.punct()?).end;
                Some(Edit::insert(comma_end, format!(" {},", items.join(", "))))
            } else {
                Some(Edit::insert(
                    last_range.end,
                    format!(", {}", items.join(", ")),
                ))
            }
        }
        leaf => {
            let r = range_of(file, leaf);
            let mut all = vec![file.slice(r).to_string()];
            all.extend(items.iter().cloned());
            // rustfmt's order: modules and functions (lowercase) before types.
            all.sort_by_key(|n| (n.starts_with(char::is_uppercase), n.clone()));
            Some(Edit::replace(r, format!("{{{}}}", all.join(", "))))
        }
    }
}

/// How often each identifier occurs in `text` (tokens only: comments and strings do not count).
pub(crate) fn ident_counts(text: &str) -> Option<BTreeMap<String, usize>> {
    fn walk(ts: proc_macro2::TokenStream, counts: &mut BTreeMap<String, usize>) {
        for tt in ts {
            match tt {
                proc_macro2::TokenTree::Ident(i) => {
                    *counts.entry(ident_str(&i)).or_default() += 1;
                }
                proc_macro2::TokenTree::Group(g) => walk(g.stream(), counts),
                _ => {}
            }
        }
    }
    let ts = proc_macro2::TokenStream::from_str(text).ok()?;
    let mut counts = BTreeMap::new();
    walk(ts, &mut counts);
    Some(counts)
}

/// Deletes one leaf of a use item: the whole item (and its line) when it is the only leaf,
/// else the leaf and its separating comma.
fn removal_edit(file: &SourceFile, e: &Entry<'_>) -> Option<Edit> {
    let mut leaves = 0;
    walk_tree(&e.item.tree, &mut Vec::new(), &mut |_, _| leaves += 1);
    if leaves == 1 {
        let r = range_of(file, e.item);
        if !e.item.attrs.is_empty() {
            return None;
        }
        let (line, _) = file.line_col(r.start);
        let line_range = file.line_range(line);
        if file.slice(line_range).trim() == file.slice(r).trim() {
            let end = (line_range.end + file.line_ending.as_str().len()).min(file.text.len());
            return Some(Edit::delete(TextRange::new(line_range.start, end)));
        }
        return Some(Edit::delete(r));
    }
    let r = range_of(file, e.leaf);
    let bytes = file.text.as_bytes();
    // Prefer deleting the comma after the leaf (and the space after it); else the one before.
    let mut end = r.end;
    while end < bytes.len() && (bytes[end] == b' ' || bytes[end] == b'\t') {
        end += 1;
    }
    if bytes.get(end) == Some(&b',') {
        end += 1;
        while end < bytes.len() && matches!(bytes[end], b' ' | b'\t' | b'\r' | b'\n') {
            end += 1;
        }
        return Some(Edit::delete(TextRange::new(r.start, end)));
    }
    let mut start = r.start;
    while start > 0 && matches!(bytes[start - 1], b' ' | b'\t' | b'\r' | b'\n') {
        start -= 1;
    }
    if start > 0 && bytes[start - 1] == b',' {
        return Some(Edit::delete(TextRange::new(start - 1, r.end)));
    }
    None
}

/// Collects the uses visible at `offset` and where new ones should go.
fn collect_scope<'a>(
    file: &SourceFile,
    items: &'a [syn::Item],
    offset: usize,
    visible: &mut Vec<&'a syn::ItemUse>,
    local_items: &mut Vec<String>,
    target: &mut Target<'a>,
) {
    for item in items {
        if let syn::Item::Use(u) = item {
            visible.push(u);
        }
        if let Some(name) = item_name(item) {
            local_items.push(name);
        }
    }
    let contains =
        |node: &dyn Spanned| range_of(file, node).contains_range(TextRange::empty(offset));
    for item in items {
        match item {
            syn::Item::Mod(m) if contains(m) => {
                if let Some((brace, inner)) = &m.content {
                    visible.clear();
                    local_items.clear();
                    let open = crate::engine::syntax::range_of_span(file, brace.span.open());
                    *target = Target::Items(inner, Some(open));
                    collect_scope(file, inner, offset, visible, local_items, target);
                }
            }
            syn::Item::Fn(f) if contains(f) => {
                enter_fn(file, &f.attrs, &f.block, offset, visible, target);
            }
            syn::Item::Impl(i) if contains(i) => {
                for ii in &i.items {
                    if let syn::ImplItem::Fn(f) = ii {
                        if contains(f) {
                            enter_fn(file, &f.attrs, &f.block, offset, visible, target);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn enter_fn<'a>(
    file: &SourceFile,
    attrs: &[syn::Attribute],
    block: &'a syn::Block,
    offset: usize,
    visible: &mut Vec<&'a syn::ItemUse>,
    target: &mut Target<'a>,
) {
    if attrs.iter().any(|a| a.path().is_ident("cfg")) {
        *target = Target::Block(block);
    }
    // Every enclosing block's own `use` statements are in scope at the site.
    struct Blocks<'a, 'f> {
        file: &'f SourceFile,
        offset: usize,
        visible: &'f mut Vec<&'a syn::ItemUse>,
    }
    impl<'a> syn::visit::Visit<'a> for Blocks<'a, '_> {
        fn visit_block(&mut self, b: &'a syn::Block) {
            if range_of(self.file, b).contains_range(TextRange::empty(self.offset)) {
                for s in &b.stmts {
                    if let syn::Stmt::Item(syn::Item::Use(u)) = s {
                        self.visible.push(u);
                    }
                }
                syn::visit::visit_block(self, b);
            }
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut v = Blocks {
        file,
        offset,
        visible,
    };
    syn::visit::Visit::visit_block(&mut v, block);
}

fn item_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Struct(i) => &i.ident,
        syn::Item::Enum(i) => &i.ident,
        syn::Item::Type(i) => &i.ident,
        syn::Item::Trait(i) => &i.ident,
        syn::Item::Fn(i) => &i.sig.ident,
        syn::Item::Const(i) => &i.ident,
        syn::Item::Static(i) => &i.ident,
        syn::Item::Mod(i) => &i.ident,
        syn::Item::Union(i) => &i.ident,
        _ => return None,
    };
    Some(ident_str(ident))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_and_apply(src: &str, f: impl FnOnce(&mut ImportPlan<'_>)) -> String {
        let file = SourceFile::new("x.rs", src.to_string());
        let syntax = file.parse_rust().unwrap();
        let at = src.find("fn ").unwrap() + 3;
        let mut plan = ImportPlan::at(&file, &syntax, at);
        f(&mut plan);
        let mut out = Changes::default();
        plan.finish(&mut out);
        out.edits.apply(&file.text)
    }

    /// The plan `f` makes for `src`, applied, is `expected`.
    fn assert_planned(src: &str, f: impl FnOnce(&mut ImportPlan<'_>), expected: &str) {
        assert_eq!(plan_and_apply(src, f), expected);
    }

    #[test]
    fn reuses_names_and_module_aliases_and_merges_into_groups() {
        let src = "use opentelemetry_otlp::{Protocol, WithExportConfig};\nuse opentelemetry_sdk::trace as sdktrace;\n\nfn f() {}\n";
        let mut names = Vec::new();
        let out = plan_and_apply(src, |p| {
            names.push(p.name("opentelemetry_otlp::SpanExporter"));
            names.push(p.name("opentelemetry_sdk::trace::TracerProvider"));
            names.push(p.name("opentelemetry_otlp::Protocol"));
            p.need_trait("opentelemetry_otlp::WithExportConfig");
            p.need_trait("opentelemetry::trace::TracerProvider");
        });
        assert_eq!(
            names,
            ["SpanExporter", "sdktrace::TracerProvider", "Protocol"]
        );
        assert_eq!(
            out,
            "use opentelemetry_otlp::{Protocol, WithExportConfig, SpanExporter};\nuse opentelemetry_sdk::trace as sdktrace;\nuse opentelemetry::trace::TracerProvider;\n\nfn f() {}\n"
        );
    }

    #[test]
    fn a_taken_name_gets_the_full_path_or_an_anonymous_trait_import() {
        assert_planned(
            "use opentelemetry_sdk::trace::TracerProvider;\r\n\r\nfn f() {}\r\n",
            |p| {
                assert_eq!(p.name("other::TracerProvider"), "other::TracerProvider");
                p.need_trait("opentelemetry::trace::TracerProvider");
            },
            "use opentelemetry_sdk::trace::TracerProvider;\r\nuse opentelemetry::trace::TracerProvider as _;\r\n\r\nfn f() {}\r\n",
        );
    }

    #[test]
    fn cfg_gated_functions_get_their_own_imports() {
        assert_planned(
            "use a::b;\n\n#[cfg(feature = \"x\")]\nfn f() {\n    let x = 1;\n}\n",
            |p| {
                p.name("opentelemetry_otlp::SpanExporter");
            },
            "use a::b;\n\n#[cfg(feature = \"x\")]\nfn f() {\n    use opentelemetry_otlp::SpanExporter;\n    let x = 1;\n}\n",
        );
    }

    #[test]
    fn removes_only_unused_imports() {
        assert_planned(
            "use a::{B, C};\nuse d::E;\n\nfn f() { C; }\n",
            |p| {
                p.remove_if_unused("a::B");
                p.remove_if_unused("a::C");
                p.remove_if_unused("d::E");
            },
            "use a::{C};\n\nfn f() { C; }\n",
        );
    }
}
