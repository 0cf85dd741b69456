//! # hop-0-31-metrics-layer
//!
//! ## What it does
//! With `--to 0.31` or newer: tracing-opentelemetry 0.32's `MetricsLayer` takes the meter
//! provider's type as a second parameter (otel-ladder.md §3.4 item 3).
//! `tracing_opentelemetry::MetricsLayer<S>` (wherever a path resolves to it) becomes
//! `MetricsLayer<S, SdkMeterProvider>` (`opentelemetry_sdk::metrics::SdkMeterProvider`, imported
//! through the import editor).
//!
//! ## Before
//! ```rust,ignore
//! fn metrics_layer<S>(mp: SdkMeterProvider) -> tracing_opentelemetry::MetricsLayer<S> { MetricsLayer::new(mp) }
//! ```
//!
//! ## After
//! ```rust,ignore
//! fn metrics_layer<S>(mp: SdkMeterProvider) -> tracing_opentelemetry::MetricsLayer<S, SdkMeterProvider> { MetricsLayer::new(mp) }
//! ```
//!
//! ## Not rewritten
//! - `MetricsLayer` without generic arguments (`MetricsLayer::new(mp)`: inferred) or with two.
//! - Packages already on 0.31 or newer, and runs without `--to 0.31+`.
//!
//! ## Safety
//! `MetricsLayer::new(mp)` with the SDK's provider is a `MetricsLayer<S, SdkMeterProvider>`:
//! the type written is the type built. A layer built on another provider type does not compile
//! (the compiler names it).

use syn::visit::Visit;

use crate::engine::syntax::{range_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::imports::ImportPlan;

pub struct MetricsLayer;

const LAYER: &[&str] = &["tracing_opentelemetry", "MetricsLayer"];
const PROVIDER: &str = "opentelemetry_sdk::metrics::SdkMeterProvider";

impl Transform for MetricsLayer {
    fn id(&self) -> &'static str {
        "hop-0-31-metrics-layer"
    }

    fn description(&self) -> &'static str {
        "hop 0.30 → 0.31: tracing_opentelemetry::MetricsLayer<S> → MetricsLayer<S, SdkMeterProvider>"
    }

    super::super::hop_gate!(31);

    fn needles(&self) -> &'static [&'static str] {
        &["MetricsLayer<"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["tracing_opentelemetry"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut plan = ImportPlan::at(cx.file, rust.syntax, 0);
        let mut v = Types {
            rust: &rust,
            ends: Vec::new(),
        };
        v.visit_file(rust.syntax);
        for end in v.ends {
            let provider = plan.name(PROVIDER);
            out.edit(crate::engine::edit::Edit::insert(
                end,
                format!(", {provider}"),
            ));
        }
        plan.finish(&mut out);
        out
    }
}

struct Types<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    /// Where the second argument goes: after the only one.
    ends: Vec<usize>,
}

impl<'ast> Visit<'ast> for Types<'_, '_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if let Some(last) = path.segments.last() {
            if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                let mut ty = path.clone();
                if let Some(mut l) = ty.segments.pop() {
                    l.value_mut().arguments = syn::PathArguments::None;
                    ty.segments.push(l.into_value());
                }
                if args.args.len() == 1 && self.rust.imports.is(&ty, LAYER) {
                    let only = args.args.first().expect("one argument");
                    self.ends.push(range_of(self.rust.file, only).end);
                }
            }
        }
        syn::visit::visit_path(self, path);
    }
}
