//! Scope collection for the import plan: the `use` items visible at a site (the file or
//! enclosing `mod`, plus every enclosing block's own `use` statements), the names items of
//! that module define, and where new `use` lines go ([`Target`]): the innermost
//! `#[cfg]`-gated function around the site (so a feature-gated dependency is only named where
//! it exists), else the module.

use syn::spanned::Spanned;

use crate::engine::edit::TextRange;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, range_of, range_of_span};

/// Where new `use` lines go: a module's items (with its `{`, `None` for the file) or a block.
#[derive(Clone, Copy)]
pub(super) enum Target<'a> {
    Items(&'a [syn::Item], Option<TextRange>),
    Block(&'a syn::Block),
}

impl Target<'_> {
    /// The offset of the target's `{` (`None` for the file), as the import guard names scopes.
    pub(super) fn open_brace(&self, file: &SourceFile) -> Option<usize> {
        match self {
            Target::Items(_, brace) => brace.map(|b| b.start),
            Target::Block(b) => Some(range_of_span(file, b.brace_token.span.open()).start),
        }
    }
}

/// Collects the uses visible at `offset` and where new ones should go.
pub(super) fn collect_scope<'a>(
    file: &SourceFile,
    items: &'a [syn::Item],
    offset: usize,
    visible: &mut Vec<&'a syn::ItemUse>,
    local_items: &mut Vec<String>,
    target: &mut Target<'a>,
) {
    for item in items {
        if let syn::Item::Use(u) = item {
            visible.push(u);
        }
        if let Some(name) = item_name(item) {
            local_items.push(name);
        }
    }
    let contains =
        |node: &dyn Spanned| range_of(file, node).contains_range(TextRange::empty(offset));
    for item in items {
        match item {
            syn::Item::Mod(m) if contains(m) => {
                if let Some((brace, inner)) = &m.content {
                    visible.clear();
                    local_items.clear();
                    let open = range_of_span(file, brace.span.open());
                    *target = Target::Items(inner, Some(open));
                    collect_scope(file, inner, offset, visible, local_items, target);
                }
            }
            syn::Item::Fn(f) if contains(f) => {
                enter_fn(file, has_cfg(&f.attrs), &f.block, offset, visible, target);
            }
            syn::Item::Impl(i) if contains(i) => {
                for ii in &i.items {
                    if let syn::ImplItem::Fn(f) = ii {
                        if contains(f) {
                            let gated = has_cfg(&i.attrs) || has_cfg(&f.attrs);
                            enter_fn(file, gated, &f.block, offset, visible, target);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// In a function, the site's scope: every enclosing block's own `use` statements are
/// visible. New imports go into a block only a `#[cfg(..)]` compiles in, the innermost one
/// around the site, when there is one (a gated function's body, or a block inside a gated
/// statement: `#[cfg(feature = "otel")] let layer = { … };`): a file-level `use` of a crate
/// the feature makes optional would break the build without the feature.
fn enter_fn<'a>(
    file: &SourceFile,
    gated: bool,
    block: &'a syn::Block,
    offset: usize,
    visible: &mut Vec<&'a syn::ItemUse>,
    target: &mut Target<'a>,
) {
    struct Blocks<'a, 'f> {
        file: &'f SourceFile,
        offset: usize,
        visible: &'f mut Vec<&'a syn::ItemUse>,
        in_gated: bool,
        gated_block: Option<&'a syn::Block>,
    }
    impl<'a> syn::visit::Visit<'a> for Blocks<'a, '_> {
        fn visit_block(&mut self, b: &'a syn::Block) {
            if !range_of(self.file, b).contains_range(TextRange::empty(self.offset)) {
                return;
            }
            if self.in_gated {
                self.gated_block = Some(b);
            }
            for s in &b.stmts {
                if let syn::Stmt::Item(syn::Item::Use(u)) = s {
                    self.visible.push(u);
                }
            }
            for s in &b.stmts {
                let outer = self.in_gated;
                self.in_gated |= has_cfg(stmt_attrs(s));
                syn::visit::visit_stmt(self, s);
                self.in_gated = outer;
            }
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    if gated {
        *target = Target::Block(block);
    }
    let mut v = Blocks {
        file,
        offset,
        visible,
        in_gated: gated,
        gated_block: None,
    };
    syn::visit::Visit::visit_block(&mut v, block);
    if let Some(b) = v.gated_block {
        *target = Target::Block(b);
    }
}

fn has_cfg(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("cfg"))
}

/// The outer attributes of a statement (the expression kinds a `#[cfg]` is written on).
fn stmt_attrs(s: &syn::Stmt) -> &[syn::Attribute] {
    match s {
        syn::Stmt::Local(l) => &l.attrs,
        syn::Stmt::Macro(m) => &m.attrs,
        syn::Stmt::Item(_) => &[],
        syn::Stmt::Expr(e, _) => super::gate::expr_attrs(e),
    }
}

fn item_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Struct(i) => &i.ident,
        syn::Item::Enum(i) => &i.ident,
        syn::Item::Type(i) => &i.ident,
        syn::Item::Trait(i) => &i.ident,
        syn::Item::Fn(i) => &i.sig.ident,
        syn::Item::Const(i) => &i.ident,
        syn::Item::Static(i) => &i.ident,
        syn::Item::Mod(i) => &i.ident,
        syn::Item::Union(i) => &i.ident,
        _ => return None,
    };
    Some(ident_str(ident))
}
