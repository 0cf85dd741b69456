//! The `#[cfg(..)]` conditions new code is compiled under, so that an import only that code
//! needs is gated the same way: a trait named only in a `#[cfg(feature = "tls")]` match arm,
//! imported unconditionally, is an unused import (a warning, an error under `deny(warnings)`)
//! whenever the feature is off.
//!
//! The gates read are those of the match arms, statements, expressions, struct literal fields
//! and items that carry a `#[cfg]` and enclose the new code; those inside the import's target
//! scope gate the import (a gated function's own body or module already takes its imports
//! inside, see [`super::scope`]), and all of them decide which gated `use` serves the code.

use std::collections::BTreeSet;

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{range_of, range_of_span};

use super::scope::Target;

/// Under what an added import is needed: everywhere, or only where one of these conditions
/// holds (each the text inside a `cfg(..)`, several nested ones joined with `all(..)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Gate {
    Always,
    Under(BTreeSet<String>),
}

impl Gate {
    /// The gate of code compiled under every one of `conditions` (none: always).
    pub(super) fn of(conditions: &[String]) -> Gate {
        match conditions {
            [] => Gate::Always,
            all => Gate::Under(BTreeSet::from([all_of(all)])),
        }
    }

    /// The gate of an import two pieces of code need: needed whenever either is compiled.
    pub(super) fn either(self, other: Gate) -> Gate {
        match (self, other) {
            (Gate::Under(mut a), Gate::Under(b)) => {
                a.extend(b);
                Gate::Under(a)
            }
            _ => Gate::Always,
        }
    }

    /// The attribute written above the `use` (`None` when always needed).
    pub(super) fn attribute(&self) -> Option<String> {
        match self {
            Gate::Always => None,
            Gate::Under(any) if any.len() == 1 => Some(format!(
                "#[cfg({})]",
                any.iter().next().unwrap_or(&String::new())
            )),
            Gate::Under(any) => Some(format!(
                "#[cfg(any({}))]",
                any.iter().cloned().collect::<Vec<_>>().join(", ")
            )),
        }
    }
}

/// One condition that holds when all of `conditions` (at least one) do.
pub(super) fn all_of(conditions: &[String]) -> String {
    match conditions {
        [one] => one.clone(),
        all => format!("all({})", all.join(", ")),
    }
}

/// The `#[cfg(..)]` conditions around byte `offset` of a file with `items`, outermost first:
/// all of them, and those of the nodes inside `target` (after its `{`).
pub(super) struct Around {
    pub all: Vec<String>,
    pub inside: Vec<String>,
}

/// The conditions around byte `offset` (one walk down the nodes that enclose it).
pub(super) fn conditions_at(
    file: &SourceFile,
    items: &[syn::Item],
    target: Target<'_>,
    offset: usize,
) -> Around {
    let mut gates = Gates {
        file,
        at: TextRange::empty(offset),
        conditions: Vec::new(),
    };
    items.iter().for_each(|i| gates.visit_item(i));
    let opens = target.open_brace(file);
    let inside = gates
        .conditions
        .iter()
        .filter(|(start, _)| opens.is_none_or(|brace| *start > brace))
        .map(|(_, c)| c.clone())
        .collect();
    Around {
        all: gates.conditions.into_iter().map(|(_, c)| c).collect(),
        inside,
    }
}

struct Gates<'f> {
    file: &'f SourceFile,
    at: TextRange,
    /// Each condition with the start of the node that carries it.
    conditions: Vec<(usize, String)>,
}

impl Gates<'_> {
    /// Whether `node` encloses the offset; then its conditions are noted.
    fn enters(&mut self, node: &dyn syn::spanned::Spanned, attrs: &[syn::Attribute]) -> bool {
        let range = range_of(self.file, node);
        if !range.contains_range(self.at) {
            return false;
        }
        let conditions = cfg_conditions(self.file, attrs);
        self.conditions
            .extend(conditions.into_iter().map(|c| (range.start, c)));
        true
    }
}

