//! # hop-0-33-scope-info
//!
//! ## What it does
//! With `--to 0.33` or newer: `opentelemetry_prometheus::exporter()….without_scope_info()` →
//! `.scope_info_enabled(false)` (otel-ladder.md §3.6 item 1), with a `note`: 0.33 puts
//! `otel_scope_*` labels on every point by default and has no `otel_scope_info` metric;
//! `scope_info_enabled(false)` drops the labels (0.32's `without_scope_info()` dropped both).
//!
//! ## Before
//! ```rust,ignore
//! opentelemetry_prometheus::exporter().with_registry(registry).without_scope_info().build()?
//! ```
//!
//! ## After
//! ```rust,ignore
//! opentelemetry_prometheus::exporter().with_registry(registry).scope_info_enabled(false).build()?
//! ```
//!
//! ## Not rewritten
//! - `without_scope_info()` on a builder the chain does not start at
//!   `opentelemetry_prometheus::exporter()` (a builder kept in a local): `warning` in a file that
//!   names `opentelemetry_prometheus`, else nothing (another crate's method).
//! - Packages already on 0.33, and runs without `--to 0.33`/`latest`.
//!
//! ## Safety
//! Only the method changes; the exporter built is the same type. The label change is said at
//! the site.

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::syntax::{range_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::chain::Chain;

pub struct ScopeInfo;

const EXPORTER: &[&str] = &["opentelemetry_prometheus", "exporter"];
const LABELS: &str = "0.33's Prometheus exporter puts `otel_scope_{name,version,schema_url,<attr>}` labels on every point and has no `otel_scope_info` metric; `scope_info_enabled(false)` drops the labels";

impl Transform for ScopeInfo {
    fn id(&self) -> &'static str {
        "hop-0-33-scope-info"
    }

    fn description(&self) -> &'static str {
        "hop 0.32 → 0.33: Prometheus exporter().without_scope_info() → .scope_info_enabled(false)"
    }

    super::super::hop_gate!(33);

    fn needles(&self) -> &'static [&'static str] {
        &["without_scope_info"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_prometheus"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut v = Calls {
            rust: &rust,
            out: &mut out,
        };
        v.visit_file(rust.syntax);
        out
    }
}

struct Calls<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Outcome,
}

impl<'ast> Visit<'ast> for Calls<'_, '_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "without_scope_info" && call.args.is_empty() {
            let chain = Chain::read_call(call);
            let from_exporter = chain
                .root_path()
                .is_some_and(|p| self.rust.imports.is(p, EXPORTER));
            let file = self.rust.file;
            let method = range_of(file, &call.method);
            let whole = range_of(file, call);
            let link = TextRange::new(method.start, whole.end);
            if from_exporter {
                self.out.replace(link, "scope_info_enabled(false)");
                self.out.finding(
                    link,
                    Severity::Note,
                    LABELS,
                    "dashboards that read `otel_scope_info` need the labels instead",
                );
            } else if self.rust.file.text.contains("opentelemetry_prometheus") {
                self.out.finding(
                    link,
                    Severity::Warning,
                    "0.33 removed the Prometheus exporter's `without_scope_info()`; this builder does not start at `opentelemetry_prometheus::exporter()` here, so it was not rewritten",
                    "write `.scope_info_enabled(false)`",
                );
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}
