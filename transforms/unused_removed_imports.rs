//! # unused-removed-imports
//!
//! ## What it does
//! Deletes an import of an item the target version no longer has when nothing in the file
//! uses the name it brings in — an import the old code already did not need (rustc warned
//! `unused import`), which would now fail to resolve. What counts as removed is the residue
//! table's verdict on the import (the leaf, or a module on its path such as 0.26's
//! `opentelemetry::metrics::noop`). Runs after every rewrite, so an import the rewrites left
//! unused goes too.
//!
//! Also deletes an import this run left unused, whatever its item: a name the original text
//! used outside `use` items and the migrated text uses nowhere (0.20's `use
//! opentelemetry::sdk::{trace, Resource};` whose only use was `trace::config()`, which the
//! pipeline rewrite dropped): the run must not leave an `unused import` behind, an error under
//! `#![deny(warnings)]`. Only a lower-case name (a module, a function, a macro): a trait, named
//! in upper camel case, may still serve method calls that never spell it.
//!
//! ## Before
//! ```rust,ignore
//! use opentelemetry::metrics::{noop::NoopMeterProvider, Meter};
//! // … `NoopMeterProvider` named nowhere else in the file
//! ```
//!
//! ## After
//! ```rust,ignore
//! use opentelemetry::metrics::Meter;
//! ```
//!
//! ## Not rewritten
//! - An import whose name the file mentions anywhere else (code, attributes, macro bodies):
//!   `residue` reports the use.
//! - `pub` imports (a re-export other modules or crates may read), globs, `self` leaves.
//! - Any import in a file that declares a child module in another file (`mod name;`): that
//!   module may read the name through `super::`.
//!
//! ## Safety
//! Only the import leaf goes (through the import editor, which keeps the rest of the group).
//! The name was unused in its module, so no resolution changes — except through a macro
//! defined elsewhere whose expansion names the item without a path; the compiler reports that
//! case (an unresolved name), nothing changes silently.

use crate::engine::context::PackageInfo;
use crate::engine::edit::TextRange;
use crate::engine::item_edit::{ident_used_outside, use_items};
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, range_of};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::imports::{name_reads_outside_uses, ImportPlan};
use crate::otel::residue::{might_have_sites, removed_kind, scan_uses, Site};
use crate::transforms::residue::{old_versions, NEEDLES};

pub struct UnusedRemovedImports;

impl Transform for UnusedRemovedImports {
    fn id(&self) -> &'static str {
        "unused-removed-imports"
    }

    fn description(&self) -> &'static str {
        "an import of a removed item that nothing in the file uses → deleted"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    /// The residue scan's: a removed item's import names its crate (no file is read for this
    /// transform alone).
    fn needles(&self) -> &'static [&'static str] {
        NEEDLES
    }

    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        package.is_some_and(|p| !old_versions(p).is_empty())
    }

    fn wants(
        &self,
        text: &str,
        _kind: FileKind,
        package: Option<&PackageInfo>,
        _project: &crate::engine::context::Project,
    ) -> bool {
        package.is_some() && might_have_sites(text)
    }

    /// Only an import the residue scan finds is removed: only its package's crates' names.
    fn may_act(&self, text: &str, _: FileKind, package: Option<&PackageInfo>) -> bool {
        package.is_some_and(|p| old_versions(p).might_have_sites(text))
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let Some(package) = cx.package else {
            return out;
        };
        let (file, syntax) = (cx.file, cx.syntax());
        if declares_outline_module(&syntax.items) {
            return out;
        }
        let sites = scan_uses(cx.rust(), &old_versions(package));
        let mut orphans = Orphans::of(cx);
        let mut leaves = Vec::new();
        for item in use_items(syntax) {
            if matches!(item.vis, syn::Visibility::Inherited) {
                leaves_of(
                    file,
                    &item.tree,
                    &mut Vec::new(),
                    &mut Vec::new(),
                    &mut leaves,
                );
            }
        }
        // A `use` whose path starts with a binding's name reads that binding.
        let read_by_a_use = |name: &str| leaves.iter().any(|l| l.path[0] == name);
        let mut plan = ImportPlan::at(file, syntax, 0);
        let mut any = false;
        for leaf in &leaves {
            if removed_non_trait(leaf, &sites)
                && !ident_used_outside(file, syntax, &leaf.local, &[])
            {
                plan.remove_if_unused(&leaf.path.join("::"));
                any = true;
            } else if !read_by_a_use(&leaf.local) && orphans.contains(&leaf.local) {
                // The import planner counts every mention in `use` items as a use
                // (`opentelemetry::trace::TraceError` mentions `trace`): none of them reads
                // this binding, and no path outside them starts with it.
                plan.remove_binding(&leaf.path.join("::"), &leaf.local);
                any = true;
            }
        }
        if any {
            plan.finish(&mut out);
        }
        out
    }
}

