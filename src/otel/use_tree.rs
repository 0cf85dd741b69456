//! Edit builder for `use` trees: remove or rename leaves (`use a::{b, c as d}`) and keep the
//! list well-formed — commas go with removed items, an emptied group or item goes away whole.

use syn::visit::Visit;

use crate::engine::edit::{Edit, TextRange};
use crate::engine::item_edit::line_extent;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{comments_in, ident_str, range_of};

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
}

pub enum LeafEdit {
    Keep,
    Remove,
    /// Replace the leaf (name and alias) with this text.
    Replace(String),
}

/// Every leaf of every `use` item in the file, in source order.
pub fn use_leaves(file: &SourceFile, syntax: &syn::File) -> Vec<UseLeaf> {
    let mut out = Vec::new();
    edit_use_leaves(file, syntax, |leaf| {
        out.push(leaf.clone());
        LeafEdit::Keep
    });
    out
}

/// Applies `decide` to every leaf and returns the edits: removed leaves take their comma with
/// them, a group whose leaves are all removed goes too, and a `use` item left empty is deleted
/// with its line.
pub fn edit_use_leaves(
    file: &SourceFile,
    syntax: &syn::File,
    mut decide: impl FnMut(&UseLeaf) -> LeafEdit,
) -> Vec<Edit> {
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
    let mut edits = Vec::new();
    for (item, scope) in items.found {
        let mut prefix = Vec::new();
        let mut cx = Walk {
            file,
            scope,
            decide: &mut decide,
        };
        match cx.walk(&item.tree, &mut prefix) {
            Walked::AllRemoved => edits.push(Edit::delete(line_extent(file, range_of(file, item)))),
            Walked::Edits(e) => edits.extend(e),
        }
    }
    edits
}

enum Walked {
    AllRemoved,
    Edits(Vec<Edit>),
}

struct Walk<'f, D> {
    file: &'f SourceFile,
    scope: usize,
    decide: &'f mut D,
}

impl<D: FnMut(&UseLeaf) -> LeafEdit> Walk<'_, D> {
    fn walk(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) -> Walked {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(ident_str(&p.ident));
                let w = self.walk(&p.tree, prefix);
                prefix.pop();
                w
            }
            syn::UseTree::Name(n) => self.leaf(tree, prefix, ident_str(&n.ident), None),
            syn::UseTree::Rename(r) => self.leaf(
                tree,
                prefix,
                ident_str(&r.ident),
                Some(ident_str(&r.rename)),
            ),
            syn::UseTree::Glob(_) => Walked::Edits(Vec::new()),
            syn::UseTree::Group(g) => self.group(tree, g, prefix),
        }
    }

    fn group(
        &mut self,
        tree: &syn::UseTree,
        g: &syn::UseGroup,
        prefix: &mut Vec<String>,
    ) -> Walked {
        let file = self.file;
        let children: Vec<(TextRange, Walked)> = g
            .items
            .iter()
            .map(|t| (range_of(file, t), self.walk(t, prefix)))
            .collect();
        let kept: Vec<usize> = (0..children.len())
            .filter(|&i| !matches!(children[i].1, Walked::AllRemoved))
            .collect();
        let Some(&last_kept) = kept.last() else {
            return Walked::AllRemoved;
        };
        let group_range = range_of(file, tree);
        // `{a, removed}` → `a`: one name left needs no braces.
        if kept.len() == 1 && children.len() > 1 && comments_in(file, group_range).is_empty() {
            let (range, w) = &children[last_kept];
            let text = match w {
                Walked::Edits(e) if e.is_empty() => Some(file.slice(*range).to_string()),
                Walked::Edits(e) if e.len() == 1 && e[0].range == *range => {
                    Some(e[0].replacement.clone())
                }
                _ => None,
            };
            if let Some(text) = text {
                return Walked::Edits(vec![Edit::replace(group_range, text)]);
            }
        }
        let mut edits = Vec::new();
        let mut tail_end = None;
        for (i, (range, w)) in children.iter().enumerate() {
            match w {
                Walked::Edits(e) => edits.extend(e.iter().cloned()),
                // Before the last kept item: the item up to the next one (its comma too).
                Walked::AllRemoved if i < last_kept => edits.push(Edit::delete(TextRange::new(
                    range.start,
                    children[i + 1].0.start,
                ))),
                Walked::AllRemoved => tail_end = Some(range.end),
            }
        }
        // After the last kept item: from its end, so a trailing comma stays trailing.
        if let Some(end) = tail_end {
            edits.push(Edit::delete(TextRange::new(children[last_kept].0.end, end)));
        }
        Walked::Edits(edits)
    }

    fn leaf(
        &mut self,
        tree: &syn::UseTree,
        prefix: &[String],
        name: String,
        alias: Option<String>,
    ) -> Walked {
        let leaf = UseLeaf {
            prefix: prefix.to_vec(),
            name,
            alias,
            range: range_of(self.file, tree),
            scope: self.scope,
        };
        match (self.decide)(&leaf) {
            LeafEdit::Keep => Walked::Edits(Vec::new()),
            LeafEdit::Remove => Walked::AllRemoved,
            LeafEdit::Replace(text) => Walked::Edits(vec![Edit::replace(leaf.range, text)]),
        }
    }
}
