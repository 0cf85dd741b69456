//! The dependency gate never silences: a transform gated on a dependency the package does not
//! declare is not run (its versions are unknown), but a file that names that crate where the
//! transform would look gets one `warning` saying why it was not migrated and how to fix it
//! (declare the dependency, or state its version with `assume-dependencies`, which the project
//! resolves into the package's dependencies so the gate opens).

use crate::engine::context::PackageInfo;
use crate::engine::edit::TextRange;
use crate::engine::finding::{RawFinding, Severity};
use crate::engine::manifest::canonical;
use crate::engine::transform::{FileKind, Transform};
use syn::visit::Visit;

/// The crates a package's code may name without declaring them, each with the gated
/// transforms that therefore do not run on it.
#[derive(Default)]
pub(super) struct Undeclared {
    crates: Vec<(&'static str, Vec<&'static dyn Transform>)>,
}

impl Undeclared {
    /// The gates of `enabled` transforms closed for `package` only because it does not
    /// declare the crate.
    pub fn of(enabled: &[&'static dyn Transform], package: &PackageInfo) -> Undeclared {
        let mut crates: Vec<(&'static str, Vec<&'static dyn Transform>)> = Vec::new();
        // Many transforms are gated on the same few crates: ask the package once per crate.
        let mut declared: Vec<&'static str> = Vec::new();
        for t in enabled.iter().filter(|t| t.scans(FileKind::Rust)) {
            for krate in t.gated_on() {
                if declared.contains(krate) {
                    continue;
                }
                if package.depends_on(krate) {
                    declared.push(krate);
                    continue;
                }
                match crates.iter_mut().find(|(k, _)| k == krate) {
                    Some((_, ts)) => ts.push(*t),
                    None => crates.push((krate, vec![*t])),
                }
            }
        }
        Undeclared { crates }
    }

    /// What lets a file be read to be checked: the crates' names.
    pub fn needles(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.crates.iter().map(|(k, _)| *k)
    }

    /// One warning per undeclared crate the file names where a gated transform would look.
    /// `package_dir` is the package's directory relative to the project root, for the
    /// `assume-dependencies` line the suggestion offers.
    pub fn findings(
        &self,
        text: &str,
        package: &PackageInfo,
        package_dir: &str,
    ) -> Vec<RawFinding> {
        let mut findings = Vec::new();
        for (krate, transforms) in &self.crates {
            // Cheapest first: the crate's name in the text (one pass, where the transforms'
            // needles are many: most files that pass the gate name no undeclared crate), then
            // the needles, then the syntax tree that confirms it.
            let Some(by_text) = named_in_text(text, krate) else {
                continue;
            };
            let wanted: Vec<&str> = transforms
                .iter()
                .filter(|t| t.has_needle(text))
                .map(|t| t.id())
                .collect();
            if wanted.is_empty() {
                continue;
            }
            let Some(at) = confirmed_on_syntax(text, krate, by_text) else {
                continue;
            };
            let manifest = package.manifest_path.display();
            let dependency = canonical(krate);
            findings.push(
                RawFinding::new(
                    TextRange::new(at, at + krate.len()),
                    Severity::Warning,
                    format!(
                        "`{krate}` is used here but package `{}` does not declare the `{dependency}` dependency, so its version is unknown and this file was not migrated ({})",
                        package.name,
                        wanted.join(", ")
                    ),
                )
                .with_suggestion(format!(
                    "declare `{dependency}` in {manifest} at the version this code is written against, or state that version in otel-migrate.toml (`[assume-dependencies]` `\"{package_dir}\" = [\"{dependency}@<version>\"]`), then run again"
                )),
            );
        }
        findings
    }
}

/// Where the file's text seems to name `krate` as a crate: a path `krate::…` not inside a
/// longer name or path. `opentelemetry*` names are unmistakable; a shorter name (`metrics`)
/// counts only in a `use` or `extern crate` and when the file declares no module of that name.
fn named_in_text(text: &str, krate: &str) -> Option<usize> {
    let unmistakable = krate.starts_with("opentelemetry");
    if !unmistakable && text.contains(&format!("mod {krate}")) {
        return None;
    }
    // memchr's SIMD search: this runs for every crate on every file the gate read.
    memchr::memmem::find_iter(text.as_bytes(), krate.as_bytes()).find(|&i| {
        let before = &text[..i];
        let after = &text[i + krate.len()..];
        let boundary = !before.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':');
        let as_crate = after.starts_with("::")
            || after.starts_with(';')
            || after.starts_with(" as ")
            || after.starts_with(|c: char| c.is_whitespace());
        let in_use = {
            let line = before.rsplit('\n').next().unwrap_or(before).trim_start();
            line.starts_with("use ")
                || line.starts_with("pub use ")
                || line.starts_with("extern crate ")
        };
        boundary && as_crate && (in_use || (unmistakable && after.starts_with("::")))
    })
}

