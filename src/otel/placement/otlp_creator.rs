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
//! all alike, and the pipeline readable with that terminal. The same for a creator other files
//! or members call, from the workspace facts (`transforms/signature_facts.rs`): its file
//! rewrites it finished as every caller finishes it, and each caller's file its calls.
//! Anything else keeps the signature's finding.

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::syntax::{ident_str, range_of, text_of, ParsedRust};
use crate::otel::chain::{count_ident, Chain, Link};
use crate::otel::exporter::Signal;
use crate::otel::exporter_helper::{private_free_function, top_level_fn, PackageHelpers};
use crate::otel::imports::{ImportPlan, ImportPlans};
use crate::otel::ledger::otlp as ledger;
use crate::otel::trace::InstalledAs;

use super::otlp_sites::{PipelineModel, SiteRewrite};
use super::parts::{register_call, ProviderParts};
use super::pipeline_creator::{
    builder_built, calls_then, creator_shape, replace_creator_body, replace_terminal,
    rewrite_finishes_elsewhere,
};
use super::statement::fresh;

/// A function creating the pipeline, with how its callers finish it.
struct Creator<'a> {
    item: &'a syn::ItemFn,
    /// The old return type.
    ret: TextRange,
    /// The body's last expression (the pipeline head).
    tail: &'a syn::Expr,
    /// The pipeline head (no terminal call).
    head: Chain<'a>,
    /// `name(args)` of every call of this file, and the terminal right after it (none when
    /// the callers are other files': they rewrite their calls).
    calls: Vec<(&'a syn::ExprCall, Link<'a>)>,
    /// How callers in other files finish it.
    finished_elsewhere: Option<InstalledAs>,
}

impl<'a> Creator<'a> {
    /// The pipeline finished as its callers finish it, when `M` reads it whole (no note);
    /// a runtime it names from the callers is named here through `names`.
    fn read<M: PipelineModel>(
        &self,
        rust: ParsedRust<'_>,
        helpers: &PackageHelpers,
        names: &mut ImportPlan<'_>,
    ) -> Option<M> {
        let parsed = match &self.finished_elsewhere {
            Some(finish) => M::parse_finished_elsewhere(rust, &self.head, helpers, finish, names),
            None => {
                let mut chain = self.head.clone();
                chain.links.push(self.calls.first()?.1.clone());
                M::parse(rust, &chain, helpers)
            }
        };
        let (pipeline, notes) = parsed.ok()?;
        notes.is_empty().then_some(pipeline)
    }
}

/// Rewrites the file's creators of `R`'s pipeline (of `signal`) and their calls into `out`,
/// with `elsewhere`: the creators of this file the workspace facts follow (their callers in
/// other files finish them as said); none when the old terminal did not return the provider.
/// Returns the signatures rewritten (their findings are this rewrite's business).
pub fn rewrite_otlp_creators<'c, R: SiteRewrite>(
    rust: ParsedRust<'c>,
    rewrite: &R,
    signal: Signal,
    elsewhere: &[(String, InstalledAs)],
    out: &mut Changes,
    plans: &mut ImportPlans<'c>,
) -> Vec<TextRange> {
    if !rewrite.yields_provider() {
        return Vec::new();
    }
    let mut signatures = Vec::new();
    let own = top_level_fns(rust.syntax).filter_map(|f| creator::<R>(rust, rewrite, signal, f));
    let followed = elsewhere.iter().filter_map(|(name, finish)| {
        creator_finished_elsewhere::<R>(rust, rewrite, signal, name, finish)
    });
    for c in own.chain(followed).collect::<Vec<_>>() {
        rewrite_creator(rust, rewrite, signal, &c, out, plans);
        signatures.push(range_of(rust.file, &c.item.sig));
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
) -> Option<Creator<'a>> {
    let name = ident_str(&f.sig.ident);
    if !std::ptr::eq(private_free_function(rust, &name)?, f) {
        return None;
    }
    let mut c = creator_form::<R::Model>(rust, signal, f)?;
    // Every mention but the definition is a call finished right after, all alike (the
    // terminal's arguments move into the function).
    let terminals = <R::Model as PipelineModel>::TERMINALS;
    let calls = calls_then(rust.syntax, &name, false, terminals);
    let terminal = |l: &Link<'_>| (l.name.clone(), l.args_text(rust.file).trim().to_string());
    let first = terminal(&calls.first()?.1);
    if calls.iter().any(|(_, t)| terminal(t) != first)
        || calls.len() + 1 != count_ident(rust.syntax, &name)
    {
        return None;
    }
    c.calls = calls;
    // A pipeline the model cannot read keeps the signature's finding (its notes are dropped).
    let mut names = ImportPlan::at(rust.file, rust.syntax, 0);
    c.read::<R::Model>(rust, rewrite.helpers(), &mut names)?;
    Some(c)
}

