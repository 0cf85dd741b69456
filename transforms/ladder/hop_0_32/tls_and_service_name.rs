//! # hop-0-32-tls-and-service-name
//!
//! ## What it does
//! With `--to 0.32` or newer, says at each affected site what 0.32 changes without an API
//! change (otel-ladder.md §3.5, behaviour changes):
//! - a gRPC exporter (`.with_tonic()`) with an `https://` endpoint literal: `warning` when the
//!   package enables no TLS feature of opentelemetry-otlp (`build()` now fails; it sent
//!   plaintext), else a `note` when the chain has no `.with_tls_config(..)` (a default TLS
//!   config is applied now);
//! - a tracer, meter or logger provider built without `.with_resource(..)`: `note`, the default
//!   `service.name` is now `unknown_service:<executable>` (was `unknown_service`) unless
//!   `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES` set it.
//!
//! ## Before
//! ```rust,ignore
//! SpanExporter::builder().with_tonic().with_endpoint("https://collector:4317").build()?
//! ```
//!
//! ## After
//! ```rust,ignore
//! // warning: 0.32 fails `build()` for an `https://` gRPC endpoint without a TLS feature …
//! ```
//!
//! ## Not rewritten
//! - Everything: which TLS backend, and which service name, are the user's call.
//! - Endpoints that are not string literals; features enabled only through a workspace entry
//!   the package does not name.
//! - Packages already on 0.32, and runs without `--to 0.32+`.
//!
//! ## Safety
//! Nothing is edited.

use syn::visit::Visit;

use crate::engine::finding::Severity;
use crate::engine::syntax::{range_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::chain::Chain;
use crate::otel::ladder::renames::EXPORTER_BUILDERS;

pub struct TlsAndServiceName;

/// The opentelemetry-otlp features that give gRPC a TLS backend, in any set up to 0.32.
const TLS_FEATURES: &[&str] = &[
    "tls",
    "tls-roots",
    "tls-webpki-roots",
    "tls-ring",
    "tls-aws-lc",
    "tls-provider-agnostic",
];

const PROVIDERS: &[&[&str]] = &[
    &["opentelemetry_sdk", "trace", "SdkTracerProvider"],
    &["opentelemetry_sdk", "metrics", "SdkMeterProvider"],
    &["opentelemetry_sdk", "logs", "SdkLoggerProvider"],
];

impl Transform for TlsAndServiceName {
    fn id(&self) -> &'static str {
        "hop-0-32-tls-and-service-name"
    }

    fn description(&self) -> &'static str {
        "hop 0.31 → 0.32: notes at https gRPC endpoints (TLS feature now required) and providers without a resource (default service.name)"
    }

    super::super::hop_gate!(32);

    fn needles(&self) -> &'static [&'static str] {
        &["https://", "Provider::builder"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_sdk", "opentelemetry_otlp"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let tls = cx.package.is_some_and(|p| {
            p.deps.iter().any(|d| {
                d.entry.is("opentelemetry-otlp")
                    && d.entry
                        .features
                        .iter()
                        .any(|f| TLS_FEATURES.contains(&f.as_str()))
            })
        });
        let mut v = Sites {
            rust: &rust,
            out: &mut out,
            tls,
        };
        v.visit_file(rust.syntax);
        out
    }
}

struct Sites<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Outcome,
    /// The package enables a TLS feature of opentelemetry-otlp.
    tls: bool,
}

impl Sites<'_, '_> {
    fn exporter(&mut self, chain: &Chain<'_>) {
        let Some(link) = chain.find("with_endpoint") else {
            return;
        };
        let [syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        })] = link.args().as_slice()
        else {
            return;
        };
        if !chain.names().contains(&"with_tonic") || !s.value().starts_with("https://") {
            return;
        }
        let at = range_of(self.rust.file, s);
        if !self.tls {
            self.out.finding(
                at,
                Severity::Warning,
                "0.32 fails `build()` for an `https://` gRPC endpoint when opentelemetry-otlp has no TLS feature (it sent plaintext before)",
                "enable `tls-ring` (or `tls-aws-lc`) on opentelemetry-otlp for TLS, or write `http://` for plaintext",
            );
        } else if !chain.names().contains(&"with_tls_config") {
            self.out.finding(
                at,
                Severity::Note,
                "0.32 applies a default TLS configuration to an `https://` gRPC endpoint without `.with_tls_config(..)`",
                "check that the collector's certificate verifies with the default roots, or pass `.with_tls_config(..)`",
            );
        }
    }

    fn provider(&mut self, chain: &Chain<'_>) {
        if chain.names().contains(&"with_resource") {
            return;
        }
        self.out.finding(
            range_of(self.rust.file, chain.receiver_of(0)),
            Severity::Note,
            "0.32's default `service.name` is `unknown_service:<executable>` (was `unknown_service`) for a provider built without a resource",
            "set it with `.with_resource(Resource::builder().with_service_name(\"…\").build())`, or `OTEL_SERVICE_NAME` in the deployment",
        );
    }
}

impl<'ast> Visit<'ast> for Sites<'_, '_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "build" {
            let chain = Chain::read_call(call);
            if let Some(root) = chain.root_path() {
                let mut ty = root.clone();
                ty.segments.pop();
                ty.segments.pop_punct();
                let builder = root.segments.last().is_some_and(|s| s.ident == "builder");
                if EXPORTER_BUILDERS
                    .iter()
                    .any(|b| self.rust.imports.is(root, b))
                {
                    self.exporter(&chain);
                } else if builder && PROVIDERS.iter().any(|p| self.rust.imports.is(&ty, p)) {
                    self.provider(&chain);
                }
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}
