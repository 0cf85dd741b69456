//! Property tests for the import editor (issue 22): random `use` trees (nested groups,
//! renames, `as _`, globs, `self`, one-line and one-per-line layouts, trailing commas,
//! comments between elements, CRLF) and random requests (remove or rename leaves; add new
//! paths and remove imported ones through the import plan). Against a reference on the
//! expanded path sets: after the edits, the file's imports are exactly the imports before,
//! minus what was asked to go, plus what was asked to come; the result parses and the
//! import guard reports nothing.

use std::collections::BTreeMap;

use otel_migrate::engine::changes::Changes;
use otel_migrate::engine::source::SourceFile;
use otel_migrate::otel::imports::{edit_use_leaves, ImportPlan, LeafEdit};
use proptest::prelude::*;

/// A use tree as the generator builds it.
#[derive(Debug, Clone)]
enum Tree {
    Path(&'static str, Box<Tree>),
    Name(&'static str),
    Rename(&'static str, &'static str),
    Glob,
    Group(Vec<Tree>),
}

#[derive(Debug, Clone, Copy)]
struct Layout {
    multiline: bool,
    trailing_comma: bool,
    comments: bool,
    crlf: bool,
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop_oneof![
        3 => prop::sample::select(vec!["X", "Y", "Z", "self"]).prop_map(Tree::Name),
        1 => (
            prop::sample::select(vec!["X", "Y", "self"]),
            prop::sample::select(vec!["P", "Q", "_"])
        )
            .prop_map(|(n, a)| Tree::Rename(n, a)),
        1 => Just(Tree::Glob),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (prop::sample::select(vec!["a", "b", "c"]), inner.clone())
                .prop_map(|(s, t)| Tree::Path(s, Box::new(t))),
            prop::collection::vec(inner, 0..4).prop_map(Tree::Group),
        ]
    })
}

/// Valid Rust: `self` and `self as x` only directly in a group under a prefix, no glob or
/// group at the root, nothing but a group after a path's last segment.
fn valid(t: &Tree, depth: usize, in_group: bool) -> bool {
    match t {
        Tree::Path(_, inner) => valid(inner, depth + 1, false),
        Tree::Name("self") | Tree::Rename("self", _) => in_group && depth > 0,
        Tree::Rename(_, "_") if depth == 0 => false,
        Tree::Name(_) | Tree::Rename(..) => depth > 0,
        Tree::Glob => depth > 0,
        Tree::Group(items) => depth > 0 && items.iter().all(|i| valid(i, depth, true)),
    }
}

fn render(t: &Tree, layout: Layout, indent: usize, out: &mut String) {
    match t {
        Tree::Path(s, inner) => {
            out.push_str(s);
            out.push_str("::");
            render(inner, layout, indent, out);
        }
        Tree::Name(n) => out.push_str(n),
        Tree::Rename(n, a) => out.push_str(&format!("{n} as {a}")),
        Tree::Glob => out.push('*'),
        Tree::Group(items) => {
            out.push('{');
            let pad = "    ".repeat(indent + 1);
            for (i, item) in items.iter().enumerate() {
                if layout.multiline {
                    out.push('\n');
                    if layout.comments && i % 2 == 1 {
                        out.push_str(&format!("{pad}// about the next one\n"));
                    }
                    out.push_str(&pad);
                } else if i > 0 {
                    out.push(' ');
                    if layout.comments {
                        out.push_str("/* c */ ");
                    }
                }
                render(item, layout, indent + 1, out);
                if i + 1 < items.len() || layout.trailing_comma {
                    out.push(',');
                }
            }
            if layout.multiline && !items.is_empty() {
                out.push('\n');
                out.push_str(&"    ".repeat(indent));
            }
            out.push('}');
        }
    }
}

fn file_text(trees: &[Tree], layout: Layout) -> String {
    let mut text = String::from("//! generated\n");
    for t in trees {
        text.push_str("use ");
        render(t, layout, 0, &mut text);
        text.push_str(";\n");
    }
    text.push_str("\nfn main() {}\n");
    if layout.crlf {
        text = text.replace('\n', "\r\n");
    }
    text
}

/// The reference: every path the file's `use` items import, with its rename, counted.
/// Panics when `self` stands outside a group (`use a::self;` is not Rust).
fn imported(text: &str) -> BTreeMap<String, usize> {
    fn walk(t: &syn::UseTree, prefix: &mut Vec<String>, out: &mut BTreeMap<String, usize>) {
        walk_in(t, prefix, out, false)
    }
    fn walk_in(
        t: &syn::UseTree,
        prefix: &mut Vec<String>,
        out: &mut BTreeMap<String, usize>,
        in_group: bool,
    ) {
        let is_self = match t {
            syn::UseTree::Name(n) => n.ident == "self",
            syn::UseTree::Rename(r) => r.ident == "self",
            _ => false,
        };
        assert!(!is_self || in_group, "`self` outside a group");
        let joined = |prefix: &[String], last: &str| {
            let mut all = prefix.to_vec();
            if last != "self" {
                all.push(last.to_string());
            }
            all.join("::")
        };
        let path = match t {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                walk(&p.tree, prefix, out);
                prefix.pop();
                return;
            }
            syn::UseTree::Group(g) => {
                g.items.iter().for_each(|i| walk_in(i, prefix, out, true));
                return;
            }
            syn::UseTree::Name(n) => joined(prefix, &n.ident.to_string()),
            syn::UseTree::Rename(r) => {
                format!("{} as {}", joined(prefix, &r.ident.to_string()), r.rename)
            }
            syn::UseTree::Glob(_) => joined(prefix, "*"),
        };
        *out.entry(path).or_default() += 1;
    }
    let file: syn::File = syn::parse_str(text).expect("the edited file parses");
    let mut out = BTreeMap::new();
    for item in &file.items {
        if let syn::Item::Use(u) = item {
            walk(&u.tree, &mut Vec::new(), &mut out);
        }
    }
    out
}

