//! The import plan: the `use` items new code needs, planned per rewrite site.
//!
//! [`ImportPlan::name`] answers "how do I write `opentelemetry_otlp::SpanExporter` here?": the
//! local name when it is already imported, `alias::Name` when a parent module is (`sdktrace::…`
//! for `use opentelemetry_sdk::trace as sdktrace;`), else the last segment with a planned import
//! — or the full path when that name is taken by something else in scope. [`ImportPlan::need_trait`]
//! brings a trait into scope (`as _` when its name is taken). [`ImportPlan::finish`] turns the
//! plan into edits (additions: `add`; removals: `remove`), checked by the import guard. Imports
//! the rewrite made unused are removed only when the name no longer occurs anywhere in the
//! edited file.

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::engine::changes::Changes;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, range_of};

use super::add::{insert_lines, merge_into, sort_texts};
use super::gate::{all_of, cfg_conditions, conditions_at, Gate};
use super::guard::{self, Place, Request};
use super::remove::{edit_item, LeafEdit};
use super::scope::{collect_scope, Target};
use super::tree::{leaf_path, segments, walk_tree};

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
                for (path, gate) in plan.gates {
                    existing.merge_gate(path, gate);
                }
                existing.removals.extend(plan.removals);
                existing.forced_removals.extend(plan.forced_removals);
                existing.anonymous_removals.extend(plan.anonymous_removals);
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
    /// What the leaf imports, as the import guard counts it (`a::b as c`).
    imported: String,
    /// The `#[cfg(..)]` conditions of its `use` item: the name is there only when they hold.
    conditions: Vec<String>,
}

pub struct ImportPlan<'a> {
    file: &'a SourceFile,
    visible: Vec<&'a syn::ItemUse>,
    entries: Vec<Entry<'a>>,
    /// Glob imports, with the `#[cfg(..)]` conditions of their `use` item.
    globs: Vec<(Vec<String>, Vec<String>)>,
    local_items: Vec<String>,
    target: Target<'a>,
    /// Planned imports: full path → local name (`_` for an anonymous trait import).
    adds: BTreeMap<Vec<String>, String>,
    removals: Vec<Vec<String>>,
    /// Imports of items that no longer exist: removed whatever the file still mentions; with
    /// a local name, only the import binding that name.
    forced_removals: Vec<(Vec<String>, Option<String>)>,
    /// Traits whose `use … as _;` goes (their methods are no longer called).
    anonymous_removals: Vec<Vec<String>>,
    /// The `#[cfg]` conditions the code being written is compiled under (see
    /// [`Self::code_at`]), and under which each planned import is needed.
    conditions: Vec<String>,
    gates: BTreeMap<Vec<String>, Gate>,
    /// Every `#[cfg]` condition around the code being written, from the file's root (a gated
    /// function's or module's own too): what decides whether a gated `use` serves it.
    enclosing: Vec<String>,
    /// The file's items, where [`Self::enclosing`] is read from.
    root: &'a [syn::Item],
    /// The byte offset the plan was made for.
    site: usize,
}