/// The names this run left unread: read outside `use` items (as a path's first segment, or
/// alone) in the original text and nowhere in the migrated one, counted when first asked.
struct Orphans<'a> {
    before: &'a SourceFile,
    now: &'a SourceFile,
    changed: bool,
    reads: Option<Option<(Reads, Reads)>>,
}

type Reads = std::collections::BTreeMap<String, usize>;

impl<'a> Orphans<'a> {
    fn of(cx: &FileContext<'a>) -> Orphans<'a> {
        Orphans {
            before: cx.original,
            now: cx.file,
            changed: cx.original.text != cx.file.text,
            reads: None,
        }
    }

    /// Whether `name` is one, so an import of it was left unused by this run's rewrites. Never
    /// a trait's name (upper camel case): a trait may still serve method calls that never
    /// spell it.
    fn contains(&mut self, name: &str) -> bool {
        if !self.changed || !name.starts_with(|c: char| c.is_ascii_lowercase()) {
            return false;
        }
        let (before, now) = (self.before, self.now);
        let reads =
            |f: &SourceFile| name_reads_outside_uses(&f.text[f.base_offset.min(f.text.len())..]);
        // The counts hold only names read at least once.
        self.reads
            .get_or_insert_with(|| reads(before).zip(reads(now)))
            .as_ref()
            .is_some_and(|(before, now)| before.contains_key(name) && !now.contains_key(name))
    }
}

/// Removed modules whose items include no trait (checked in every old version's source): an
/// unused import of one of their items brings in no methods.
const MODULES_WITHOUT_TRAITS: &[&str] = &["opentelemetry::metrics::noop"];

/// Whether the residue scan found the leaf removed (itself, or a module on its path) and it is
/// no trait: a trait import serves method calls that never spell its name, so an unused-looking
/// one may be in use.
fn removed_non_trait(leaf: &Leaf, sites: &[Site]) -> bool {
    let last = leaf.segments.len() - 1;
    leaf.segments.iter().enumerate().any(|(i, seg)| {
        sites.iter().any(|s| {
            s.range.overlaps(*seg)
                && if i == last {
                    removed_kind(&s.item).is_some_and(|k| k != "trait")
                } else {
                    MODULES_WITHOUT_TRAITS.contains(&s.item.as_str())
                }
        })
    })
}

/// An import leaf: its path as written, the name it binds, and the ranges of its path's
/// segments (the leaf's own included).
struct Leaf {
    path: Vec<String>,
    local: String,
    segments: Vec<TextRange>,
}

fn leaves_of(
    file: &crate::engine::source::SourceFile,
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    ranges: &mut Vec<TextRange>,
    out: &mut Vec<Leaf>,
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(ident_str(&p.ident));
            ranges.push(range_of(file, &p.ident));
            leaves_of(file, &p.tree, prefix, ranges, out);
            prefix.pop();
            ranges.pop();
        }
        syn::UseTree::Name(n) if n.ident != "self" => {
            let name = ident_str(&n.ident);
            let mut path = prefix.clone();
            path.push(name.clone());
            let mut segments = ranges.clone();
            segments.push(range_of(file, &n.ident));
            out.push(Leaf {
                path,
                local: name,
                segments,
            });
        }
        syn::UseTree::Rename(r) if r.rename != "_" => {
            let mut path = prefix.clone();
            path.push(ident_str(&r.ident));
            let mut segments = ranges.clone();
            segments.push(range_of(file, &r.ident));
            out.push(Leaf {
                path,
                local: ident_str(&r.rename),
                segments,
            });
        }
        syn::UseTree::Group(g) => {
            for t in &g.items {
                leaves_of(file, t, prefix, ranges, out);
            }
        }
        _ => {}
    }
}

/// Whether the items declare, at any depth, a module whose body is in another file.
fn declares_outline_module(items: &[syn::Item]) -> bool {
    items.iter().any(|i| match i {
        syn::Item::Mod(m) => match &m.content {
            None => true,
            Some((_, inner)) => declares_outline_module(inner),
        },
        _ => false,
    })
}
