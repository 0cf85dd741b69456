//! Reading `use` items: every leaf with its prefix, the full path each leaf imports (what the
//! import guard compares), and the module or block each item is visible in.

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, range_of};

/// One imported name: `prefix::name` (as `alias`).
#[derive(Debug, Clone)]
pub struct UseLeaf {
    pub prefix: Vec<String>,
    pub name: String,
    pub alias: Option<String>,
    pub range: TextRange,
    /// Where the `use` is visible: the start of the innermost enclosing module or block (0 for
    /// the file).
    pub scope: usize,
}

impl UseLeaf {
    /// The name the leaf brings into scope.
    pub fn local(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }

    /// Reads a `Name` or `Rename` leaf; `None` for globs and inner nodes.
    pub(super) fn read(
        file: &SourceFile,
        prefix: &[String],
        tree: &syn::UseTree,
        scope: usize,
    ) -> Option<UseLeaf> {
        let (name, alias) = match tree {
            syn::UseTree::Name(n) => (ident_str(&n.ident), None),
            syn::UseTree::Rename(r) => (ident_str(&r.ident), Some(ident_str(&r.rename))),
            _ => return None,
        };
        Some(UseLeaf {
            prefix: prefix.to_vec(),
            name,
            alias,
            range: range_of(file, tree),
            scope,
        })
    }
}

/// Every leaf of every `use` item in the file, in source order.
pub fn use_leaves(file: &SourceFile, syntax: &syn::File) -> Vec<UseLeaf> {
    let mut out = Vec::new();
    for (item, scope) in use_items_with_scope(syntax) {
        walk_tree(&item.tree, &mut Vec::new(), &mut |prefix, leaf| {
            out.extend(UseLeaf::read(file, prefix, leaf, scope));
        });
    }
    out
}

/// Every `use` item of the file (any depth) with the start of the innermost module or block
/// around it (0 for the file), in source order.
pub(super) fn use_items_with_scope(syntax: &syn::File) -> Vec<(&syn::ItemUse, usize)> {
    struct Items<'a> {
        found: Vec<(&'a syn::ItemUse, usize)>,
        scopes: Vec<usize>,
    }
    impl<'a> Visit<'a> for Items<'a> {
        fn visit_item_use(&mut self, u: &'a syn::ItemUse) {
            self.found.push((u, *self.scopes.last().unwrap_or(&0)));
        }
        fn visit_item_mod(&mut self, m: &'a syn::ItemMod) {
            self.scopes.push(m.ident.span().byte_range().start);
            syn::visit::visit_item_mod(self, m);
            self.scopes.pop();
        }
        fn visit_block(&mut self, b: &'a syn::Block) {
            self.scopes
                .push(b.brace_token.span.open().byte_range().start);
            syn::visit::visit_block(self, b);
            self.scopes.pop();
        }
    }
    let mut items = Items {
        found: Vec::new(),
        scopes: Vec::new(),
    };
    items.visit_file(syntax);
    items.found
}

/// Visits every leaf (name, rename, glob) of a use tree with its prefix.
pub(super) fn walk_tree<'t>(
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

/// Whether `tree` imports the item at `path` (by its name or under another name; through a glob
/// of its module too when `glob_counts`).
pub fn imports_item(tree: &syn::UseTree, path: &[&str], glob_counts: bool) -> bool {
    let Some((_, module)) = path.split_last() else {
        return false;
    };
    let mut found = false;
    walk_tree(tree, &mut Vec::new(), &mut |prefix, leaf| {
        let leaf = match leaf {
            syn::UseTree::Name(n) => ident_str(&n.ident),
            syn::UseTree::Rename(r) => ident_str(&r.ident),
            syn::UseTree::Glob(_) => {
                found |=
                    glob_counts && prefix.iter().map(String::as_str).eq(module.iter().copied());
                return;
            }
            _ => return,
        };
        found |= prefix
            .iter()
            .map(String::as_str)
            .chain([leaf.as_str()])
            .eq(path.iter().copied());
    });
    found
}

/// The full path a leaf imports, with its rename: `a::b::C`, `a::b as c`, `a::*`, and
/// `a::b` for `a::b::{self}`.
pub(super) fn leaf_path(prefix: &[String], leaf: &syn::UseTree) -> String {
    let join = |last: Option<String>| {
        let mut all = prefix.to_vec();
        all.extend(last);
        all.join("::")
    };
    let named = |ident: &proc_macro2::Ident| {
        let name = ident_str(ident);
        join((name != "self").then_some(name))
    };
    match leaf {
        syn::UseTree::Name(n) => named(&n.ident),
        syn::UseTree::Rename(r) => format!("{} as {}", named(&r.ident), ident_str(&r.rename)),
        syn::UseTree::Glob(_) => join(Some("*".to_string())),
        // Not a leaf: every path under it.
        syn::UseTree::Path(_) | syn::UseTree::Group(_) => tree_paths(prefix, leaf).join(", "),
    }
}

/// Every path a tree imports under `prefix` (see [`leaf_path`]).
pub(super) fn tree_paths(prefix: &[String], tree: &syn::UseTree) -> Vec<String> {
    let mut all = Vec::new();
    walk_tree(tree, &mut prefix.to_vec(), &mut |p, l| {
        all.push(leaf_path(p, l))
    });
    all
}

/// Every path a `use` item imports; a leading `::` is kept (`::a::B`).
pub(super) fn item_paths(item: &syn::ItemUse) -> Vec<String> {
    let root = if item.leading_colon.is_some() {
        vec![String::new()]
    } else {
        Vec::new()
    };
    tree_paths(&root, &item.tree)
}

/// `"a::b::C"` → `["a", "b", "C"]`.
pub(super) fn segments(path: &str) -> Vec<String> {
    path.split("::").map(str::to_string).collect()
}
