//! Private functions that create an old OTLP metrics or logs pipeline and return it for the
//! caller to finish (`fn metrics() -> OtlpMetricPipeline<Tokio, MetricsExporterBuilder> {
//! new_pipeline().metrics(Tokio).with_exporter(..) }` then `metrics().build()`, issue 15 shape
//! 5), rewritten with every caller of the file, as `pipeline_creator` does for traces.
//!
//! What each old signature becomes on 0.27 (the pipeline types have no successor; the nameable
//! place its settings now gather is the SDK's provider builder):
//! - a creator `fn f(..) -> OtlpMetricPipeline<RT, EB>` → `fn f(..) ->
//!   Result<MeterProviderBuilder, MetricError>`: the exporter is built inside with `?`, the
//!   `PeriodicReader` (interval, timeout, runtime) made from it and handed to the provider
//!   builder with the resource; each `f(..).build()` becomes `f(..).map(|builder|
//!   builder.build())`, the same `Result<SdkMeterProvider, _>` (otlp ≤ 0.16, whose `build()` also
//!   set the global provider: the registration goes into that closure);
//! - a creator `fn f(..) -> OtlpLogPipeline<EB>` → `fn f(..) -> Result<logs::Builder, LogError>`,
//!   its callers' `install_batch(rt)` / `install_simple()` (all alike) moving inside as
//!   `with_batch_exporter(exporter, rt)` / `with_simple_exporter(exporter)`; otlp 0.16+ only
//!   (0.14's install returned a `Logger` 0.27 has no way to give back);
//! - a customizer (`fn c(p: OtlpMetricPipeline<..>) -> OtlpMetricPipeline<..>`) is
//!   `otel::otlp_customizer`'s: one that only sets the resource takes and returns the provider
//!   builder; one whose options go on other 0.27 builders (reader, exporter, log processor) keeps
//!   its finding, which names them (`pipeline_signature`).
//!
//! Only what one file proves: a free function without `pub` in a file that declares no module in
//! another file, no generics, not `async`, no pipeline parameter, its body ending in the
//! pipeline head (no terminal call); every mention of its name a call finished right after,
//! all alike, and the pipeline readable with that terminal. Anything else keeps the signature's
//! finding.

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::syntax::{ident_str, range_of, text_of, ParsedRust};
use crate::otel::chain::{count_ident, Chain, Link};
use crate::otel::exporter::Signal;
use crate::otel::exporter_helper::private_free_function;
use crate::otel::imports::{ImportPlan, ImportPlans};
use crate::otel::ledger::otlp as ledger;

use super::otlp_sites::{PipelineModel, SiteRewrite};
use super::parts::{register_call, ProviderParts};
use super::pipeline_creator::{builder_built, calls_then, creator_shape, replace_creator_body};
use super::statement::fresh;

/// A function creating the pipeline, read with the terminal its callers finish it with.
struct Creator<'a, M> {
    item: &'a syn::ItemFn,
    /// The old return type.
    ret: TextRange,
    /// The body's last expression (the pipeline head).
    tail: &'a syn::Expr,
    /// `name(args)` of every call, and the terminal right after it.
    calls: Vec<(&'a syn::ExprCall, Link<'a>)>,
    pipeline: M,
}

/// Rewrites the file's creators of `R`'s pipeline (of `signal`) and their calls into `out`;
/// `yields_provider`: the old terminal returned the provider (else no creator is rewritten).
/// Returns the signatures rewritten (their findings are this rewrite's business).
pub fn rewrite_otlp_creators<'c, R: SiteRewrite>(
    rust: ParsedRust<'c>,
    rewrite: &R,
    (signal, yields_provider): (Signal, bool),
    out: &mut Changes,
    plans: &mut ImportPlans<'c>,
) -> Vec<TextRange> {
    if !yields_provider {
        return Vec::new();
    }
    let mut signatures = Vec::new();
    for f in top_level_fns(rust.syntax) {
        let Some(c) = creator::<R>(rust, rewrite, signal, f) else {
            continue;
        };
        rewrite_creator(rust, rewrite, signal, &c, out, plans);
        signatures.push(range_of(rust.file, &f.sig));
    }
    if !signatures.is_empty() {
        let mut cleanup = ImportPlan::at(rust.file, rust.syntax, 0);
        cleanup.remove_if_unused(&format!(
            "opentelemetry_otlp::{}",
            signal.old_pipeline_type()
        ));
        plans.add(cleanup);
    }
    signatures
}

