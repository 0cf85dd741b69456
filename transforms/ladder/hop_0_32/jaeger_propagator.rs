//! # hop-0-32-jaeger-propagator
//!
//! ## What it does
//! With `--to 0.32` or newer and the user's decision `jaeger-propagator = "trace-context"` in
//! otel-migrate.toml: `opentelemetry_jaeger_propagator::Propagator::new()` (deprecated in 0.32,
//! gone in 0.33) → `opentelemetry_sdk::propagation::TraceContextPropagator::new()`
//! (otel-ladder.md §3.5 item 5, §3.6 item 10), with a `warning` that the wire format changes
//! (`traceparent`, not `uber-trace-id`). Without the decision, `hop-0-32-removed-items` reports
//! the site with both options.
//!
//! ## Before
//! ```rust,ignore
//! global::set_text_map_propagator(opentelemetry_jaeger_propagator::Propagator::new());
//! ```
//!
//! ## After
//! ```rust,ignore
//! global::set_text_map_propagator(TraceContextPropagator::new());
//! ```
//!
//! ## Not rewritten
//! - Any other use of the Jaeger `Propagator` (a type annotation, `with_custom_header`): reported
//!   by `hop-0-32-removed-items`.
//! - Runs without the config decision.
//!
//! ## Safety
//! The type changes but both are `TextMapPropagator`s, which is what every setter takes. The
//! wire format changes, on purpose (the user's decision): said at the site.

use syn::visit::Visit;

use crate::engine::config::Config;
use crate::engine::context::PackageInfo;
use crate::engine::finding::Severity;
use crate::engine::syntax::{range_of, ParsedRust};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::imports::ImportPlan;
use crate::otel::ladder::JAEGER_TRACE_CONTEXT;

pub struct JaegerPropagator;

const OLD: &[&str] = &["opentelemetry_jaeger_propagator", "Propagator", "new"];
const OLD_TYPE: &str = "opentelemetry_jaeger_propagator::Propagator";
const NEW_TYPE: &str = "opentelemetry_sdk::propagation::TraceContextPropagator";

impl Transform for JaegerPropagator {
    fn id(&self) -> &'static str {
        "hop-0-32-jaeger-propagator"
    }

    fn description(&self) -> &'static str {
        "hop 0.31 → 0.32, with jaeger-propagator = \"trace-context\": Jaeger Propagator::new() → TraceContextPropagator::new()"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn needles(&self) -> &'static [&'static str] {
        &["Propagator"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_jaeger_propagator"]
    }

    fn enabled_by(&self, config: &Config) -> bool {
        super::super::reaches(config, 32)
            && config.jaeger_propagator.as_deref() == Some(JAEGER_TRACE_CONTEXT)
    }

    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        super::super::package_below(package, 32)
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut plan = ImportPlan::at(cx.file, rust.syntax, 0);
        let mut v = Calls {
            rust: &rust,
            sites: Vec::new(),
        };
        v.visit_file(rust.syntax);
        for site in v.sites {
            let name = plan.name(NEW_TYPE);
            out.replace(site, format!("{name}::new()"));
            out.finding(
                site,
                Severity::Warning,
                "the Jaeger propagator became the W3C trace-context propagator (the config's `jaeger-propagator = \"trace-context\"`): the wire format changes from `uber-trace-id` to `traceparent`",
                "deploy together with every service this one talks to, or keep accepting `uber-trace-id` at the edge",
            );
        }
        plan.remove_if_unused(OLD_TYPE);
        plan.finish(&mut out);
        out
    }
}

struct Calls<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    sites: Vec<crate::engine::edit::TextRange>,
}

impl<'ast> Visit<'ast> for Calls<'_, '_> {
    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*call.func {
            if call.args.is_empty() && self.rust.imports.is(&p.path, OLD) {
                self.sites.push(range_of(self.rust.file, call));
                return;
            }
        }
        syn::visit::visit_expr_call(self, call);
    }
}
