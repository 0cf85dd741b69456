//! Private functions that take an old OTLP metrics or logs pipeline and return it with options
//! that all go on the 0.27 provider builder (`fn with_resource(p: OtlpMetricPipeline<..>) ->
//! OtlpMetricPipeline<..> { p.with_resource(res()) }`, issue 15 shape 5), rewritten with every
//! caller of the file: the function takes and returns `MeterProviderBuilder` (logs:
//! `opentelemetry_sdk::logs::Builder`), whose `with_resource` reads the same, and each call
//! site (`placement::otlp_sites`) builds the provider builder, hands it through the function and
//! builds the result.
//!
//! A customizer setting options that go elsewhere on 0.27 (the reader's interval, the
//! exporter's temporality, the logs batch config) keeps its finding, which names the builder
//! each option now goes on, or the split when they differ (`pipeline_signature`).
//!
//! Only what one file proves, as for traces (`pipeline_customizer`): a free function at the top
//! of the file without `pub` in a file that declares no module in another file, no generics,
//! not `async`, one pipeline parameter used once, a body that is only `<param>.with_resource(..)`
//! links; every mention of its name a call the site rewrite took through it (`settle`).

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::syntax::{ident_str, range_of, ParsedRust};

use super::chain::count_ident;
use super::exporter::Signal;
use super::exporter_helper::private_free_function;
use super::imports::{ImportPlan, ImportPlans};
use super::pipeline_customizer::settle;
use super::pipeline_signature::{customizer_options, pipeline_types_in, Role};
use super::placement::otlp_sites::{rewrite_sites, SiteRewrite};

/// A function a metrics or logs pipeline passes through before its terminal call.
pub struct OtlpCustomizer<'a> {
    pub name: String,
    /// The index of the pipeline parameter.
    pub param: usize,
    item: &'a syn::ItemFn,
    /// The old pipeline types of the signature (parameter and return).
    types: Vec<TextRange>,
}

impl OtlpCustomizer<'_> {
    /// Its name and pipeline parameter, as the site rewrite follows it.
    pub fn key(&self) -> (String, usize) {
        (self.name.clone(), self.param)
    }
}

/// The functions of the file of the rewritable form for `signal` (their callers not checked).
pub fn otlp_customizers(rust: ParsedRust<'_>, signal: Signal) -> Vec<OtlpCustomizer<'_>> {
    rust.syntax
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Fn(f) => customizer(rust, signal, f),
            _ => None,
        })
        .collect()
}

fn customizer<'a>(
    rust: ParsedRust<'a>,
    signal: Signal,
    f: &'a syn::ItemFn,
) -> Option<OtlpCustomizer<'a>> {
    let sig = &f.sig;
    let name = ident_str(&sig.ident);
    if !std::ptr::eq(private_free_function(rust, &name)?, f)
        || !sig.generics.params.is_empty()
        || sig.asyncness.is_some()
    {
        return None;
    }
    let found = pipeline_types_in(rust, sig, signal)?;
    let [(param_type, Role::Parameter), (ret, Role::Return)] = found.types.as_slice() else {
        return None;
    };
    let options = customizer_options(rust, sig, *param_type, &f.block)?;
    // `with_resource` is the one provider option both provider builders spell the same.
    if options.iter().any(|o| o != "with_resource") {
        return None;
    }
    let (param, pat) = sig
        .inputs
        .iter()
        .enumerate()
        .find_map(|(i, input)| match input {
            syn::FnArg::Typed(t) if range_of(rust.file, &*t.ty) == *param_type => match &*t.pat {
                syn::Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => {
                    Some((i, ident_str(&p.ident)))
                }
                _ => None,
            },
            _ => None,
        })?;
    (count_ident(&f.block, &pat) == 1).then(|| OtlpCustomizer {
        name,
        param,
        item: f,
        types: vec![*param_type, *ret],
    })
}

/// The candidates of the file every mention of which is a call the site rewrite takes through
/// them: `sites(names)` is the site rewrite with those customizers followed (a dry run).
pub fn settled_customizers<'a, R: SiteRewrite>(
    rust: ParsedRust<'a>,
    signal: Signal,
    sites: impl Fn(Vec<(String, usize)>) -> R,
) -> Vec<OtlpCustomizer<'a>> {
    let candidates = otlp_customizers(rust, signal);
    if candidates.is_empty() {
        return candidates;
    }
    settle(rust, candidates, OtlpCustomizer::key, |names| {
        rewrite_sites(rust, &mut sites(names.to_vec()), &mut Changes::default()).through
    })
}

/// Rewrites settled customizers (every call rewritten through them): the old pipeline types
/// become `signal`'s provider builder. Returns their signatures' ranges.
pub fn rewrite_otlp_customizers<'c>(
    rust: ParsedRust<'c>,
    signal: Signal,
    customizers: &[OtlpCustomizer<'_>],
    out: &mut Changes,
    plans: &mut ImportPlans<'c>,
) -> Vec<TextRange> {
    let mut signatures = Vec::new();
    for c in customizers {
        let at = range_of(rust.file, &c.item.sig);
        let mut names = ImportPlan::at(rust.file, rust.syntax, at.start);
        let builder = names.name(signal.provider_builder_path());
        for range in &c.types {
            out.replace(*range, builder.clone());
        }
        names.remove_if_unused(&format!(
            "opentelemetry_otlp::{}",
            signal.old_pipeline_type()
        ));
        plans.add(names);
        signatures.push(at);
    }
    signatures
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::syntax::with_parsed;

    fn candidates(src: &str) -> Vec<String> {
        let src = format!("use opentelemetry_otlp::OtlpMetricPipeline as P;\n{src}\n");
        with_parsed(&src, |rust| {
            otlp_customizers(rust, Signal::Metric)
                .into_iter()
                .map(|c| c.name)
                .collect()
        })
    }

    #[test]
    fn a_private_resource_setter_is_a_candidate() {
        let src =
            "fn res(n: u8, p: P<A, B>) -> P<A, B> { p.with_resource(r(n)).with_resource(x()) }";
        assert_eq!(candidates(src), vec!["res"]);
    }

    #[test]
    fn near_misses_are_not_candidates() {
        let shapes = [
            // Public; generic; async; a reader option; the pipeline used twice; two statements;
            // creating; another signal's pipeline.
            "pub fn a(p: P<A, B>) -> P<A, B> { p.with_resource(r()) }",
            "fn b<T>(p: P<A, B>) -> P<A, B> { p.with_resource(r()) }",
            "async fn c(p: P<A, B>) -> P<A, B> { p.with_resource(r()) }",
            "fn d(p: P<A, B>) -> P<A, B> { p.with_period(r()) }",
            "fn e(p: P<A, B>) -> P<A, B> { p.with_resource(p.r()) }",
            "fn f(p: P<A, B>) -> P<A, B> { let q = p; q.with_resource(r()) }",
            "fn g() -> P<A, B> { opentelemetry_otlp::new_pipeline().metrics(T) }",
            "fn h(p: opentelemetry_otlp::OtlpLogPipeline<B>) -> opentelemetry_otlp::OtlpLogPipeline<B> { p.with_resource(r()) }",
        ];
        for shape in shapes {
            assert!(candidates(shape).is_empty(), "{shape}");
        }
    }
}
