//! # hop-0-33-typestate-default
//!
//! ## What it does
//! With `--to 0.33`: 0.33 removed the `Default` of the OTLP exporter builders' typestates
//! (otel-ladder.md §3.6 item 4). `SpanExporterBuilder::<TonicExporterBuilderSet>::default()`
//! becomes `SpanExporter::builder().with_tonic()` (and likewise for `MetricExporterBuilder`,
//! `LogExporterBuilder`, and `HttpExporterBuilderSet` → `.with_http()`).
//!
//! ## Before
//! ```rust,ignore
//! let exporter = SpanExporterBuilder::<TonicExporterBuilderSet>::default()
//!     .with_endpoint("http://collector:4317")
//!     .build()?;
//! ```
//!
//! ## After
//! ```rust,ignore
//! let exporter = SpanExporter::builder().with_tonic()
//!     .with_endpoint("http://collector:4317")
//!     .build()?;
//! ```
//!
//! ## Not rewritten
//! - `Default::default()` with the builder type written elsewhere (a `let` type, a field):
//!   the compiler names it (`the trait bound … Default is not satisfied`).
//! - Builders in the `NoExporterBuilderSet` state (`SpanExporterBuilder::default()`): write
//!   `SpanExporter::builder()`.
//!
//! ## Safety
//! `builder().with_tonic()` is the builder `default()` gave: same transport, default settings.

use syn::visit::Visit;

use crate::engine::syntax::{range_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::imports::ImportPlan;

pub struct TypestateDefault;

/// The builder type, the exporter whose `builder()` replaces it.
const BUILDERS: &[(&str, &str)] = &[
    ("SpanExporterBuilder", "SpanExporter"),
    ("MetricExporterBuilder", "MetricExporter"),
    ("LogExporterBuilder", "LogExporter"),
];
/// The transport typestate, the method that selects it.
const TRANSPORTS: &[(&str, &str)] = &[
    ("TonicExporterBuilderSet", "with_tonic"),
    ("HttpExporterBuilderSet", "with_http"),
];

impl Transform for TypestateDefault {
    fn id(&self) -> &'static str {
        "hop-0-33-typestate-default"
    }

    fn description(&self) -> &'static str {
        "hop 0.32 → 0.33: SpanExporterBuilder::<TonicExporterBuilderSet>::default() → SpanExporter::builder().with_tonic()"
    }

    super::super::hop_gate!(33);

    fn needles(&self) -> &'static [&'static str] {
        &["ExporterBuilderSet"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_otlp"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut plan = ImportPlan::at(cx.file, rust.syntax, 0);
        let mut calls = Calls {
            rust: &rust,
            plan: &mut plan,
            out: &mut out,
        };
        calls.visit_file(rust.syntax);
        for (builder, _) in BUILDERS {
            plan.remove_if_unused(&format!("opentelemetry_otlp::{builder}"));
        }
        for (set, _) in TRANSPORTS {
            plan.remove_if_unused(&format!("opentelemetry_otlp::{set}"));
        }
        plan.finish(&mut out);
        out
    }
}

struct Calls<'a, 'p, 'f> {
    rust: &'a ParsedRust<'f>,
    plan: &'a mut ImportPlan<'p>,
    out: &'a mut Outcome,
}

impl Calls<'_, '_, '_> {
    /// `XExporterBuilder::<Set>::default()`: the exporter and the transport method.
    fn typestate_default(&self, call: &syn::ExprCall) -> Option<(&'static str, &'static str)> {
        let syn::Expr::Path(f) = &*call.func else {
            return None;
        };
        if f.qself.is_some() || !call.args.is_empty() {
            return None;
        }
        let [.., ty, default] = f.path.segments.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        if default.ident != "default" {
            return None;
        }
        let syn::PathArguments::AngleBracketed(args) = &ty.arguments else {
            return None;
        };
        let [syn::GenericArgument::Type(syn::Type::Path(set))] =
            args.args.iter().collect::<Vec<_>>()[..]
        else {
            return None;
        };
        // The builder's own path, without `::default` and the turbofish.
        let mut builder = f.path.clone();
        builder.segments.pop();
        builder.segments.pop_punct();
        if let Some(last) = builder.segments.last_mut() {
            last.arguments = syn::PathArguments::None;
        }
        let exporter = BUILDERS.iter().find_map(|(b, e)| {
            self.rust
                .imports
                .is(&builder, &["opentelemetry_otlp", b])
                .then_some(*e)
        })?;
        let method = TRANSPORTS.iter().find_map(|(s, m)| {
            self.rust
                .imports
                .is(&set.path, &["opentelemetry_otlp", s])
                .then_some(*m)
        })?;
        Some((exporter, method))
    }
}

impl<'ast> Visit<'ast> for Calls<'_, '_, '_> {
    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let Some((exporter, method)) = self.typestate_default(call) {
            let name = self.plan.name(&format!("opentelemetry_otlp::{exporter}"));
            self.out.replace(
                range_of(self.rust.file, call),
                format!("{name}::builder().{method}()"),
            );
        }
        syn::visit::visit_expr_call(self, call);
    }
}