/// The free function `name` at the top of the file, creating the pipeline its callers in
/// other files finish as `finish` (the workspace facts checked them), when `R`'s model reads
/// its pipeline finished that way.
fn creator_finished_elsewhere<'a, R: SiteRewrite>(
    rust: ParsedRust<'a>,
    rewrite: &R,
    signal: Signal,
    name: &str,
    finish: &InstalledAs,
) -> Option<Creator<'a>> {
    let mut c = creator_form::<R::Model>(rust, signal, top_level_fn(rust.syntax, name)?)?;
    c.finished_elsewhere = Some(finish.clone());
    let mut names = ImportPlan::at(rust.file, rust.syntax, 0);
    c.read::<R::Model>(rust, rewrite.helpers(), &mut names)?;
    Some(c)
}

/// Whether the file's free function `name` creates `R`'s pipeline of `signal` and `R`'s model
/// reads it finished as `finish` (a dry run for the workspace facts; callers not checked).
pub fn finishes_elsewhere<R: SiteRewrite>(
    rust: ParsedRust<'_>,
    rewrite: &R,
    signal: Signal,
    (name, finish): (&str, &InstalledAs),
) -> bool {
    rewrite.yields_provider()
        && creator_finished_elsewhere(rust, rewrite, signal, name, finish).is_some()
}

/// `f` shaped like a creator of `M`'s pipeline (of `signal`), its body ending in the pipeline
/// head without a terminal call; its callers not checked.
fn creator_form<'a, M: PipelineModel>(
    rust: ParsedRust<'a>,
    signal: Signal,
    f: &'a syn::ItemFn,
) -> Option<Creator<'a>> {
    let (ret, tail) = creator_shape(rust, f, signal)?;
    let head = Chain::read(tail);
    let finished = head
        .links
        .iter()
        .any(|l| M::TERMINALS.contains(&l.name.as_str()));
    if finished || !M::is_head(rust.imports, &head) {
        return None;
    }
    Some(Creator {
        item: f,
        ret,
        tail,
        head,
        calls: Vec::new(),
        finished_elsewhere: None,
    })
}

fn rewrite_creator<'c, R: SiteRewrite>(
    rust: ParsedRust<'c>,
    rewrite: &R,
    signal: Signal,
    c: &Creator<'_>,
    out: &mut Changes,
    plans: &mut ImportPlans<'c>,
) {
    let file = rust.file;
    let tail = range_of(file, c.tail);
    let mut names = ImportPlan::at(file, rust.syntax, tail.start);
    let Some(p) = c.read::<R::Model>(rust, rewrite.helpers(), &mut names) else {
        return;
    };
    out.ledger.push(ledger::rewritten(
        rust,
        tail,
        &p,
        rewrite.register().is_some(),
    ));
    let exporter = p
        .exporter_local()
        .map(str::to_string)
        // The local lives in the function alone.
        .unwrap_or_else(|| fresh("exporter", text_of(file, c.item), ""));
    let lead = p.comments().to_vec();
    let creator = (signal, c.ret, tail);
    replace_creator_body(file, &p, creator, (&exporter, lead), &mut names, out);
    plans.add(names);
    for (call, terminal) in &c.calls {
        let finish = |names: &mut ImportPlan<'c>, indent: &str, le: &str| {
            let register = rewrite.register().map(|f| register_call(names, f));
            builder_built(register.as_deref(), None, indent, names.indent_unit(), le)
        };
        replace_terminal(rust, (call, terminal), finish, out, plans);
    }
}

/// The calls in this file of the creators of `R`'s pipeline the workspace facts follow from
/// other files (each with the opentelemetry-otlp version of its own package, whose pipeline
/// the callers finished): `name(..).build()` / `.install_batch(rt)` → `name(..).map(|builder|
/// builder.build())`, with the global registration the old `build()` made (`register` of that
/// version).
pub fn rewrite_calls_of_otlp_creators_elsewhere<'c, R: SiteRewrite>(
    rust: ParsedRust<'c>,
    creators: &[(String, Option<semver::Version>)],
    register: impl Fn(Option<&semver::Version>) -> Option<&'static str>,
    out: &mut Changes,
    plans: &mut ImportPlans<'c>,
) {
    let terminals = <R::Model as PipelineModel>::TERMINALS;
    let finish = |_: &Link<'_>, version: Option<&semver::Version>| {
        let register = register(version);
        move |names: &mut ImportPlan<'c>, indent: &str, le: &str| {
            let register = register.map(|f| register_call(names, f));
            builder_built(register.as_deref(), None, indent, names.indent_unit(), le)
        }
    };
    rewrite_finishes_elsewhere(rust, (creators, terminals), finish, out, plans);
}