fn top_level_fns(file: &syn::File) -> impl Iterator<Item = &syn::ItemFn> {
    file.items.iter().filter_map(|i| match i {
        syn::Item::Fn(f) => Some(f),
        _ => None,
    })
}

fn creator<'a, R: SiteRewrite>(
    rust: ParsedRust<'a>,
    rewrite: &R,
    signal: Signal,
    f: &'a syn::ItemFn,
) -> Option<Creator<'a, R::Model>> {
    let name = ident_str(&f.sig.ident);
    if !std::ptr::eq(private_free_function(rust, &name)?, f) {
        return None;
    }
    let (ret, tail) = creator_shape(rust, f, signal)?;
    let head = Chain::read(tail);
    let terminals = <R::Model as PipelineModel>::TERMINALS;
    let finished = head
        .links
        .iter()
        .any(|l| terminals.contains(&l.name.as_str()));
    if finished || !R::Model::is_head(rust.imports, &head) {
        return None;
    }
    // Every mention but the definition is a call finished right after, all alike (the
    // terminal's arguments move into the function).
    let calls = calls_then(rust.syntax, &name, false, terminals);
    let terminal = |l: &Link<'_>| (l.name.clone(), l.args_text(rust.file).trim().to_string());
    let first = terminal(&calls.first()?.1);
    if calls.iter().any(|(_, t)| terminal(t) != first)
        || calls.len() + 1 != count_ident(rust.syntax, &name)
    {
        return None;
    }
    let mut links = head.links.clone();
    links.push(calls[0].1.clone());
    let chain = Chain {
        root: head.root,
        links,
    };
    // A pipeline the model cannot read keeps the signature's finding (its notes are dropped).
    let (pipeline, notes) = R::Model::parse(rust, &chain, rewrite.helpers()).ok()?;
    notes.is_empty().then_some(Creator {
        item: f,
        ret,
        tail,
        calls,
        pipeline,
    })
}

fn rewrite_creator<'c, R: SiteRewrite>(
    rust: ParsedRust<'c>,
    rewrite: &R,
    signal: Signal,
    c: &Creator<'_, R::Model>,
    out: &mut Changes,
    plans: &mut ImportPlans<'c>,
) {
    let file = rust.file;
    let le = file.line_ending.as_str();
    let p = &c.pipeline;
    let tail = range_of(file, c.tail);
    let mut names = ImportPlan::at(file, rust.syntax, tail.start);
    out.ledger.push(ledger::rewritten(
        rust,
        tail,
        p,
        rewrite.register().is_some(),
    ));
    let exporter = p
        .exporter_local()
        .map(str::to_string)
        // The local lives in the function alone.
        .unwrap_or_else(|| fresh("exporter", text_of(file, c.item), ""));
    let lead = p.comments().to_vec();
    let creator = (signal, c.ret, tail);
    replace_creator_body(file, p, creator, (&exporter, lead), &mut names, out);
    plans.add(names);
    for (call, terminal) in &c.calls {
        let at = range_of(file, *call).start;
        let mut names = ImportPlan::at(file, rust.syntax, at);
        let register = rewrite.register().map(|f| register_call(&mut names, f));
        let site = TextRange::new(
            terminal.name_range(file).start,
            range_of(file, terminal.call).end,
        );
        let text = builder_built(register.as_deref(), None, file.indent_at(at), le);
        out.replace(site, text);
        plans.add(names);
    }
}
