//! An exporter chosen by a `match`/`if` into the old builder enum, then refined per transport
//! by matching on the enum right after: `let mut exporter: SpanExporterBuilder = match p { Grpc
//! => new_exporter().tonic().into(), Http => new_exporter().http().into(), .. }; if let
//! Some(e) = endpoint() { match exporter { SpanExporterBuilder::Tonic(inner) => exporter =
//! inner.with_endpoint(e).into(), SpanExporterBuilder::Http(inner) => …, _ => {} } }`.
//!
//! 0.27 has no enum to match on, but each arm of the choice knows its transport: the
//! refinement moves into the arms, right after the builder it refines (`Grpc => { let mut
//! inner = SpanExporter::builder().with_tonic(); if let Some(e) = endpoint() { inner =
//! inner.with_endpoint(e); } inner.build() }`), so everything runs in the order it ran before.
//! Followed only when the refinement is the statement right after the choice, every arm of its
//! `match` is a transport's variant reassigning the local from the variant's builder with options
//! that keep their name on 0.27 (or `_ => {}`), and neither the condition nor the options name
//! the local or a name the choice's patterns bind.

use crate::engine::edit::TextRange;
use crate::engine::syntax::{ident_str, range_of, ImportMap, ParsedRust};

use super::chain::{bound_names, count_ident, mentions_local, Chain};
use super::exporter::{unchanged_option_trait, Transport, VariantRefinement};

/// The statement refining the choice kept in `name` (initialized by `choice`), per transport;
/// `None` when `stmt` is not such a refinement.
pub struct Refinement {
    /// The statement's whole lines, which go.
    pub statement: TextRange,
    pub arms: Vec<(Transport, VariantRefinement)>,
}

impl Refinement {
    pub fn for_transport(&self, transport: Transport) -> Option<&VariantRefinement> {
        self.arms
            .iter()
            .find(|(t, _)| *t == transport)
            .map(|(_, r)| r)
    }
}

pub fn refinement(
    rust: ParsedRust<'_>,
    stmt: &syn::Stmt,
    name: &str,
    choice: &syn::Expr,
    is_old_enum: &dyn Fn(&ImportMap, &syn::Path) -> bool,
) -> Option<Refinement> {
    let file = rust.file;
    let (expr, _) = expr_stmt(stmt)?;
    let (condition, matched) = match expr {
        syn::Expr::If(i) if i.else_branch.is_none() => {
            let [inner] = i.then_branch.stmts.as_slice() else {
                return None;
            };
            let (syn::Expr::Match(m), _) = expr_stmt(inner)? else {
                return None;
            };
            let head = TextRange::new(
                range_of(file, i).start,
                range_of(file, &i.then_branch).start,
            );
            (Some(file.slice(head).trim_end().to_string()), m)
        }
        syn::Expr::Match(m) => (None, m),
        _ => return None,
    };
    let scrutinee_is_local = matches!(&*matched.expr, syn::Expr::Path(p) if p.path.is_ident(name));
    if !scrutinee_is_local || count_ident(expr, name) != 1 + matched.arms.len() - wildcards(matched)
    {
        return None;
    }
    // Names the choice's patterns bind must mean the same where the refinement moves to.
    let bound = bound_names(choice);
    let reads_bound = |node: &dyn Fn(&str) -> bool| bound.iter().any(|b| node(b));
    if let syn::Expr::If(i) = expr {
        if reads_bound(&|b| mentions_local(&*i.cond, b)) {
            return None;
        }
    }
    let mut arms = Vec::new();
    for arm in &matched.arms {
        if arm.guard.is_some() {
            return None;
        }
        if matches!(arm.pat, syn::Pat::Wild(_)) && is_empty(&arm.body) {
            continue;
        }
        let (transport, binding) = variant(rust.imports, &arm.pat, is_old_enum)?;
        let assign = assignment(&arm.body)?;
        if !matches!(&*assign.left, syn::Expr::Path(p) if p.path.is_ident(name)) {
            return None;
        }
        let chain = Chain::read(&assign.right);
        let [options @ .., into] = chain.links.as_slice() else {
            return None;
        };
        if into.name != "into" || !into.call.args.is_empty() || options.is_empty() {
            return None;
        }
        if chain.root_local().as_deref() != Some(binding.as_str())
            || count_ident(&*assign.right, &binding) != 1
            || reads_bound(&|b| mentions_local(&*assign.right, b))
        {
            return None;
        }
        if let syn::Expr::If(i) = expr {
            if mentions_local(&*i.cond, &binding) {
                return None;
            }
        }
        let mut traits = Vec::new();
        for o in options {
            let t = unchanged_option_trait(&o.name)?;
            if !traits.contains(&t) {
                traits.push(t);
            }
        }
        let links = TextRange::new(
            range_of(file, chain.root).end,
            range_of(file, options[options.len() - 1].call).end,
        );
        let refined = VariantRefinement {
            binding,
            condition: condition.clone(),
            links: file.slice(links).to_string(),
            traits,
        };
        if arms.iter().any(|(t, _)| *t == transport) {
            return None;
        }
        arms.push((transport, refined));
    }
    let range = range_of(file, stmt);
    let text = &file.text;
    let start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[range.end..]
        .find('\n')
        .map_or(text.len(), |i| range.end + i + 1);
    let only_this =
        text[start..range.start].trim().is_empty() && text[range.end..end].trim().is_empty();
    let statement = if only_this {
        TextRange::new(start, end)
    } else {
        range
    };
    (!arms.is_empty()).then_some(Refinement { statement, arms })
}

