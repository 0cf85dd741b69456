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
use crate::engine::syntax::{ident_str, range_of};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::imports::ImportPlan;
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
        if sites.is_empty() {
            return out;
        }
        let mut plan = ImportPlan::at(file, syntax, 0);
        let mut any = false;
        for item in use_items(syntax) {
            if !matches!(item.vis, syn::Visibility::Inherited) {
                continue;
            }
            let mut leaves = Vec::new();
            leaves_of(
                file,
                &item.tree,
                &mut Vec::new(),
                &mut Vec::new(),
                &mut leaves,
            );
            for leaf in leaves {
                if removed_non_trait(&leaf, &sites)
                    && !ident_used_outside(file, syntax, &leaf.local, &[])
                {
                    plan.remove_if_unused(&leaf.path.join("::"));
                    any = true;
                }
            }
        }
        if any {
            plan.finish(&mut out);
        }
        out
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
