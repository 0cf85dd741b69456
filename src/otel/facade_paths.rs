//! The SDK paths of the facade crate: opentelemetry 0.13–0.20 re-exported the SDK as
//! `opentelemetry::sdk` and its runtimes as `opentelemetry::runtime`; since 0.21 they are the
//! crate `opentelemetry_sdk` and `opentelemetry_sdk::runtime`. The items behind the paths are the
//! same, so only path text changes: `use` trees and paths in code that spell the facade prefix.

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::syntax::{ident_str, range_of, range_of_span, ParsedRust};

/// The facade module and the path that replaces `opentelemetry::<module>`.
const MOVES: &[(&str, &str)] = &[
    ("sdk", "opentelemetry_sdk"),
    ("runtime", "opentelemetry_sdk::runtime"),
];

fn new_prefix(module: &str) -> Option<&'static str> {
    MOVES.iter().find(|(m, _)| *m == module).map(|(_, to)| *to)
}

/// Whether importing `to` binds the same name as importing `opentelemetry::<module>` did
/// (`opentelemetry_sdk::runtime` does; the crate `opentelemetry_sdk` is not named `sdk`).
fn binds_module_name(to: &str, module: &str) -> bool {
    to.rsplit("::").next() == Some(module)
}

/// Rewrites every facade path of `rust` (see the module doc); a facade module inside a `use`
/// group of the crate (`use opentelemetry::{sdk::trace, KeyValue};`) is an error finding with
/// the `use` to write instead.
pub fn rewrite_facade_paths(rust: &ParsedRust<'_>, out: &mut Changes) {
    let mut v = FacadePaths { rust, out };
    v.visit_file(rust.syntax);
}

struct FacadePaths<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Changes,
}

impl FacadePaths<'_, '_> {
    fn range(&self, from: &syn::Ident, to: &syn::Ident) -> TextRange {
        let file = self.rust.file;
        TextRange::new(
            range_of_span(file, from.span()).start,
            range_of_span(file, to.span()).end,
        )
    }

    /// `opentelemetry::<module>…` as the root of a `use` tree.
    fn use_tree(&mut self, root: &syn::UsePath) {
        match &*root.tree {
            syn::UseTree::Path(p) => {
                let module = ident_str(&p.ident);
                if let Some(to) = new_prefix(&module) {
                    let range = self.range(&root.ident, &p.ident);
                    self.out.replace(range, to);
                    // `sdk::{self, …}` bound `sdk`; under the crate `self` binds its name.
                    if let syn::UseTree::Group(g) = &*p.tree {
                        if !binds_module_name(to, &module) {
                            self.keep_self_name(g, &module);
                        }
                    }
                }
            }
            // `use opentelemetry::sdk;` keeps the name `sdk` the code uses.
            syn::UseTree::Name(n) => {
                let module = ident_str(&n.ident);
                if let Some(to) = new_prefix(&module) {
                    let range = self.range(&root.ident, &n.ident);
                    let text = if binds_module_name(to, &module) {
                        to.to_string()
                    } else {
                        format!("{to} as {module}")
                    };
                    self.out.replace(range, text);
                }
            }
            syn::UseTree::Rename(r) => {
                if let Some(to) = new_prefix(&ident_str(&r.ident)) {
                    let range = self.range(&root.ident, &r.ident);
                    self.out.replace(range, to);
                }
            }
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    let ident = match item {
                        syn::UseTree::Path(p) => &p.ident,
                        syn::UseTree::Name(n) => &n.ident,
                        syn::UseTree::Rename(r) => &r.ident,
                        _ => continue,
                    };
                    let module = ident_str(ident);
                    if let Some(to) = new_prefix(&module) {
                        let written = self.rust.file.slice(range_of(self.rust.file, item));
                        let rest = written.strip_prefix(module.as_str()).unwrap_or("");
                        self.out.finding(
                            range_of(self.rust.file, item),
                            Severity::Error,
                            format!("`opentelemetry::{module}` is the crate `{to}` since opentelemetry 0.21; this `use` group was not rewritten"),
                            format!("take `{written}` out of the group and write `use {to}{rest};`"),
                        );
                    }
                }
            }
            syn::UseTree::Glob(_) => {}
        }
    }
}

