//! A pipeline kept in a `let mut` and extended under a condition with settings that still
//! exist (`if let Some(r) = ratio { p = p.with_trace_config(config().with_sampler(..)) }`): the
//! settings go onto a mutable 0.27 provider builder under the same condition.
//!
//! Only where that keeps behaviour: the `if` body holds nothing but the reassignments, each a
//! `with_trace_config(..)` this tool can unfold and that sets no resource, no other trace config
//! is set unconditionally (the old call replaced the whole config), and nothing between the `if`
//! and the install mentions what the condition reads (it is evaluated at the install now).

use crate::engine::edit::TextRange;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{range_of, ImportMap};
use crate::otel::chain::{mentions_ident, Reassignment};
use crate::otel::conditional_links::ConditionalLinks;
use crate::otel::trace::unfold_config;

/// Words of a condition that are not variables it reads.
const NOT_VARIABLES: &[&str] = &[
    "let", "mut", "ref", "true", "false", "self", "as", "in", "crate", "super", "if",
];

/// The settings of conditional reassignment `r` (statement `at` of `stmts`, installed by
/// statement `consumer`), or `None` when moving them could change behaviour.
pub fn conditional_setters(
    file: &SourceFile,
    imports: &ImportMap,
    stmts: &[syn::Stmt],
    (at, consumer): (usize, usize),
    r: &Reassignment<'_>,
) -> Option<ConditionalLinks> {
    let condition = movable_condition(file, stmts, (at, consumer), r)?;
    let mut links = Vec::new();
    for link in &r.links {
        if link.name != "with_trace_config" || link.call.args.len() != 1 {
            return None;
        }
        let unfolded = unfold_config(file, imports, &link.call.args[0])?;
        if unfolded.resource.is_some() {
            return None;
        }
        links.extend(unfolded.setters);
    }
    Some(ConditionalLinks { condition, links })
}

/// `if cond` as written, when conditional reassignment `r` (statement `at` of `stmts`, built
/// by statement `consumer`) can move to the build: its body holds only the reassignments, and
/// nothing between mentions what the condition reads (it is evaluated at the build now).
pub fn movable_condition(
    file: &SourceFile,
    stmts: &[syn::Stmt],
    (at, consumer): (usize, usize),
    r: &Reassignment<'_>,
) -> Option<String> {
    let syn::Stmt::Expr(syn::Expr::If(e), _) = r.stmt else {
        return None;
    };
    if !r.only_assignments() {
        return None;
    }
    let read: Vec<String> = idents(quote::ToTokens::to_token_stream(&*e.cond));
    let between = &stmts[at + 1..consumer];
    if between
        .iter()
        .any(|s| read.iter().any(|v| mentions_ident(s, v)))
    {
        return None;
    }
    let start = range_of(file, &e.if_token).start;
    let end = range_of(file, &*e.cond).end;
    Some(file.slice(TextRange::new(start, end)).to_string())
}

/// The lower-case identifiers of a token stream (the variables a condition may read).
fn idents(ts: proc_macro2::TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    for tt in ts {
        match tt {
            proc_macro2::TokenTree::Ident(i) => {
                let s = i.to_string();
                if s.starts_with(|c: char| c.is_lowercase() || c == '_')
                    && !NOT_VARIABLES.contains(&s.as_str())
                {
                    out.push(s);
                }
            }
            proc_macro2::TokenTree::Group(g) => out.extend(idents(g.stream())),
            _ => {}
        }
    }
    out
}