fn take(set: &mut BTreeMap<String, usize>, path: &str) {
    let n = set.get_mut(path).expect("a removed path was imported");
    *n -= 1;
    if *n == 0 {
        set.remove(path);
    }
}

fn layout() -> impl Strategy<Value = Layout> {
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(multiline, trailing_comma, comments, crlf)| Layout {
            multiline,
            trailing_comma,
            comments,
            crlf,
        },
    )
}

fn case() -> impl Strategy<Value = (Vec<Tree>, Layout)> {
    (
        prop::collection::vec(tree(), 1..4).prop_filter("valid use trees", |ts| {
            ts.iter().all(|t| valid(t, 0, false))
        }),
        layout(),
    )
}

const CASES: u32 = 1024;

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    /// `edit_use_leaves`: removed leaves go, renamed leaves change, nothing else does.
    #[test]
    fn removing_and_renaming_leaves_changes_only_those(
        (trees, layout) in case(),
        decisions in prop::collection::vec(0u8..6, 1..16),
    ) {
        let text = file_text(&trees, layout);
        let file = SourceFile::new("x.rs", text.clone());
        let syntax = file.parse_rust().expect("generated code parses");
        let mut expected = imported(&text);
        let mut out = Changes::default();
        let mut next = 0;
        edit_use_leaves(&file, &syntax, &mut out, |leaf| {
            let d = decisions[next % decisions.len()];
            next += 1;
            let mut path = leaf.prefix.clone();
            if leaf.name != "self" {
                path.push(leaf.name.clone());
            }
            let mut old = path.join("::");
            if let Some(a) = &leaf.alias {
                old = format!("{old} as {a}");
            }
            match d {
                0..=2 => LeafEdit::Keep,
                3 | 4 => {
                    take(&mut expected, &old);
                    LeafEdit::Remove
                }
                _ if leaf.name == "self" => LeafEdit::Keep,
                _ => {
                    take(&mut expected, &old);
                    let mut new = leaf.prefix.clone();
                    new.push("Renamed".into());
                    *expected.entry(new.join("::")).or_default() += 1;
                    LeafEdit::Replace("Renamed".into())
                }
            }
        });
        prop_assert!(out.findings.is_empty(), "{:?}\n{text}", out.findings);
        let edited = out.edits.apply(&text);
        prop_assert_eq!(imported(&edited), expected, "\n{}\n---\n{}", text, edited);
    }

    /// The import plan: new paths are added (merged or on new lines) and forced removals go,
    /// nothing else changes.
    #[test]
    fn planned_additions_and_removals_change_only_those(
        (trees, layout) in case(),
        adds in prop::collection::vec(prop::sample::select(vec!["a", "a::b", "b", "c::a", "d"]), 0..3),
        removals in prop::collection::vec(prop::sample::select(vec!["a::X", "a::b::Y", "b::Z", "a", "c::X", "a::b"]), 0..3),
    ) {
        let text = file_text(&trees, layout);
        let file = SourceFile::new("x.rs", text.clone());
        let syntax = file.parse_rust().expect("generated code parses");
        let before = imported(&text);
        let mut expected = before.clone();
        let mut plan = ImportPlan::at(&file, &syntax, text.find("fn main").unwrap());
        // Every leaf whose path (without its rename) is asked to go, goes.
        let mut removed_paths: Vec<&str> = removals.clone();
        removed_paths.sort();
        removed_paths.dedup();
        for p in &removed_paths {
            plan.remove(p);
            for (imp, n) in &before {
                let bare = imp.split(" as ").next().unwrap();
                if bare == *p && !imp.ends_with("::*") {
                    for _ in 0..*n {
                        take(&mut expected, imp);
                    }
                }
            }
        }
        for (i, parent) in adds.iter().enumerate() {
            let path = format!("{parent}::New{i}");
            let written = plan.name(&path);
            // Already reachable through a module in scope or a glob: nothing to add.
            if written == format!("New{i}") {
                let via_glob = before.contains_key(&format!("{parent}::*"));
                if !via_glob {
                    *expected.entry(path).or_default() += 1;
                }
            }
        }
        let mut out = Changes::default();
        plan.finish(&mut out);
        prop_assert!(out.findings.is_empty(), "{:?}\n{text}", out.findings);
        let edited = out.edits.apply(&text);
        prop_assert_eq!(imported(&edited), expected, "\n{}\n---\n{}", text, edited);
    }
}
