//! # hop-0-28-export-timeouts
//!
//! ## What it does
//! With `--to 0.28` or newer: export timeouts belong to the exporter only (otel-ladder.md §3.1
//! items 4, 5). `PeriodicReader::builder(exporter)….with_timeout(d)` whose exporter is built in
//! the call (`MetricExporter::builder()….build()?`) loses the link, and the exporter gets
//! `.with_timeout(d)` before its `build()` (`WithExportConfig` imported when needed).
//!
//! ## Before
//! ```rust,ignore
//! let reader = PeriodicReader::builder(MetricExporter::builder().with_tonic().build()?)
//!     .with_timeout(Duration::from_secs(10))
//!     .build();
//! ```
//!
//! ## After
//! ```rust,ignore
//! let reader = PeriodicReader::builder(MetricExporter::builder().with_tonic().with_timeout(Duration::from_secs(10)).build()?)
//!     .build();
//! ```
//!
//! ## Not rewritten (findings)
//! - `PeriodicReader`'s `with_timeout` when the exporter comes from elsewhere (a local, a
//!   parameter): `error`, put `.with_timeout(d)` on the exporter builder.
//! - `BatchConfigBuilder::with_max_export_timeout(d)` (trace and logs): `error`, the timeout goes
//!   on the exporter; `with_max_concurrent_exports(n)`: `error`, no replacement without the
//!   async-runtime processors.
//! - Comments inside the moved link: `warning`.
//!
//! ## Safety
//! The exporter's own timeout is what 0.28 applies to each export; the reader's was a bound on
//! the same export. The types built stay the same.

use syn::visit::Visit;

use crate::engine::finding::Severity;
use crate::engine::syntax::{comments_in, range_of, text_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::chain::Chain;
use crate::otel::imports::ImportPlan;
use crate::otel::ladder::renames::EXPORTER_BUILDERS;

pub struct ExportTimeouts;

const READER: &[&str] = &["opentelemetry_sdk", "metrics", "PeriodicReader", "builder"];
const BATCH_CONFIGS: &[&[&str]] = &[
    &["opentelemetry_sdk", "trace", "BatchConfigBuilder"],
    &["opentelemetry_sdk", "logs", "BatchConfigBuilder"],
];
const WITH_EXPORT_CONFIG: &str = "opentelemetry_otlp::WithExportConfig";

impl Transform for ExportTimeouts {
    fn id(&self) -> &'static str {
        "hop-0-28-export-timeouts"
    }

    fn description(&self) -> &'static str {
        "hop 0.27 → 0.28: PeriodicReader with_timeout → the exporter's with_timeout; report BatchConfigBuilder export timeout / concurrency"
    }

    super::super::hop_gate!(28);

    fn needles(&self) -> &'static [&'static str] {
        &[
            "with_timeout",
            "with_max_export_timeout",
            "with_max_concurrent_exports",
        ]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_sdk"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut plan = ImportPlan::at(cx.file, rust.syntax, 0);
        let mut v = Chains {
            rust: &rust,
            plan: &mut plan,
            out: &mut out,
        };
        v.visit_file(rust.syntax);
        plan.finish(&mut out);
        out
    }
}

struct Chains<'a, 'p, 'f> {
    rust: &'a ParsedRust<'f>,
    plan: &'a mut ImportPlan<'p>,
    out: &'a mut Outcome,
}

impl Chains<'_, '_, '_> {
    fn is(&self, path: Option<&syn::Path>, expected: &[&[&str]]) -> bool {
        path.is_some_and(|p| expected.iter().any(|e| self.rust.imports.is(p, e)))
    }

    /// `…Exporter::builder()….build()` inside `exporter` (`?`, `.unwrap()`, `.expect(..)`
    /// around it): the `build` call.
    fn inline_exporter_build<'e>(
        &self,
        exporter: &'e syn::Expr,
    ) -> Option<&'e syn::ExprMethodCall> {
        let inner = match exporter {
            syn::Expr::Try(t) => &*t.expr,
            syn::Expr::MethodCall(m) if m.method == "unwrap" || m.method == "expect" => {
                &*m.receiver
            }
            other => other,
        };
        let syn::Expr::MethodCall(build) = inner else {
            return None;
        };
        if build.method != "build" {
            return None;
        }
        let chain = Chain::read_call(build);
        self.is(chain.root_path(), EXPORTER_BUILDERS)
            .then_some(build)
    }

    fn reader(&mut self, chain: &Chain<'_>) {
        let Some(timeout) = chain.find("with_timeout") else {
            return;
        };
        let syn::Expr::Call(call) = chain.root else {
            return;
        };
        let file = self.rust.file;
        let link = timeout.range(file);
        let build = call
            .args
            .first()
            .and_then(|e| self.inline_exporter_build(e));
        match build {
            Some(build) if comments_in(file, link).is_empty() => {
                let at = range_of(file, &*build.receiver).end;
                let args = text_of(file, &timeout.call.args);
                self.out.replace(crate::engine::edit::TextRange::new(at, at), format!(".with_timeout({args})"));
                self.out.replace(link, "");
                self.plan.need_trait(WITH_EXPORT_CONFIG);
            }
            _ => self.out.finding(
                timeout.name_range(file),
                Severity::Error,
                "0.28 removed `PeriodicReader`'s `with_timeout`: the export timeout is the exporter's",
                "remove it and put `.with_timeout(d)` on the exporter builder (`WithExportConfig`)",
            ),
        }
    }

    fn batch_config(&mut self, chain: &Chain<'_>) {
        let file = self.rust.file;
        for link in &chain.links {
            let (message, suggestion) = match link.name.as_str() {
                "with_max_export_timeout" => (
                    "0.28 removed `BatchConfigBuilder::with_max_export_timeout` (it needs an `experimental_*_with_async_runtime` feature now)",
                    "put `.with_timeout(d)` on the exporter builder (`WithExportConfig`) and remove this link",
                ),
                "with_max_concurrent_exports" => (
                    "0.28 removed `BatchConfigBuilder::with_max_concurrent_exports` (only the async-runtime processors have it)",
                    "remove the link (the thread-based processor exports one batch at a time), or use `span_processor_with_async_runtime::BatchSpanProcessor` with the `experimental_trace_batch_span_processor_with_async_runtime` feature",
                ),
                _ => continue,
            };
            self.out
                .finding(link.name_range(file), Severity::Error, message, suggestion);
        }
    }
}

impl<'ast> Visit<'ast> for Chains<'_, '_, '_> {
    /// Each chain once, from its outermost call; then what its root and arguments contain.
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let chain = Chain::read_call(call);
        if self.is(chain.root_path(), &[READER]) {
            self.reader(&chain);
        } else if chain.root_path().is_some_and(|p| {
            let mut ty = p.clone();
            ty.segments.pop();
            ty.segments.pop_punct();
            !ty.segments.is_empty() && BATCH_CONFIGS.iter().any(|b| self.rust.imports.is(&ty, b))
        }) {
            self.batch_config(&chain);
        }
        self.visit_expr(chain.root);
        for link in &chain.links {
            for arg in &link.call.args {
                self.visit_expr(arg);
            }
        }
    }
}
