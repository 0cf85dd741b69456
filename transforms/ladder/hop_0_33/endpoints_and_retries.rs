//! # hop-0-33-endpoints-and-retries
//!
//! ## What it does
//! With `--to 0.33` or newer, says at each affected site what 0.33 changes without an API change
//! (otel-ladder.md §3.6, behaviour changes):
//! - every OTLP exporter built here (`SpanExporter::builder()`, `MetricExporter::builder()`,
//!   `LogExporter::builder()`): `note`, retries are on by default (up to 3, with backoff; HTTP
//!   429/502/503/504, gRPC `RetryInfo`); `.with_retry_policy(RetryPolicy::disabled())` keeps the
//!   old behaviour;
//! - a scheme-less endpoint (`.with_endpoint("collector:4317")` in code,
//!   `OTEL_EXPORTER_OTLP_ENDPOINT=collector:4317` in a deployment file): `warning`, gRPC now
//!   treats it as `https://`.
//!
//! ## Before
//! ```rust,ignore
//! SpanExporter::builder().with_tonic().with_endpoint("collector:4317").build()?
//! ```
//!
//! ## After
//! ```rust,ignore
//! // warning: 0.33 treats a scheme-less gRPC endpoint as `https://`; write `http://collector:4317` …
//! ```
//!
//! ## Not rewritten
//! - Everything: the right scheme and retry policy are the user's call.
//! - Endpoints that are not string literals (read from config at run time).
//! - Runs without `--to 0.33`/`latest`.
//!
//! ## Safety
//! Nothing is edited.

use syn::visit::Visit;

use crate::engine::config::Config;
use crate::engine::context::PackageInfo;
use crate::engine::finding::Severity;
use crate::engine::syntax::{range_of, ParsedRust};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::chain::Chain;
use crate::otel::ladder::env::{assignments, ENDPOINT_VARS};
use crate::otel::ladder::renames::EXPORTER_BUILDERS;

pub struct EndpointsAndRetries;

const SCHEMELESS: &str = "0.33 treats a scheme-less gRPC endpoint as `https://` (it was plaintext)";
const SCHEMELESS_HELP: &str =
    "write the scheme (`http://…` for plaintext), or set `OTEL_EXPORTER_OTLP_INSECURE=true`";

impl Transform for EndpointsAndRetries {
    fn id(&self) -> &'static str {
        "hop-0-33-endpoints-and-retries"
    }

    fn description(&self) -> &'static str {
        "hop 0.32 → 0.33: notes at OTLP exporters (retries on by default) and scheme-less endpoints (now https)"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn scans(&self, kind: FileKind) -> bool {
        matches!(kind, FileKind::Rust | FileKind::Deployment)
    }

    fn needles(&self) -> &'static [&'static str] {
        &[
            "SpanExporter",
            "MetricExporter",
            "LogExporter",
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
            "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
        ]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_otlp"]
    }

    fn enabled_by(&self, config: &Config) -> bool {
        super::super::reaches(config, 33)
    }

    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        package.is_none() || super::super::package_below(package, 33)
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        if cx.kind() == FileKind::Deployment {
            for a in assignments(&cx.file.text, ENDPOINT_VARS) {
                if !a.value.contains("://") && !a.value.starts_with('$') {
                    out.finding(a.range, Severity::Warning, SCHEMELESS, SCHEMELESS_HELP);
                }
            }
            return out;
        }
        let rust = cx.rust();
        let mut v = Exporters {
            rust: &rust,
            out: &mut out,
        };
        v.visit_file(rust.syntax);
        out
    }
}

struct Exporters<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Outcome,
}

impl<'ast> Visit<'ast> for Exporters<'_, '_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        // The outermost `.build()` of an exporter chain: one note per exporter.
        if call.method == "build" {
            let chain = Chain::read_call(call);
            let exporter = chain
                .root_path()
                .is_some_and(|p| EXPORTER_BUILDERS.iter().any(|b| self.rust.imports.is(p, b)));
            if exporter {
                let file = self.rust.file;
                if !chain.names().contains(&"with_retry_policy") {
                    let root = range_of(file, chain.receiver_of(0));
                    self.out.finding(
                        root,
                        Severity::Note,
                        "0.33 retries OTLP exports by default (up to 3 times with backoff; HTTP 429/502/503/504, gRPC `RetryInfo`)",
                        "to keep the old behaviour: `.with_retry_policy(opentelemetry_otlp::RetryPolicy::disabled())`",
                    );
                }
                let grpc = chain.names().contains(&"with_tonic");
                if let (true, Some(link)) = (grpc, chain.find("with_endpoint")) {
                    if let [syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    })] = link.args().as_slice()
                    {
                        if !s.value().contains("://") {
                            self.out.finding(
                                range_of(file, s),
                                Severity::Warning,
                                SCHEMELESS,
                                SCHEMELESS_HELP,
                            );
                        }
                    }
                }
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}
