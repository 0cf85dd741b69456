//! The SDK paths of the facade crate: opentelemetry 0.13–0.20 re-exported the SDK as
//! `opentelemetry::sdk` and its runtimes as `opentelemetry::runtime`; since 0.21 they are the
//! crate `opentelemetry_sdk` and `opentelemetry_sdk::runtime`. The items behind the paths are the
//! same, so only path text changes: `use` trees and paths in code that spell the facade prefix.

use std::collections::BTreeMap;

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::edit::{Edit, TextRange};
use crate::engine::finding::Severity;
use crate::engine::syntax::{comments_in, ident_str, range_of, range_of_span, ParsedRust};

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
/// group of the crate (`use opentelemetry::{sdk::trace, KeyValue};`) gets its own `use`.
pub fn rewrite_facade_paths(rust: &ParsedRust<'_>, out: &mut Changes) {
    let mut v = FacadePaths {
        rust,
        out,
        split: Vec::new(),
        item: (TextRange::empty(0), false),
    };
    v.visit_file(rust.syntax);
    let split = std::mem::take(&mut v.split);
    split_out_of_groups(rust, &split, out);
}

struct FacadePaths<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Changes,
    /// Facade modules inside a group of the crate, to take out of it.
    split: Vec<GroupElement>,
    /// The `use` item being read: its range, and whether it has attributes.
    item: (TextRange, bool),
}

/// `sdk::metrics::{A, B}` in `use opentelemetry::{…, sdk::metrics::{A, B}, …};`.
struct GroupElement {
    /// The element, and the `use` item it is in (and whether that item has attributes).
    range: TextRange,
    item: TextRange,
    item_has_attributes: bool,
    /// The `use` that replaces it: `opentelemetry_sdk::metrics::{A, B}`.
    new_tree: String,
}

/// Takes each facade module out of its group (`use opentelemetry::{runtime, KeyValue};` →
/// `use opentelemetry::KeyValue;` + `use opentelemetry_sdk::runtime;` on the next line, with the
/// item's visibility and indentation). Elements that name a glob or keep comments stay, reported.
fn split_out_of_groups(rust: &ParsedRust<'_>, split: &[GroupElement], out: &mut Changes) {
    let file = rust.file;
    let mut movable: Vec<&GroupElement> = Vec::new();
    for element in split {
        let written = file.slice(element.range);
        // `sdk::{self, …}` bound `sdk`: under the crate root `self` cannot be renamed in a
        // group; a `self` deeper down (`sdk::trace::{self as t}`) moves as written.
        let crate_self = written
            .strip_prefix("sdk")
            .is_some_and(|rest| rest.trim_start().starts_with("::{") && rest.contains("self"));
        let plain = !element.item_has_attributes
            && !written.contains('*')
            && !crate_self
            && comments_in(file, element.range).is_empty();
        if plain {
            movable.push(element);
        } else {
            out.finding(
                element.range,
                Severity::Error,
                format!("`opentelemetry::{written}` names the crate `opentelemetry_sdk` since opentelemetry 0.21; this `use` group was not rewritten"),
                format!("take `{written}` out of the group and write `use {};`", element.new_tree),
            );
        }
    }
    if movable.is_empty() {
        return;
    }
    crate::otel::imports::edit_use_leaves(file, rust.syntax, out, |leaf| {
        if movable.iter().any(|e| e.range.contains_range(leaf.range)) {
            crate::otel::imports::LeafEdit::Remove
        } else {
            crate::otel::imports::LeafEdit::Keep
        }
    });
    // An element nothing names any more (a pipeline rewrite spelled `runtime::Tokio` out in
    // full) only leaves its group: moving it would add an unused import.
    let counts = crate::otel::imports::name_use_counts(&file.text).unwrap_or_default();
    let still_named = |element: &GroupElement| {
        let vis = file.slice(element.item).split("use").next().unwrap_or("");
        !vis.trim().is_empty()
            || syn::parse_str::<syn::UseTree>(file.slice(element.range)).map_or(true, |tree| {
                leaf_names(&tree)
                    .iter()
                    .any(|name| counts.get(name).copied().unwrap_or(0) > 1)
            })
    };
    // One insertion per `use` item, after it, with every element it loses in source order.
    let mut by_item: BTreeMap<usize, (TextRange, String)> = BTreeMap::new();
    for element in movable.into_iter().filter(|e| still_named(e)) {
        let item = element.item;
        let indent = file.indent_at(item.start);
        let vis = file.slice(item).split("use").next().unwrap_or("");
        let eol = if file.text[item.end..].starts_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        // A multi-line element (`sdk::{\n        trace::…,\n    }`) comes out of its group one
        // level up: its continuation lines lose the depth the group gave them.
        let tree = crate::engine::source::reindent_continuations(
            &element.new_tree,
            file.indent_at(element.range.start),
            indent,
        );
        let text = &mut by_item.entry(item.start).or_insert((item, String::new())).1;
        text.push_str(&format!("{eol}{indent}{vis}use {tree};"));
    }
    for (item, text) in by_item.into_values() {
        out.edit(Edit::insert(item.end, text));
    }
}