fn expr_stmt(stmt: &syn::Stmt) -> Option<(&syn::Expr, bool)> {
    match stmt {
        syn::Stmt::Expr(e, semi) => Some((e, semi.is_some())),
        _ => None,
    }
}

fn wildcards(m: &syn::ExprMatch) -> usize {
    m.arms
        .iter()
        .filter(|a| matches!(a.pat, syn::Pat::Wild(_)))
        .count()
}

/// `x = …` alone, or as the only statement of a block (as rustfmt writes a long arm).
fn assignment(body: &syn::Expr) -> Option<&syn::ExprAssign> {
    match body {
        syn::Expr::Assign(a) => Some(a),
        syn::Expr::Block(b) if b.label.is_none() => match b.block.stmts.as_slice() {
            [syn::Stmt::Expr(e, _)] => assignment(e),
            _ => None,
        },
        _ => None,
    }
}

/// `{}` or `()`.
fn is_empty(body: &syn::Expr) -> bool {
    match body {
        syn::Expr::Block(b) => b.block.stmts.is_empty(),
        syn::Expr::Tuple(t) => t.elems.is_empty(),
        _ => false,
    }
}

/// `OldEnum::Tonic(inner)` / `OldEnum::Http(inner)`: the transport and the bound name.
fn variant(
    imports: &ImportMap,
    pat: &syn::Pat,
    is_old_enum: &dyn Fn(&ImportMap, &syn::Path) -> bool,
) -> Option<(Transport, String)> {
    let syn::Pat::TupleStruct(ts) = pat else {
        return None;
    };
    let [syn::Pat::Ident(binding)] = ts.elems.iter().collect::<Vec<_>>().as_slice() else {
        return None;
    };
    if binding.by_ref.is_some() || binding.subpat.is_some() {
        return None;
    }
    let mut ty = ts.path.clone();
    let last = ident_str(&ty.segments.pop()?.into_value().ident);
    if let Some(s) = ty.segments.pop() {
        ty.segments.push(s.into_value());
    }
    if !is_old_enum(imports, &ty) {
        return None;
    }
    let transport = match last.as_str() {
        "Tonic" => Transport::Grpc,
        "Http" => Transport::Http,
        _ => return None,
    };
    Some((transport, ident_str(&binding.ident)))
}