impl<'a> ImportPlan<'a> {
    /// One indentation level of the file the new code goes into: renderers that name items
    /// through the plan lay their lines out with it.
    pub fn indent_unit(&self) -> crate::engine::source::IndentUnit {
        self.file.indent_unit()
    }

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
            anonymous_removals: Vec::new(),
            conditions: Vec::new(),
            gates: BTreeMap::new(),
            enclosing: Vec::new(),
            root: &syntax.items,
            site: offset,
        };
        plan.code_at(offset);
        for u in visible {
            plan.add_visible(u);
        }
        plan
    }

    /// The names asked for next are for code at byte `offset` (a `match` arm of the site, say):
    /// an import only code under a `#[cfg(..)]` needs gets the same `#[cfg(..)]`.
    pub fn code_at(&mut self, offset: usize) {
        let around = conditions_at(self.file, self.root, self.target, offset);
        self.conditions = around.inside;
        self.enclosing = around.all;
    }

    /// Back to code at the plan's own site (after [`Self::code_at`]).
    pub fn code_at_site(&mut self) {
        self.code_at(self.site);
    }

    /// Records that the code being written needs the planned import of `path`.
    fn needed(&mut self, path: &[String]) {
        let gate = Gate::of(&self.conditions);
        self.merge_gate(path.to_vec(), gate);
    }

    fn merge_gate(&mut self, path: Vec<String>, gate: Gate) {
        let merged = match self.gates.remove(&path) {
            Some(known) => known.either(gate),
            None => gate,
        };
        self.gates.insert(path, merged);
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
        let conditions = cfg_conditions(self.file, &u.attrs);
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
                    imported: leaf_path(prefix, leaf),
                    conditions: conditions.clone(),
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
                    imported: leaf_path(prefix, leaf),
                    conditions: conditions.clone(),
                });
            }
            syn::UseTree::Glob(_) => self.globs.push((prefix.to_vec(), conditions.clone())),
            _ => {}
        });
    }

    /// Whether an import under `conditions` is there wherever the code being written is: the
    /// code is compiled only under (at least) the same conditions. A `#[cfg]`-gated import does
    /// not serve other code (its name still counts as taken, [`Self::name_taken`]).
    fn serves(&self, conditions: &[String]) -> bool {
        conditions.iter().all(|c| self.enclosing.contains(c))
    }

    fn local_for(&self, path: &[String]) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.path == path && e.local.is_some() && self.serves(&e.conditions))
            .and_then(|e| e.local.as_deref())
    }

    fn name_taken(&self, name: &str, path: &[String]) -> bool {
        // An import this plan removes unconditionally frees its name.
        let going = |e: &Entry<'_>| self.forced(e);
        // The same item imported under a `#[cfg]` this code is not under binds the name too.
        self.entries.iter().any(|e| {
            e.local.as_deref() == Some(name)
                && (e.path != path || !self.serves(&e.conditions))
                && !going(e)
        }) || self.local_items.iter().any(|i| i == name)
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
        if let Some(local) = self.adds.get(&segs).filter(|l| *l != "_").cloned() {
            self.needed(&segs);
            return local;
        }
        // A parent module already in scope: `sdktrace::TracerProvider`.
        for cut in (1..segs.len()).rev() {
            if let Some(local) = self.local_for(&segs[..cut]) {
                return format!("{local}::{}", segs[cut..].join("::"));
            }
        }
        let last = segs.last().cloned().unwrap_or_default();
        let parent = &segs[..segs.len() - 1];
        if self.glob_of(parent) && !self.name_taken(&last, &segs) {
            return last;
        }
        if self.name_taken(&last, &segs) {
            return path.to_string();
        }
        self.needed(&segs);
        self.adds.insert(segs, last.clone());
        last
    }

    /// Whether a visible `use` that serves this code globs `module`.
    fn glob_of(&self, module: &[String]) -> bool {
        self.globs
            .iter()
            .any(|(g, conditions)| g.as_slice() == module && self.serves(conditions))
    }

    /// Whether a visible `use` that serves this code imports `segs`, by name or through a glob
    /// of its module.
    fn imported(&self, segs: &[String]) -> bool {
        self.entries
            .iter()
            .any(|e| e.path == segs && self.serves(&e.conditions))
            || self.glob_of(&segs[..segs.len() - 1])
    }

    /// Imports `path` under the local name `local` (`use shared::otlp as opentelemetry_otlp;`);
    /// false when another item already has that name here.
    pub fn bind_as(&mut self, path: &str, local: &str) -> bool {
        let segs = segments(path);
        if self.local_for(&segs) == Some(local) {
            return true;
        }
        if self.name_taken(local, &segs) {
            return false;
        }
        self.needed(&segs);
        self.adds.insert(segs, local.to_string());
        true
    }

    /// Brings trait `path` into scope for method calls (by name, or `as _` when the name is
    /// taken). Nothing to do when any visible `use` already imports it.
    pub fn need_trait(&mut self, path: &str) {
        let segs = segments(path);
        if self.imported(&segs) {
            return;
        }
        // Imported already under a `#[cfg]` this code is not under: imported again, as `_`,
        // only where that import is not (a second import by name would clash with it, and an
        // unconditional one would be unused wherever it is there).
        if let Some(gated) = self.entries.iter().find(|e| e.path == segs) {
            let elsewhere = format!("not({})", all_of(&gated.conditions));
            let mut conditions = self.conditions.clone();
            conditions.push(elsewhere);
            self.merge_gate(segs.clone(), Gate::of(&conditions));
            self.adds.insert(segs, "_".to_string());
            return;
        }
        self.needed(&segs);
        if self.adds.contains_key(&segs) {
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
        self.needed(&segs);
        self.adds.insert(segs, "_".to_string());
    }

    /// Asks to remove the import of `path` if the edited file no longer uses its local name.
    pub fn remove_if_unused(&mut self, path: &str) {
        self.removals.push(segments(path));
    }

    /// Asks to remove the import of `path` unconditionally (an item the target version does not
    /// have, which the rewrite replaced everywhere in the file).
    pub fn remove(&mut self, path: &str) {
        self.forced_removals.push((segments(path), None));
    }

    /// Asks to remove the import of `path` that binds `local`, whatever the file says (the
    /// caller found the name read nowhere); another import of the same item stays.
    pub fn remove_binding(&mut self, path: &str, local: &str) {
        self.forced_removals
            .push((segments(path), Some(local.to_string())));
    }

    /// Whether `e` was asked to go whatever the file says.
    fn forced(&self, e: &Entry<'_>) -> bool {
        self.forced_removals.iter().any(|(path, local)| {
            *path == e.path && local.as_ref().is_none_or(|l| e.local.as_ref() == Some(l))
        })
    }

    /// Asks to remove `use path as _;` (a trait imported for its methods, the last call of which
    /// the rewrite deleted); an import by name stays (the name may be used as a bound).
    pub fn remove_anonymous(&mut self, path: &str) {
        self.anonymous_removals.push(segments(path));
    }

    /// Adds the import edits to `out`. Call after every other edit of the site is in `out`
    /// (removal decisions look at the edited text).
    pub fn finish(self, out: &mut Changes) {
        let going = self.going(out);
        let removed = |leaf: &syn::UseTree| going.iter().any(|e| std::ptr::eq(e.leaf, leaf));
        let mut request = Request::default();
        // Per `#[cfg]` attribute (none: needed everywhere) and parent module, the items to add.
        let mut by_parent: BTreeMap<(Option<String>, Vec<String>), Vec<String>> = BTreeMap::new();
        let place = Place::Scope(self.target.open_brace(self.file));
        for (path, local) in &self.adds {
            let last = path.last().cloned().unwrap_or_default();
            let item = if *local == last {
                last
            } else {
                format!("{last} as {local}")
            };
            let parent = &path[..path.len() - 1];
            request.add(place, format!("{}::{item}", parent.join("::")));
            let attribute = self.gates.get(path).and_then(Gate::attribute);
            by_parent
                .entry((attribute, parent.to_vec()))
                .or_default()
                .push(item);
        }
        // An item that loses every leaf is deleted, and one another edit of the file rewrites
        // already (a rename in place: `use sdk::metrics::MeterProvider;` → `…SdkMeterProvider`),
        // has text the merge cannot see: nothing merges into either.
        let rewritten = |u: &syn::ItemUse| {
            let range = range_of(self.file, &u.tree);
            out.edits.iter().any(|e| e.range.overlaps(range))
        };
        // A `pub use` would re-export what the rewrite needs: never merged into. Each with its
        // `#[cfg]` attribute: an addition merges only into a `use` under the very same one.
        let in_scope: Vec<(&syn::ItemUse, Option<String>)> = self
            .visible
            .iter()
            .copied()
            .filter(|u| matches!(u.vis, syn::Visibility::Inherited))
            .filter(|u| self.in_target(u) && !loses_every_leaf(u, &removed) && !rewritten(u))
            .map(|u| {
                (
                    u,
                    Gate::of(&cfg_conditions(self.file, &u.attrs)).attribute(),
                )
            })
            .collect();
        let mergeable: Vec<&syn::ItemUse> = in_scope
            .iter()
            .filter(|(_, attribute)| attribute.is_none())
            .map(|(u, _)| *u)
            .collect();
        let mut edits = Vec::new();
        let mut gaining = Vec::new();
        let mut new_lines = Vec::new();
        for ((attribute, parent), mut items) in by_parent {
            if let Some(merge) = in_scope
                .iter()
                .filter(|(_, a)| *a == attribute)
                .find_map(|(u, _)| merge_into(self.file, u, &parent, &items, &removed))
            {
                edits.extend(merge.edits);
                gaining.extend(merge.group);
                continue;
            }
            let list = if items.len() == 1 {
                items[0].clone()
            } else {
                sort_texts(&mut items);
                format!("{{{}}}", items.join(", "))
            };
            let line = format!("use {}::{list};", parent.join("::"));
            new_lines.push(match attribute {
                Some(attribute) => format!("{attribute}\n{line}"),
                None => line,
            });
        }
        if !new_lines.is_empty() {
            edits.extend(insert_lines(self.file, self.target, &mergeable, &new_lines));
        }
        let mut items: Vec<&syn::ItemUse> = going.iter().map(|e| e.item).collect();
        items.dedup_by(|a, b| std::ptr::eq(*a, *b));
        for item in items {
            let item_edits = edit_item(self.file, item, &gaining, &mut |_, leaf| match going
                .iter()
                .find(|e| std::ptr::eq(e.leaf, leaf))
            {
                Some(e) => {
                    let place = Place::Item(range_of(self.file, leaf).start);
                    request.remove(place, e.imported.clone());
                    LeafEdit::Remove
                }
                None => LeafEdit::Keep,
            });
            edits.extend(item_edits);
        }
        guard::commit(self.file, &request, edits, out);
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

    /// The imports that go, decided on the text with every other edit applied: the ones asked
    /// to go whatever the file says, and the ones asked to go if unused that are.
    fn going(&self, out: &Changes) -> Vec<&Entry<'a>> {
        if self.removals.is_empty()
            && self.forced_removals.is_empty()
            && self.anonymous_removals.is_empty()
        {
            return Vec::new();
        }
        let edited = out.edits.apply(&self.file.text);
        let Some(counts) = name_use_counts(&edited[self.file.base_offset.min(edited.len())..])
        else {
            return Vec::new();
        };
        let goes = |e: &Entry<'_>| -> bool {
            if self.forced(e) || (e.local.is_none() && self.anonymous_removals.contains(&e.path)) {
                return true;
            }
            let Some(local) = &e.local else { return false };
            // The use item itself accounts for one occurrence.
            self.removals.contains(&e.path) && counts.get(local.as_str()).copied().unwrap_or(0) <= 1
        };
        self.entries.iter().filter(|e| goes(e)).collect()
    }
}