/// The names a `use` tree binds.
fn leaf_names(tree: &syn::UseTree) -> Vec<String> {
    match tree {
        syn::UseTree::Path(p) => leaf_names(&p.tree),
        syn::UseTree::Name(n) => vec![ident_str(&n.ident)],
        syn::UseTree::Rename(r) => vec![ident_str(&r.rename)],
        syn::UseTree::Group(g) => g.items.iter().flat_map(leaf_names).collect(),
        syn::UseTree::Glob(_) => Vec::new(),
    }
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
                        let range = range_of(self.rust.file, item);
                        let written = self.rust.file.slice(range);
                        let rest = written.strip_prefix(module.as_str()).unwrap_or("");
                        let new_tree = if rest.is_empty() && !binds_module_name(to, &module) {
                            format!("{to} as {module}")
                        } else {
                            format!("{to}{rest}")
                        };
                        self.split.push(GroupElement {
                            range,
                            item: self.item.0,
                            item_has_attributes: self.item.1,
                            new_tree,
                        });
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
                self.item = (range_of(self.rust.file, item), !item.attrs.is_empty());
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

    /// The group was laid over lines for its width (104 columns on one): what is left fits, and
    /// goes on one line as rustfmt would put it.
    #[test]
    fn facade_modules_inside_a_use_group_move_to_their_own_use() {
        let (out, findings) = rewrite(
            "use opentelemetry::{\n    metrics::Counter,\n    runtime,\n    sdk::metrics::{MeterProvider, PeriodicReader},\n    KeyValue,\n};\nmod m {\n    pub use opentelemetry::{sdk, global};\n}\nuse opentelemetry::{sdk::trace as sdktrace, trace::Tracer};\r\nfn f(_: MeterProvider, _: PeriodicReader, _: sdktrace::Config) { let _ = runtime::Tokio; }\n",
        );
        assert_eq!(
            out,
            "use opentelemetry::{metrics::Counter, KeyValue};\nuse opentelemetry_sdk::runtime;\nuse opentelemetry_sdk::metrics::{MeterProvider, PeriodicReader};\nmod m {\n    pub use opentelemetry::global;\n    pub use opentelemetry_sdk as sdk;\n}\nuse opentelemetry::trace::Tracer;\r\nuse opentelemetry_sdk::trace as sdktrace;\r\nfn f(_: MeterProvider, _: PeriodicReader, _: sdktrace::Config) { let _ = runtime::Tokio; }\n"
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn a_multi_line_element_comes_out_of_its_group_one_level_up() {
        let src = "use opentelemetry::{\n    sdk::{\n        trace::Tracer,\n        Resource,\n    },\n    KeyValue,\n};\nfn f(_: Tracer, _: Resource, _: KeyValue) {}\n";
        let (out, findings) = rewrite(src);
        assert!(findings.is_empty(), "{findings:?}");
        assert!(
            out.contains("use opentelemetry_sdk::{\n    trace::Tracer,\n    Resource,\n};\n"),
            "{out}"
        );
    }

    #[test]
    fn a_group_element_nothing_names_only_leaves_its_group() {
        let (out, findings) = rewrite(
            "use opentelemetry::{runtime, KeyValue};\nfn f() { let _ = (KeyValue::new(\"a\", 1), opentelemetry_sdk::runtime::Tokio); }\n",
        );
        assert_eq!(
            out,
            "use opentelemetry::KeyValue;\nfn f() { let _ = (KeyValue::new(\"a\", 1), opentelemetry_sdk::runtime::Tokio); }\n"
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn a_group_element_with_a_glob_or_self_is_reported_not_moved() {
        let src = "use opentelemetry::{sdk::trace::*, KeyValue};\nuse opentelemetry::{sdk::{self, Resource}, global};\n";
        let (out, findings) = rewrite(src);
        assert_eq!(out, src);
        assert_eq!(findings.len(), 2, "{findings:?}");
        assert!(
            findings[0].contains("`opentelemetry::sdk::trace::*`"),
            "{findings:?}"
        );
    }
}
