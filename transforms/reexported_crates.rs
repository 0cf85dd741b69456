//! # reexported-crates
//!
//! ## What it does
//! A package may reach a crate only through another workspace member that re-exports it
//! (`pub use opentelemetry_otlp;` in member `shared`, code naming
//! `shared::opentelemetry_otlp::new_pipeline()`). Such a package is migrated with that member's
//! version of the crate, and its paths through the re-export read as the crate's own. The new
//! code the other transforms write names the crate itself (`use opentelemetry_otlp::SpanExporter;`,
//! `opentelemetry_otlp::WithExportConfig`), which the package cannot name: this transform, run
//! after them, binds the name once at the top of the file (`use shared::opentelemetry_otlp;`,
//! or `use shared::otlp as opentelemetry_otlp;` for `pub use opentelemetry_otlp as otlp;`), so
//! those paths resolve through the re-export (Rust 2018 `use` paths start from names in scope).
//!
//! ## Before
//! ```rust,ignore
//! use opentelemetry_otlp::SpanExporter; // written by the migration
//! ```
//!
//! ## After
//! ```rust,ignore
//! use shared::opentelemetry_otlp;
//! use opentelemetry_otlp::SpanExporter;
//! ```
//!
//! ## Not rewritten
//! Paths inside inline modules (`mod x { … }`) and macro bodies; a file that already binds the
//! name to something else (left as it is: the compiler names it).
//!
//! ## Safety
//! One `use` line through the import editor (and its guard); only for telemetry crates
//! (OpenTelemetry, its contrib crates, `metrics`), only in packages that reach the crate through
//! a re-export, and only when the file names the crate as a path root without binding it.

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::context::PackageInfo;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, range_of, Reexport};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::imports::ImportPlan;

pub struct ReexportedCrates;

impl Transform for ReexportedCrates {
    fn id(&self) -> &'static str {
        "reexported-crates"
    }

    fn description(&self) -> &'static str {
        "binds a crate a package reaches only through another member's re-export where migrated code names it (use shared::opentelemetry_otlp;)"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn needles(&self) -> &'static [&'static str] {
        &["opentelemetry", "metrics"]
    }

    /// Decided by [`Transform::wants`]: a file outside every package has nothing to bind, and
    /// is not one this transform "left alone for lack of versions".
    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        package.is_none_or(|p| !p.reexports.is_empty())
    }

    fn wants(
        &self,
        _text: &str,
        _kind: FileKind,
        package: Option<&PackageInfo>,
        _project: &crate::engine::context::Project,
    ) -> bool {
        package.is_some()
    }

    /// Only a file that names a re-exported telemetry crate (the text the transforms before
    /// this one wrote, or the user's) can need its name bound: the others are not parsed for it.
    fn may_act(&self, text: &str, _: FileKind, package: Option<&PackageInfo>) -> bool {
        package.is_some_and(|p| named_telemetry_reexports(p, text).next().is_some())
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let Some(package) = cx.package else {
            return Outcome::default();
        };
        // The import plan is built only for a file that names one as a path root.
        let named: Vec<_> = named_telemetry_reexports(package, &cx.file.text)
            .filter(|r| !cx.imports().binds(&r.krate))
            .map(|r| (r, root_sites(cx.file, cx.syntax(), &r.krate)))
            .filter(|(_, sites)| !sites.is_empty())
            .collect();
        if named.is_empty() {
            return Outcome::default();
        }
        let mut out = Changes::default();
        let mut plan = ImportPlan::at(cx.file, cx.syntax(), 0);
        let mut wanted = false;
        for (reexport, sites) in named {
            // The binding takes the `#[cfg]` of the code that names the crate (none as soon as
            // ungated code does): ungated, a build without the feature warns of an unused import.
            for site in sites {
                plan.code_at(site);
                wanted |= plan.bind_as(&reexport.through.join("::"), &reexport.krate);
            }
        }
        if wanted {
            plan.finish(&mut out);
        }
        out.into()
    }
}

/// The telemetry crates `package` reaches through a re-export that `text` names. Only
/// telemetry crates: the migration writes paths through no other crate, and a file naming
/// another re-exported crate (`drain`, through `use super::*;`) compiles.
fn named_telemetry_reexports<'p>(
    package: &'p PackageInfo,
    text: &'p str,
) -> impl Iterator<Item = &'p Reexport> {
    package
        .reexports
        .iter()
        .filter(|r| crate::otel::crates::is_telemetry(&r.krate))
        .filter(move |r| text.contains(r.krate.as_str()))
}

/// Where the file, outside inline modules, names `krate` as the root of a path (`krate::X` in
/// code or types, `use krate::…`): the start of each such name.
fn root_sites(file: &SourceFile, syntax: &syn::File, krate: &str) -> Vec<usize> {
    struct Roots<'k> {
        file: &'k SourceFile,
        krate: &'k str,
        sites: Vec<usize>,
    }
    impl Roots<'_> {
        fn root(&mut self, ident: &syn::Ident) {
            if ident_str(ident) == self.krate {
                self.sites.push(range_of(self.file, ident).start);
            }
        }
    }
    impl<'ast> Visit<'ast> for Roots<'_> {
        fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
            // An inline module has its own scope: a `use` at the file's top does not reach it.
            if m.content.is_none() {
                syn::visit::visit_item_mod(self, m);
            }
        }
        fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
            if let (syn::UseTree::Path(p), None) = (&u.tree, u.leading_colon) {
                self.root(&p.ident);
            }
        }
        fn visit_path(&mut self, path: &'ast syn::Path) {
            if path.leading_colon.is_none() && path.segments.len() > 1 {
                self.root(&path.segments[0].ident);
            }
            syn::visit::visit_path(self, path);
        }
    }
    let mut roots = Roots {
        file,
        krate,
        sites: Vec::new(),
    };
    roots.visit_file(syntax);
    roots.sites
}