impl FacadePaths<'_, '_> {
    /// `self` in `group` → `self as <module>`.
    fn keep_self_name(&mut self, group: &syn::UseGroup, module: &str) {
        for item in &group.items {
            if let syn::UseTree::Name(n) = item {
                if n.ident == "self" {
                    let range = range_of_span(self.rust.file, n.ident.span());
                    self.out.replace(range, format!("self as {module}"));
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for FacadePaths<'_, '_> {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        if let syn::UseTree::Path(root) = &item.tree {
            if root.ident == "opentelemetry" {
                self.use_tree(root);
            }
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments = &path.segments;
        if segments.len() >= 2 {
            let (first, second) = (&segments[0], &segments[1]);
            // The crate by its own name only: the manifest side adds `opentelemetry_sdk` for
            // code that spells `opentelemetry::sdk` / `opentelemetry::runtime`; an alias of the
            // crate is left to the residue scan.
            let names_crate = first.ident == "opentelemetry"
                && self
                    .rust
                    .imports
                    .resolve_segments(&[ident_str(&first.ident)])
                    == ["opentelemetry"];
            if let Some(to) = new_prefix(&ident_str(&second.ident)).filter(|_| names_crate) {
                let range = self.range(&first.ident, &second.ident);
                self.out.replace(range, to);
                return;
            }
        }
        syn::visit::visit_path(self, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::syntax::with_parsed;

    fn rewrite(src: &str) -> (String, Vec<String>) {
        with_parsed(src, |rust| {
            let mut out = Changes::default();
            rewrite_facade_paths(&rust, &mut out);
            let messages = out.findings.iter().map(|f| f.message.clone()).collect();
            (out.edits.apply(&rust.file.text), messages)
        })
    }

    #[test]
    fn use_trees_and_code_paths_move_to_the_sdk_crate() {
        let (out, findings) = rewrite(
            "use opentelemetry::sdk::trace::{self, Sampler};\r\nuse opentelemetry::sdk::{self, Resource};\nuse opentelemetry::sdk;\nuse opentelemetry::sdk as otel_sdk;\nuse opentelemetry::runtime;\nuse opentelemetry::runtime::Tokio as Rt;\n\nfn f() -> opentelemetry::sdk::trace::Tracer {\n    let _ = ::opentelemetry::runtime::Tokio;\n    let _ = sdk::Resource::empty(); // comment kept\n    todo!()\n}\n",
        );
        assert_eq!(
            out,
            "use opentelemetry_sdk::trace::{self, Sampler};\r\nuse opentelemetry_sdk::{self as sdk, Resource};\nuse opentelemetry_sdk as sdk;\nuse opentelemetry_sdk as otel_sdk;\nuse opentelemetry_sdk::runtime;\nuse opentelemetry_sdk::runtime::Tokio as Rt;\n\nfn f() -> opentelemetry_sdk::trace::Tracer {\n    let _ = ::opentelemetry_sdk::runtime::Tokio;\n    let _ = sdk::Resource::empty(); // comment kept\n    todo!()\n}\n"
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn near_misses_and_an_alias_of_the_crate_are_not_touched() {
        let src = "use opentelemetry as otel;\nuse opentelemetry::trace::Tracer;\nuse my_app::sdk::Thing;\nmod runtime {}\nfn f() {\n    let _ = otel::sdk::Resource::empty();\n    let _ = opentelemetry::global::tracer(\"x\");\n    let _ = crate::runtime::X;\n    let _ = opentelemetry_sdk::runtime::Tokio;\n}\n";
        let (out, findings) = rewrite(src);
        assert_eq!(out, src);
        assert!(findings.is_empty());
    }

    #[test]
    fn a_facade_module_inside_a_use_group_is_reported() {
        let src = "use opentelemetry::{sdk::trace::Sampler, KeyValue};\n";
        let (out, findings) = rewrite(src);
        assert_eq!(out, src);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].contains("`opentelemetry::sdk`"), "{findings:?}");
    }
}