/// Whether every leaf of `u` (globs too, which never go) is removed.
fn loses_every_leaf(u: &syn::ItemUse, removed: &dyn Fn(&syn::UseTree) -> bool) -> bool {
    let mut all = true;
    walk_tree(&u.tree, &mut Vec::new(), &mut |_, leaf| {
        all &= removed(leaf)
    });
    all
}

/// How often each identifier occurs in `text` where it can name an imported binding: every
/// identifier of a `use` item (so an import counts itself once, as with [`ident_counts`]);
/// elsewhere first segments of paths, and any segment of a `self::`/`super::`/`crate::` path. A
/// later segment of another path (`opentelemetry_sdk::metrics::Temporality::Delta`,
/// `<T as X>::Name`, `::Name`) names something else, so it keeps no import alive.
pub(crate) fn name_use_counts(text: &str) -> Option<BTreeMap<String, usize>> {
    name_counts(text, true)
}

/// How often each identifier occurs in `text` where it can read an imported binding, outside
/// `use` items: [`name_use_counts`] without the identifiers of `use` items.
pub(crate) fn name_reads_outside_uses(text: &str) -> Option<BTreeMap<String, usize>> {
    name_counts(text, false)
}

fn name_counts(text: &str, count_uses: bool) -> Option<BTreeMap<String, usize>> {
    fn walk(
        ts: proc_macro2::TokenStream,
        in_use: bool,
        count_uses: bool,
        counts: &mut BTreeMap<String, usize>,
    ) {
        let mut in_use = in_use;
        // The root of the path being read (`Some("")`: rooted in no name), and whether the
        // tokens just read are the `::` after a path segment.
        let mut root: Option<String> = None;
        let mut after_colons = false;
        let mut colons = 0;
        for tt in ts {
            match tt {
                proc_macro2::TokenTree::Ident(i) => {
                    let name = ident_str(&i);
                    in_use |= name == "use";
                    let reads = !after_colons
                        || matches!(root.as_deref(), Some("self" | "super" | "crate"));
                    let counts_here = if in_use { count_uses } else { reads };
                    if counts_here {
                        *counts.entry(name.clone()).or_default() += 1;
                    }
                    if !after_colons {
                        root = Some(name);
                    }
                    after_colons = false;
                    colons = 0;
                }
                proc_macro2::TokenTree::Punct(p) if p.as_char() == ':' => {
                    colons += 1;
                    if colons == 2 {
                        after_colons = true;
                        root.get_or_insert_with(String::new);
                    }
                }
                proc_macro2::TokenTree::Group(g) => {
                    walk(g.stream(), in_use, count_uses, counts);
                    root = None;
                    after_colons = false;
                    colons = 0;
                }
                proc_macro2::TokenTree::Punct(p) => {
                    in_use &= p.as_char() != ';';
                    root = None;
                    after_colons = false;
                    colons = 0;
                }
                proc_macro2::TokenTree::Literal(_) => {
                    root = None;
                    after_colons = false;
                    colons = 0;
                }
            }
        }
    }
    let ts = proc_macro2::TokenStream::from_str(text).ok()?;
    let mut counts = BTreeMap::new();
    walk(ts, false, count_uses, &mut counts);
    Some(counts)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_and_apply(src: &str, f: impl FnOnce(&mut ImportPlan<'_>)) -> String {
        plan_and_apply_at(src, src.find("fn ").unwrap() + 3, f)
    }

    /// The plan for new code at byte `at` of `src`, applied.
    fn plan_and_apply_at(src: &str, at: usize, f: impl FnOnce(&mut ImportPlan<'_>)) -> String {
        let file = SourceFile::new("x.rs", src.to_string());
        let syntax = file.parse_rust().unwrap();
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
    fn additions_go_to_their_place_in_sorted_groups_and_runs_else_last() {
        let need = |p: &mut ImportPlan<'_>| {
            p.name("opentelemetry::InstrumentationScope");
            p.name("opentelemetry_sdk::trace::TracerProvider");
            p.name("opentelemetry_otlp::LogExporter");
        };
        // Sorted: each at its place (a multi-line group keeps one element a line).
        assert_planned(
            "use opentelemetry::{
    global,
    KeyValue,
};
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use tracing::info;

fn f() {}
",
            need,
            "use opentelemetry::{
    global,
    InstrumentationScope,
    KeyValue,
};
use opentelemetry_otlp::{LogExporter, SpanExporter, WithExportConfig};
use opentelemetry_sdk::trace::TracerProvider;
use tracing::info;

fn f() {}
",
        );
        // Not sorted (or a comment in the group): after the last element, after the last line.
        assert_planned(
            "use tracing::info;
use opentelemetry::{KeyValue, global};
use opentelemetry_otlp::{
    WithExportConfig, // the builder trait
    SpanExporter,
};

fn f() {}
",
            need,
            "use tracing::info;
use opentelemetry::{KeyValue, global, InstrumentationScope};
use opentelemetry_otlp::{
    WithExportConfig, // the builder trait
    SpanExporter,
    LogExporter,
};
use opentelemetry_sdk::trace::TracerProvider;

fn f() {}
",
        );
        // Two runs: the line goes to the run of its crate, at its place there.
        assert_planned(
            "use std::sync::Arc;

use opentelemetry::KeyValue;
use tracing::info;

fn f() {}
",
            |p| {
                p.name("opentelemetry_sdk::trace::TracerProvider");
                p.name("std::time::Duration");
            },
            "use std::sync::Arc;
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry_sdk::trace::TracerProvider;
use tracing::info;

fn f() {}
",
        );
        // No run of its crate: the run of external crates (std / external / local groups).
        assert_planned(
            "use std::sync::Arc;

use tracing::info;
use tracing_subscriber::Registry;

use crate::config::Mode;

fn f() {}
",
            |p| {
                p.name("opentelemetry::InstrumentationScope");
            },
            "use std::sync::Arc;

use opentelemetry::InstrumentationScope;
use tracing::info;
use tracing_subscriber::Registry;

use crate::config::Mode;

fn f() {}
",
        );
    }

    #[test]
    fn a_use_laid_out_over_lines_for_its_width_goes_on_one_line_once_it_fits() {
        let long = "use opentelemetry_sdk::{\n    metrics::{reader::TemporalitySelector, InstrumentKind, SdkMeterProvider, Temporality},\n    runtime,\n};\n\nfn f() {}\n";
        assert_planned(
            long,
            |p| p.remove("opentelemetry_sdk::metrics::reader::TemporalitySelector"),
            "use opentelemetry_sdk::{metrics::{InstrumentKind, SdkMeterProvider, Temporality}, runtime};\n\nfn f() {}\n",
        );
        // It fitted on one line before: laid out by hand, left so.
        let short = "use opentelemetry_sdk::{\n    metrics::{InstrumentKind, Temporality},\n    runtime,\n};\n\nfn f() {}\n";
        assert_planned(
            short,
            |p| p.remove("opentelemetry_sdk::metrics::InstrumentKind"),
            "use opentelemetry_sdk::{\n    metrics::Temporality,\n    runtime,\n};\n\nfn f() {}\n",
        );
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
            "use opentelemetry::trace::TracerProvider;\nuse opentelemetry_otlp::{Protocol, SpanExporter, WithExportConfig};\nuse opentelemetry_sdk::trace as sdktrace;\n\nfn f() {}\n"
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
            "use opentelemetry::trace::TracerProvider as _;\r\nuse opentelemetry_sdk::trace::TracerProvider;\r\n\r\nfn f() {}\r\n",
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
    fn a_site_in_a_block_of_a_cfg_gated_statement_gets_the_imports_there() {
        let src = "use a::b;\n\nfn f() {\n    #[cfg(feature = \"otel\")]\n    let layer = {\n        let x = 1;\n    };\n    let y = 2;\n}\n";
        let planned = |at: usize| {
            plan_and_apply_at(src, at, |p| {
                p.name("opentelemetry_otlp::SpanExporter");
            })
        };
        assert_eq!(
            planned(src.find("let x").unwrap()),
            "use a::b;\n\nfn f() {\n    #[cfg(feature = \"otel\")]\n    let layer = {\n        use opentelemetry_otlp::SpanExporter;\n        let x = 1;\n    };\n    let y = 2;\n}\n",
        );
        // Outside the gated statement: the file's imports.
        assert_eq!(
            planned(src.find("let y").unwrap()),
            "use a::b;\nuse opentelemetry_otlp::SpanExporter;\n\nfn f() {\n    #[cfg(feature = \"otel\")]\n    let layer = {\n        let x = 1;\n    };\n    let y = 2;\n}\n",
        );
        // A function of a gated impl is gated.
        assert_planned(
            "use a::b;\n\n#[cfg(feature = \"otel\")]\nimpl S {\n    fn f() {\n        let x = 1;\n    }\n}\n",
            |p| {
                p.name("opentelemetry_otlp::SpanExporter");
            },
            "use a::b;\n\n#[cfg(feature = \"otel\")]\nimpl S {\n    fn f() {\n        use opentelemetry_otlp::SpanExporter;\n        let x = 1;\n    }\n}\n",
        );
    }

    #[test]
    fn an_import_only_gated_code_needs_is_gated_alike() {
        let src = "use a::b;\n\nfn f() {\n    let e = match p {\n        #[cfg(feature = \"tls\")]\n        P::Tls => tls(),\n        #[cfg(all(unix, feature = \"uds\"))]\n        P::Uds => uds(),\n        _ => plain(),\n    };\n}\n";
        let at = |needle: &str| src.find(needle).unwrap();
        let planned = |f: &dyn Fn(&mut ImportPlan<'_>)| plan_and_apply_at(src, at("let e"), f);
        // Needed by the gated arm alone: gated alike, on a line of its own.
        let only_tls = planned(&|p| {
            p.code_at(at("tls()"));
            p.need_trait("opentelemetry_otlp::WithTonicConfig");
            p.code_at_site();
            p.name("opentelemetry_otlp::SpanExporter");
        });
        assert!(
            only_tls.starts_with("use a::b;\nuse opentelemetry_otlp::SpanExporter;\n#[cfg(feature = \"tls\")]\nuse opentelemetry_otlp::WithTonicConfig;\n"),
            "{only_tls}"
        );
        // Needed by two gated arms: whenever either is compiled.
        let both = planned(&|p| {
            p.code_at(at("tls()"));
            p.need_trait("opentelemetry_otlp::WithTonicConfig");
            p.code_at(at("uds()"));
            p.need_trait("opentelemetry_otlp::WithTonicConfig");
        });
        assert!(
            both.contains("#[cfg(any(all(unix, feature = \"uds\"), feature = \"tls\"))]\nuse opentelemetry_otlp::WithTonicConfig;"),
            "{both}"
        );
        // Needed by an ungated arm too: not gated.
        let everywhere = planned(&|p| {
            p.code_at(at("tls()"));
            p.need_trait("opentelemetry_otlp::WithTonicConfig");
            p.code_at(at("plain()"));
            p.need_trait("opentelemetry_otlp::WithTonicConfig");
        });
        assert!(
            everywhere.starts_with("use a::b;\nuse opentelemetry_otlp::WithTonicConfig;\n\n"),
            "{everywhere}"
        );
    }

    #[test]
    fn a_gated_import_serves_only_code_under_its_cfg() {
        let src = "#[cfg(feature = \"tls\")]\nuse opentelemetry_otlp::{SpanExporter, WithTonicConfig};\n\nfn f() {\n    let e = match p {\n        #[cfg(feature = \"tls\")]\n        P::Tls => tls(),\n        _ => plain(),\n    };\n}\n";
        let at = |needle: &str| src.find(needle).unwrap();
        // Code under the same cfg: the gated import serves it.
        let gated = plan_and_apply_at(src, at("let e"), |p| {
            p.code_at(at("tls()"));
            p.need_trait("opentelemetry_otlp::WithTonicConfig");
            assert_eq!(p.name("opentelemetry_otlp::SpanExporter"), "SpanExporter");
        });
        assert_eq!(gated, src);
        // Ungated code: the trait comes anonymously where the gated import is not (by name it
        // would clash with it, unconditionally it would be unused beside it), the type by its
        // full path.
        let ungated = plan_and_apply_at(src, at("let e"), |p| {
            p.code_at(at("plain()"));
            p.need_trait("opentelemetry_otlp::WithTonicConfig");
            assert_eq!(
                p.name("opentelemetry_otlp::SpanExporter"),
                "opentelemetry_otlp::SpanExporter"
            );
        });
        assert!(
            ungated.starts_with(
                "#[cfg(not(feature = \"tls\"))]\nuse opentelemetry_otlp::WithTonicConfig as _;\n"
            ),
            "{ungated}"
        );
    }

    #[test]
    fn a_gated_import_joins_a_use_under_the_same_cfg() {
        let src = "#[cfg(feature = \"otel\")]\nuse opentelemetry_aws::trace::XrayPropagator;\nuse std::fmt;\n\nfn f() {\n    #[cfg(feature = \"otel\")]\n    let g = x();\n}\n";
        let out = plan_and_apply_at(src, 0, |p| {
            p.code_at(src.find("x()").unwrap());
            assert_eq!(
                p.name("opentelemetry_aws::trace::XrayIdGenerator"),
                "XrayIdGenerator"
            );
        });
        assert!(
            out.starts_with("#[cfg(feature = \"otel\")]\nuse opentelemetry_aws::trace::{XrayIdGenerator, XrayPropagator};\nuse std::fmt;\n"),
            "{out}"
        );
    }

    #[test]
    fn a_gated_import_serves_a_function_gated_alike() {
        // The usual feature-gated telemetry: the imports and the function under one feature.
        let src = "#[cfg(feature = \"otel\")]\nuse opentelemetry_otlp::{SpanExporter, WithExportConfig};\n\n#[cfg(feature = \"otel\")]\nfn f() {\n    let x = 1;\n}\n";
        let out = plan_and_apply_at(src, src.find("let x").unwrap(), |p| {
            p.need_trait("opentelemetry_otlp::WithExportConfig");
            assert_eq!(p.name("opentelemetry_otlp::SpanExporter"), "SpanExporter");
        });
        assert_eq!(out, src);
    }

    #[test]
    fn a_site_in_a_gated_statement_without_a_block_gets_gated_imports() {
        let src =
            "use a::b;\n\nfn f() {\n    #[cfg(feature = \"otel\")]\n    let p = pipeline();\n}\n";
        let out = plan_and_apply_at(src, src.find("pipeline").unwrap(), |p| {
            p.name("opentelemetry_sdk::trace::TracerProvider");
        });
        assert_eq!(
            out,
            "use a::b;\n#[cfg(feature = \"otel\")]\nuse opentelemetry_sdk::trace::TracerProvider;\n\nfn f() {\n    #[cfg(feature = \"otel\")]\n    let p = pipeline();\n}\n"
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
            "use a::C;\n\nfn f() { C; }\n",
        );
    }

    #[test]
    fn merged_plans_keep_each_others_forced_removals() {
        let src = "use a::Gone;\nuse b::Kept;\n\nfn f() { Gone; Kept; }\n";
        let file = SourceFile::new("x.rs", src.to_string());
        let syntax = file.parse_rust().unwrap();
        let at = src.find("fn ").unwrap() + 3;
        let mut plans = ImportPlans::default();
        let first = ImportPlan::at(&file, &syntax, at);
        plans.add(first);
        let mut second = ImportPlan::at(&file, &syntax, at);
        second.remove("a::Gone");
        plans.add(second);
        let mut out = Changes::default();
        plans.finish(&mut out);
        assert_eq!(
            out.edits.apply(&file.text),
            "use b::Kept;\n\nfn f() { Gone; Kept; }\n"
        );
    }

    #[test]
    fn a_later_segment_of_another_path_keeps_no_import_alive() {
        let counts = name_use_counts(
            "use a::data::Temporality;\nfn f() { g(opentelemetry_sdk::metrics::Temporality::Delta); <T as X>::Temporality; ::Temporality; }",
        )
        .unwrap();
        assert_eq!(counts.get("Temporality"), Some(&1), "the use item only");
        let counts = name_use_counts(
            "fn f() { Temporality::Delta; self::Temporality; super::m::Temporality; let t: Temporality; }",
        )
        .unwrap();
        assert_eq!(counts.get("Temporality"), Some(&4));
        assert_eq!(counts.get("Delta"), None);
    }

    #[test]
    fn an_import_used_only_through_a_full_path_of_the_new_item_goes() {
        let src = "use opentelemetry_sdk::metrics::{data::Temporality, PeriodicReader};\n\nfn f() { PeriodicReader; opentelemetry_sdk::metrics::Temporality::Delta; }\n";
        let edited = plan_and_apply(src, |plan| {
            plan.remove_if_unused("opentelemetry_sdk::metrics::data::Temporality")
        });
        assert!(!edited.contains("data::Temporality"), "{edited}");
        assert!(edited.contains("PeriodicReader"), "{edited}");
    }
}
