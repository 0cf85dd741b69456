//! `DefaultAggregationSelector` (removed in opentelemetry_sdk 0.26) asked for one instrument
//! kind's aggregation outside a selector impl: `DefaultAggregationSelector::new().aggregation(
//! InstrumentKind::Counter)`, or a local holding the selector queried that way. The answer was
//! a constant per kind (the same in 0.21–0.25), so each query becomes that `Aggregation` value
//! and the local goes; a local used any other way (handed on, queried with a variable kind)
//! stays for `residue` to report.

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::edit::{Edit, TextRange};
use crate::engine::item_edit::line_extent;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, range_of, ImportMap};

use super::imports::ImportPlan;
use super::user_selector::{selector_type_path, KINDS};

/// `DefaultAggregationSelector`'s path.
pub const DEFAULT_SELECTOR: &[&str] = &[
    "opentelemetry_sdk",
    "metrics",
    "reader",
    "DefaultAggregationSelector",
];
const INSTRUMENT_KIND: &[&str] = &["opentelemetry_sdk", "metrics", "InstrumentKind"];

/// The explicit-bucket boundaries of the default histogram aggregation (0.21 … 0.27).
pub const DEFAULT_BOUNDARIES: [f64; 15] = [
    0.0, 5.0, 10.0, 25.0, 50.0, 75.0, 100.0, 250.0, 500.0, 750.0, 1000.0, 2500.0, 5000.0, 7500.0,
    10000.0,
];

/// The default selector's answer for `kind` (one of [`KINDS`]), `aggregation` being how the
/// site names `opentelemetry_sdk::metrics::Aggregation`.
fn default_for(kind: &str, aggregation: &str) -> String {
    match kind {
        "Gauge" | "ObservableGauge" => format!("{aggregation}::LastValue"),
        "Histogram" => {
            let bounds: Vec<String> = DEFAULT_BOUNDARIES
                .iter()
                .map(|b| format!("{b:?}"))
                .collect();
            format!(
                "{aggregation}::ExplicitBucketHistogram {{ boundaries: vec![{}], record_min_max: true }}",
                bounds.join(", ")
            )
        }
        _ => format!("{aggregation}::Sum"),
    }
}

/// `.aggregation(InstrumentKind::K)` on `receiver`-matching calls: the kind `K`.
fn constant_kind(call: &syn::ExprMethodCall, imports: &ImportMap) -> Option<&'static str> {
    if call.method != "aggregation" || call.args.len() != 1 {
        return None;
    }
    let syn::Expr::Path(p) = &call.args[0] else {
        return None;
    };
    let last = ident_str(&p.path.segments.last()?.ident);
    let kind = KINDS.iter().find(|k| **k == last)?;
    let mut full = INSTRUMENT_KIND.to_vec();
    full.push(kind);
    imports.is(&p.path, &full).then_some(*kind)
}

fn is_default_selector(expr: &syn::Expr, imports: &ImportMap) -> bool {
    matches!(expr, syn::Expr::Call(c) if c.args.is_empty())
        && selector_type_path(expr).is_some_and(|p| imports.is(&p, DEFAULT_SELECTOR))
}

/// Rewrites every query of the default selector in the file outside `skipped` (selector impls
/// another rewrite owns). Returns whether anything changed.
pub fn rewrite_queries(
    out: &mut Changes,
    file: &SourceFile,
    syntax: &syn::File,
    imports: &ImportMap,
    plan: &mut ImportPlan<'_>,
    sdk: &str,
    skipped: &[TextRange],
) -> bool {
    let mut finder = Queries {
        file,
        imports,
        skipped,
        direct: Vec::new(),
        locals: Vec::new(),
    };
    finder.visit_file(syntax);
    if finder.direct.is_empty() && finder.locals.is_empty() {
        return false;
    }
    let aggregation = plan.name(&format!("{sdk}::metrics::Aggregation"));
    for (range, kind) in finder.direct {
        out.replace(range, default_for(kind, &aggregation));
    }
    for local in finder.locals {
        out.edit(Edit::delete(line_extent(file, local.stmt)));
        for (range, kind) in local.queries {
            out.replace(range, default_for(kind, &aggregation));
        }
    }
    true
}

/// `let name = DefaultAggregationSelector::new();` whose every later use is a constant query.
struct Local {
    stmt: TextRange,
    queries: Vec<(TextRange, &'static str)>,
}

struct Queries<'a> {
    file: &'a SourceFile,
    imports: &'a ImportMap,
    skipped: &'a [TextRange],
    direct: Vec<(TextRange, &'static str)>,
    locals: Vec<Local>,
}

impl<'ast> Visit<'ast> for Queries<'_> {
    fn visit_item_impl(&mut self, imp: &'ast syn::ItemImpl) {
        let r = range_of(self.file, imp);
        if !self.skipped.iter().any(|s| s.contains_range(r)) {
            syn::visit::visit_item_impl(self, imp);
        }
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if let Some(kind) = constant_kind(call, self.imports) {
            if is_default_selector(&call.receiver, self.imports) {
                self.direct.push((range_of(self.file, call), kind));
                return;
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        for (i, stmt) in block.stmts.iter().enumerate() {
            let syn::Stmt::Local(local) = stmt else {
                continue;
            };
            let (syn::Pat::Ident(name), Some(init)) = (&local.pat, &local.init) else {
                continue;
            };
            if name.by_ref.is_some() || init.diverge.is_some() {
                continue;
            }
            if !is_default_selector(&init.expr, self.imports) {
                continue;
            }
            let name = ident_str(&name.ident);
            let mut uses = Uses {
                file: self.file,
                imports: self.imports,
                name: &name,
                queries: Vec::new(),
                other: false,
            };
            for later in &block.stmts[i + 1..] {
                uses.visit_stmt(later);
            }
            if !uses.other && !uses.queries.is_empty() {
                self.locals.push(Local {
                    stmt: range_of(self.file, stmt),
                    queries: uses.queries,
                });
            }
        }
        syn::visit::visit_block(self, block);
    }
}

/// Uses of a local after its `let`: constant queries, or anything else (including a shadowing
/// binding of the same name, after which the name means something else).
struct Uses<'a> {
    file: &'a SourceFile,
    imports: &'a ImportMap,
    name: &'a str,
    queries: Vec<(TextRange, &'static str)>,
    other: bool,
}

impl<'ast> Visit<'ast> for Uses<'_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let on_local = matches!(&*call.receiver, syn::Expr::Path(p)
            if p.qself.is_none() && p.path.get_ident().is_some_and(|i| i == self.name));
        if on_local {
            match constant_kind(call, self.imports) {
                Some(kind) => self.queries.push((range_of(self.file, call), kind)),
                None => self.other = true,
            }
            return;
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_ident(&mut self, ident: &'ast proc_macro2::Ident) {
        if ident == self.name {
            self.other = true;
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // A macro body is opaque: a mention there is a use this module does not read.
        if crate::engine::syntax::tokens_mention(&mac.tokens, &[self.name]) {
            self.other = true;
        }
    }
}