/// Where the file names `krate` as a crate, on its syntax tree (a text match `by_text` is
/// parsed only then): a `use` counts only at the root of its tree (`use x::{metrics::Y}` and
/// `pub use other as metrics;` do not name the crate); a module or import of that name
/// shadows it. An unparsable text keeps the text's reading.
fn confirmed_on_syntax(text: &str, krate: &str, by_text: usize) -> Option<usize> {
    let unmistakable = krate.starts_with("opentelemetry");
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    match syn::parse_file(&text[bom..]) {
        Ok(file) => {
            let mut uses = CrateUses {
                krate,
                paths_count: unmistakable,
                first: None,
                shadowed: false,
            };
            uses.visit_file(&file);
            uses.first.filter(|_| !uses.shadowed).map(|at| at + bom)
        }
        // Unparsable text (a shebang, a syntax error): the text's reading stands.
        Err(_) => Some(by_text),
    }
}

/// The first place a file names the crate `krate`, and whether a module or import of the same
/// name shadows it.
struct CrateUses<'k> {
    krate: &'k str,
    /// Whether a path `krate::…` outside a `use` counts (unmistakable names only).
    paths_count: bool,
    first: Option<usize>,
    shadowed: bool,
}

impl CrateUses<'_> {
    fn found(&mut self, ident: &syn::Ident) {
        let at = ident.span().byte_range().start;
        self.first = Some(self.first.map_or(at, |f| f.min(at)));
    }

    /// A tree at the root of a `use`: its first segment is a crate (or a module in scope).
    fn root(&mut self, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) if p.ident == self.krate => self.found(&p.ident),
            syn::UseTree::Name(n) if n.ident == self.krate => self.found(&n.ident),
            syn::UseTree::Rename(r) if r.ident == self.krate => self.found(&r.ident),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.root(t)),
            _ => {}
        }
        self.binds(tree);
    }

    /// Whether a leaf of the tree brings a name `krate` into scope.
    fn binds(&mut self, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => self.binds(&p.tree),
            syn::UseTree::Name(n) if n.ident == self.krate => {}
            syn::UseTree::Rename(r) if r.rename == self.krate && r.ident != self.krate => {
                self.shadowed = true
            }
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.binds(t)),
            _ => {}
        }
    }
}

impl<'ast> Visit<'ast> for CrateUses<'_> {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        match &u.tree {
            // `use x::metrics;` binds the name to something else.
            syn::UseTree::Path(p) if p.ident != self.krate => {
                if leaf_named(&p.tree, self.krate) {
                    self.shadowed = true;
                }
                self.root(&u.tree)
            }
            tree => self.root(tree),
        }
    }

    fn visit_item_extern_crate(&mut self, e: &'ast syn::ItemExternCrate) {
        if e.ident == self.krate {
            self.found(&e.ident);
        }
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if m.ident == self.krate {
            self.shadowed = true;
        }
        syn::visit::visit_item_mod(self, m);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if self.paths_count && path.segments.len() > 1 {
            let first = &path.segments[0].ident;
            if first == self.krate {
                self.found(first);
            }
        }
        syn::visit::visit_path(self, path);
    }
}

/// Whether a leaf of `tree` (below a first segment) is named `name`.
fn leaf_named(tree: &syn::UseTree, name: &str) -> bool {
    match tree {
        syn::UseTree::Path(p) => leaf_named(&p.tree, name),
        syn::UseTree::Name(n) => n.ident == name,
        syn::UseTree::Rename(r) => r.rename == name,
        syn::UseTree::Group(g) => g.items.iter().any(|t| leaf_named(t, name)),
        syn::UseTree::Glob(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{confirmed_on_syntax, named_in_text};

    fn first_use(text: &str, krate: &str) -> Option<usize> {
        named_in_text(text, krate).and_then(|at| confirmed_on_syntax(text, krate, at))
    }

    #[test]
    fn a_crate_is_named_by_a_path_or_a_use() {
        let text = "fn f() { let _ = opentelemetry_otlp::new_pipeline(); }";
        assert_eq!(first_use(text, "opentelemetry_otlp"), Some(17));
        assert_eq!(first_use(text, "opentelemetry"), None);
        assert_eq!(first_use("use metrics::counter;", "metrics"), Some(4));
        assert_eq!(first_use("let m = metrics::counter();", "metrics"), None);
        assert_eq!(first_use("mod metrics;\nuse metrics::x;", "metrics"), None);
        assert_eq!(first_use("use crate::metrics::x;", "metrics"), None);
        assert_eq!(first_use("use my_opentelemetry::x;", "opentelemetry"), None);
        // Inside a use tree, not at its root: a module of that name elsewhere.
        assert_eq!(
            first_use("use crate::runtime::{metrics::Histogram, Task};", "metrics"),
            None
        );
        assert_eq!(
            first_use("use core::{event::M, metrics::C};", "metrics"),
            None
        );
        assert_eq!(
            first_use("pub use transport_metrics as metrics;", "metrics"),
            None
        );
        assert_eq!(
            first_use("use x::metrics;\nuse metrics::y;", "metrics"),
            None
        );
        let nested = "use crate::sources::{\n    opentelemetry::{grpc::Service},\n};";
        assert_eq!(first_use(nested, "opentelemetry"), None);
        // Near misses: the crate itself at the root of a group, renamed, or in a path.
        assert_eq!(
            first_use("use {metrics::counter, std::fmt};", "metrics"),
            Some(5)
        );
        assert_eq!(first_use("use metrics as m;", "metrics"), Some(4));
        assert_eq!(
            first_use(
                "fn f() { opentelemetry::global::shutdown_tracer_provider(); }",
                "opentelemetry"
            ),
            Some(9)
        );
    }
}