impl<'a> Visit<'a> for Gates<'_> {
    fn visit_item(&mut self, i: &'a syn::Item) {
        if self.enters(i, item_attrs(i)) {
            syn::visit::visit_item(self, i);
        }
    }
    fn visit_stmt(&mut self, s: &'a syn::Stmt) {
        // Expressions and items note their own attributes.
        let attrs: &[syn::Attribute] = match s {
            syn::Stmt::Local(l) => &l.attrs,
            syn::Stmt::Macro(m) => &m.attrs,
            syn::Stmt::Expr(..) | syn::Stmt::Item(_) => &[],
        };
        if self.enters(s, attrs) {
            syn::visit::visit_stmt(self, s);
        }
    }
    fn visit_expr(&mut self, e: &'a syn::Expr) {
        if self.enters(e, expr_attrs(e)) {
            syn::visit::visit_expr(self, e);
        }
    }
    fn visit_arm(&mut self, a: &'a syn::Arm) {
        if self.enters(a, &a.attrs) {
            syn::visit::visit_arm(self, a);
        }
    }
    fn visit_field_value(&mut self, f: &'a syn::FieldValue) {
        if self.enters(f, &f.attrs) {
            syn::visit::visit_field_value(self, f);
        }
    }
    fn visit_impl_item(&mut self, i: &'a syn::ImplItem) {
        let attrs: &[syn::Attribute] = match i {
            syn::ImplItem::Fn(f) => &f.attrs,
            syn::ImplItem::Const(c) => &c.attrs,
            _ => &[],
        };
        if self.enters(i, attrs) {
            syn::visit::visit_impl_item(self, i);
        }
    }
}

/// The text inside each `#[cfg(..)]` of `attrs`.
pub(super) fn cfg_conditions(file: &SourceFile, attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .filter_map(|a| match &a.meta {
            syn::Meta::List(list) => {
                let (open, close) = (list.delimiter.span().open(), list.delimiter.span().close());
                let inner = TextRange::new(
                    range_of_span(file, open).end,
                    range_of_span(file, close).start,
                );
                Some(file.slice(inner).trim().to_string())
            }
            _ => None,
        })
        .collect()
}

/// The outer attributes of the items that hold code.
fn item_attrs(i: &syn::Item) -> &[syn::Attribute] {
    match i {
        syn::Item::Fn(x) => &x.attrs,
        syn::Item::Const(x) => &x.attrs,
        syn::Item::Static(x) => &x.attrs,
        syn::Item::Impl(x) => &x.attrs,
        syn::Item::Mod(x) => &x.attrs,
        syn::Item::Macro(x) => &x.attrs,
        _ => &[],
    }
}

/// The outer attributes of an expression (every kind but a verbatim one has them).
pub(super) fn expr_attrs(e: &syn::Expr) -> &[syn::Attribute] {
    use syn::Expr::*;
    match e {
        Array(x) => &x.attrs,
        Assign(x) => &x.attrs,
        Async(x) => &x.attrs,
        Await(x) => &x.attrs,
        Binary(x) => &x.attrs,
        Block(x) => &x.attrs,
        Break(x) => &x.attrs,
        Call(x) => &x.attrs,
        Cast(x) => &x.attrs,
        Closure(x) => &x.attrs,
        Const(x) => &x.attrs,
        Continue(x) => &x.attrs,
        Field(x) => &x.attrs,
        ForLoop(x) => &x.attrs,
        Group(x) => &x.attrs,
        If(x) => &x.attrs,
        Index(x) => &x.attrs,
        Infer(x) => &x.attrs,
        Let(x) => &x.attrs,
        Lit(x) => &x.attrs,
        Loop(x) => &x.attrs,
        Macro(x) => &x.attrs,
        Match(x) => &x.attrs,
        MethodCall(x) => &x.attrs,
        Paren(x) => &x.attrs,
        Path(x) => &x.attrs,
        Range(x) => &x.attrs,
        RawAddr(x) => &x.attrs,
        Reference(x) => &x.attrs,
        Repeat(x) => &x.attrs,
        Return(x) => &x.attrs,
        Struct(x) => &x.attrs,
        Try(x) => &x.attrs,
        TryBlock(x) => &x.attrs,
        Tuple(x) => &x.attrs,
        Unary(x) => &x.attrs,
        Unsafe(x) => &x.attrs,
        While(x) => &x.attrs,
        Yield(x) => &x.attrs,
        _ => &[],
    }
}
