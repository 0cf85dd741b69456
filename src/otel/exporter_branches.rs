//! A pipeline kept in a local and given its exporter in every branch of a shadowing `let`:
//! `let p = new_pipeline().tracing(); let p = if c { p.with_exporter({ …; new_exporter().http()… })
//! } else { p.with_exporter(new_exporter().tonic()…) };` then `p.….install_batch(rt)`.
//!
//! 0.27 has one exporter type for both transports, so the `let` becomes the choice of built
//! exporters (`let exporter = if c { { …; SpanExporter::builder().with_http()….build() } } else {
//! … };`, a `Result` the install site unwraps with its own error handling) and the pipeline
//! local no longer goes through it. Followed only when every value the `let` yields is
//! `p.with_exporter(<old exporter>)`, the local is named nowhere else in the statement, and
//! every exporter is a chain this tool reads.

use crate::engine::edit::TextRange;
use crate::engine::syntax::{ident_str, range_of, ParsedRust};

use super::chain::{count_ident, mentions_ident, Chain};
use super::exporter::{ExporterConfig, LocalPart, PartEdit};
use super::exporter_local::{builder_kept_in_branch, exporter_value, kept, yielded_values};
use super::local_binding::{blocks_around, contains, pat_ident};

/// The name the chosen exporter is kept in (numbered when the block already uses it).
const CHOSEN_EXPORTER: &str = "exporter";

/// The `with_exporter` calls of `let name = <if/match>;` when every value it yields is
/// `name.with_exporter(..)` and `name` occurs nowhere else in it; `None` otherwise.
pub fn branch_exporters<'a>(
    stmt: &'a syn::Stmt,
    name: &str,
) -> Option<Vec<&'a syn::ExprMethodCall>> {
    let syn::Stmt::Local(local) = stmt else {
        return None;
    };
    let syn::Pat::Ident(pi) = &local.pat else {
        return None;
    };
    let init = local.init.as_ref().filter(|i| i.diverge.is_none())?;
    if pi.ident != name || !matches!(&*init.expr, syn::Expr::If(_) | syn::Expr::Match(_)) {
        return None;
    }
    let values = yielded_values(&init.expr)?;
    if values.is_empty() || count_ident(&*init.expr, name) != values.len() {
        return None;
    }
    values
        .into_iter()
        .map(|value| {
            let chain = Chain::read(value);
            match chain.links.as_slice() {
                [link] if link.name == "with_exporter" && link.call.args.len() == 1 => {
                    (chain.root_local().as_deref() == Some(name)).then_some(link.call)
                }
                _ => None,
            }
        })
        .collect()
}

/// The exporter that `call` (`p.with_exporter(..)` in a branch of a shadowing `let p = …;`)
/// hands the pipeline, kept in the `let` renamed to hold the chosen built exporter; `None` when
/// `call` is not such a branch, `Some(None)` when one branch's exporter is not an old chain.
pub fn exporter_chosen_by_branch(
    rust: ParsedRust<'_>,
    call: &syn::ExprMethodCall,
) -> Option<Option<ExporterConfig>> {
    let file = rust.file;
    let site = range_of(file, call).start;
    for stmts in blocks_around(rust, site) {
        let Some(stmt) = stmts.iter().find(|s| contains(range_of(file, *s), site)) else {
            continue;
        };
        let syn::Stmt::Local(local) = stmt else {
            continue;
        };
        let Some(pi) = pat_ident(&local.pat) else {
            continue;
        };
        let Some(calls) = branch_exporters(stmt, &ident_str(&pi.ident)) else {
            continue;
        };
        if !calls.iter().any(|c| std::ptr::eq(*c, call)) {
            return None;
        }
        let chosen = unused_name(stmts, CHOSEN_EXPORTER);
        let rename = LocalPart {
            range: range_of(file, &pi.ident),
            edit: PartEdit::Text(chosen.clone()),
            indent: String::new(),
        };
        let branches: Option<Vec<Vec<LocalPart>>> =
            calls.iter().map(|c| unwrapped_exporter(rust, c)).collect();
        return Some(branches.map(|branches| {
            let parts = std::iter::once(rename).chain(branches.into_iter().flatten());
            kept(&chosen, true, parts.collect(), Vec::new())
        }));
    }
    None
}

/// `base`, or `base2`, `base3`, … when the block already names it.
fn unused_name(stmts: &[syn::Stmt], base: &str) -> String {
    let used = |n: &str| stmts.iter().any(|s| mentions_ident(s, n));
    std::iter::once(base.to_string())
        .chain((2..).map(|i| format!("{base}{i}")))
        .find(|n| !used(n))
        .unwrap_or_default()
}

/// `p.with_exporter(<arg>)` → `<arg>` with every exporter chain it yields built.
fn unwrapped_exporter(rust: ParsedRust<'_>, call: &syn::ExprMethodCall) -> Option<Vec<LocalPart>> {
    let file = rust.file;
    let arg = call.args.first()?;
    let (whole, inner) = (range_of(file, call), range_of(file, arg));
    let gaps = [
        TextRange::new(whole.start, inner.start),
        TextRange::new(inner.end, whole.end),
    ];
    if let Some(parts) = builder_kept_in_branch(rust, call) {
        return Some(parts);
    }
    let (_, mut chains) = exporter_value(rust, arg).unwrap_or_default();
    let commented = gaps.iter().any(|g| {
        let text = file.slice(*g);
        text.contains("//") || text.contains("/*")
    });
    let is_the_chain = matches!(chains.as_slice(), [c] if c.range == inner);
    if is_the_chain && !commented {
        // The argument is the exporter chain itself: it takes the call's place, indented from
        // there.
        chains[0].range = whole;
        chains[0].indent =
            crate::engine::source::deeper(file.indent_at(whole.start), file.indent_unit());
        return Some(chains);
    }
    // A block (or a choice) whose values are chains: the call's text around it goes.
    let delete = |range| LocalPart {
        range,
        edit: PartEdit::Delete,
        indent: String::new(),
    };
    let mut parts = vec![delete(gaps[0]), delete(gaps[1])];
    for value in yielded_values(arg)? {
        parts.extend(exporter_value(rust, value)?.1);
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmt(s: &str) -> syn::Stmt {
        syn::parse_str(s).unwrap()
    }

    #[test]
    fn every_branch_must_only_give_the_local_its_exporter() {
        let followed = [
            "let p = if c { p.with_exporter(a()) } else { p.with_exporter({ let x = 1; b(x) }) };",
            "let p = match t { T::A => p.with_exporter(a()), T::B => p.with_exporter(b()), T::C => bail!(\"no\") };",
        ];
        for s in followed {
            assert!(branch_exporters(&stmt(s), "p").is_some(), "{s}");
        }
        let not_followed = [
            // A branch that does more than set the exporter.
            "let p = if c { p.with_exporter(a()).with_trace_config(t) } else { p.with_exporter(b()) };",
            // The condition reads the pipeline.
            "let p = if p.ok() { p.with_exporter(a()) } else { p.with_exporter(b()) };",
            // A branch keeps the pipeline as it is.
            "let p = if c { p.with_exporter(a()) } else { p };",
            // Another local's pipeline, or another name bound.
            "let p = if c { q.with_exporter(a()) } else { q.with_exporter(b()) };",
            "let q = if c { p.with_exporter(a()) } else { p.with_exporter(b()) };",
            // Not a choice.
            "let p = p.with_exporter(a());",
        ];
        for s in not_followed {
            assert!(branch_exporters(&stmt(s), "p").is_none(), "{s}");
        }
    }
}
