//! # hop-0-28-runtime-argument
//!
//! ## What it does
//! With `--to 0.28` or newer, drops the runtime argument 0.28 removed (otel-ladder.md §3.1
//! item 3): `.with_batch_exporter(exporter, runtime::Tokio)` (tracer and logger provider
//! builders), `BatchSpanProcessor::builder(exporter, rt)`, `BatchLogProcessor::builder(exporter,
//! rt)` and `PeriodicReader::builder(exporter, rt)`. The `runtime` import goes when nothing
//! else names it. Each rewritten site gets a `note`: the processors and the reader now export
//! from their own thread with a blocking client.
//!
//! ## Before
//! ```rust,ignore
//! use opentelemetry_sdk::runtime;
//! let tp = SdkTracerProvider::builder().with_batch_exporter(exporter, runtime::Tokio).build();
//! ```
//!
//! ## After
//! ```rust,ignore
//! let tp = SdkTracerProvider::builder().with_batch_exporter(exporter).build();
//! ```
//!
//! ## Not rewritten
//! - A second argument that is not an SDK runtime (`runtime::Tokio`, `TokioCurrentThread`,
//!   `AsyncStd`, through the imports): another method.
//! - A comment between the two arguments: `warning`, drop the runtime argument by hand.
//! - The async-runtime processors (`span_processor_with_async_runtime::BatchSpanProcessor`,
//!   …) keep their runtime argument.
//!
//! ## Safety
//! Only the runtime argument and its comma are removed; the builders return the same types.
//! Behaviour changes (the export thread) are said at the site.

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::syntax::{comments_in, range_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::imports::ImportPlan;
use crate::otel::runtime::recognize;

pub struct RuntimeArgument;

/// The associated `builder(exporter, rt)` functions that lost the runtime.
const BUILDERS: &[&[&str]] = &[
    &[
        "opentelemetry_sdk",
        "trace",
        "BatchSpanProcessor",
        "builder",
    ],
    &["opentelemetry_sdk", "logs", "BatchLogProcessor", "builder"],
    &["opentelemetry_sdk", "metrics", "PeriodicReader", "builder"],
];

const THREAD_NOTE: &str = "0.28 runs batch processors and the periodic reader on their own thread with a blocking executor: OTLP needs `grpc-tonic` or `reqwest-blocking-client` (not `reqwest-client`/`hyper-client`), and `OTEL_BSP_EXPORT_TIMEOUT`/`OTEL_BLRP_EXPORT_TIMEOUT` are ignored";
const THREAD_HELP: &str = "to keep Tokio-driven processors, enable sdk `rt-tokio` + `experimental_{trace_batch_span_processor,metrics_periodicreader,logs_batch_log_processor}_with_async_runtime` and use `trace::span_processor_with_async_runtime::BatchSpanProcessor::builder(exporter, runtime::Tokio)` (likewise for the reader and logs)";

impl Transform for RuntimeArgument {
    fn id(&self) -> &'static str {
        "hop-0-28-runtime-argument"
    }

    fn description(&self) -> &'static str {
        "hop 0.27 → 0.28: drop the runtime argument of with_batch_exporter and the batch processor / periodic reader builders"
    }

    super::super::hop_gate!(28);

    fn needles(&self) -> &'static [&'static str] {
        &["with_batch_exporter", "::builder("]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_sdk"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut sites = Sites {
            rust: &rust,
            found: Vec::new(),
        };
        sites.visit_file(rust.syntax);
        if sites.found.is_empty() {
            return out;
        }
        let mut plan = ImportPlan::at(cx.file, rust.syntax, 0);
        for site in sites.found {
            let between = TextRange::new(site.exporter_end, site.runtime.end);
            if !comments_in(cx.file, between).is_empty() {
                out.finding(
                    site.call,
                    Severity::Warning,
                    "0.28 removed the runtime argument; a comment sits beside it, so it was not dropped",
                    "drop the runtime argument by hand",
                );
                continue;
            }
            out.replace(between, "");
            out.finding(site.call, Severity::Note, THREAD_NOTE, THREAD_HELP);
            plan.remove_if_unused("opentelemetry_sdk::runtime");
            plan.remove_if_unused(&format!(
                "opentelemetry_sdk::runtime::{}",
                site.runtime_name
            ));
        }
        plan.finish(&mut out);
        out
    }
}

struct Site {
    call: TextRange,
    exporter_end: usize,
    runtime: TextRange,
    runtime_name: &'static str,
}

struct Sites<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    found: Vec<Site>,
}

impl Sites<'_, '_> {
    fn check(
        &mut self,
        call: TextRange,
        args: &syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>,
    ) {
        let [exporter, rt] = [args.first(), args.iter().nth(1)];
        let (Some(exporter), Some(rt)) = (exporter, rt) else {
            return;
        };
        if args.len() != 2 {
            return;
        }
        let Some(runtime) = recognize(self.rust.file, self.rust.imports, rt) else {
            return;
        };
        let mut end = range_of(self.rust.file, rt).end;
        // A trailing comma after the runtime goes with it.
        if args.trailing_punct() {
            if let Some(p) = args.pairs().next_back().and_then(|p| p.punct().copied()) {
                end = range_of(self.rust.file, p).end;
            }
        }
        self.found.push(Site {
            call,
            exporter_end: range_of(self.rust.file, exporter).end,
            runtime: TextRange::new(range_of(self.rust.file, rt).start, end),
            runtime_name: runtime.runtime.type_name(),
        });
    }
}

impl<'ast> Visit<'ast> for Sites<'_, '_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "with_batch_exporter" {
            let whole = range_of(self.rust.file, call);
            let method = range_of(self.rust.file, &call.method);
            self.check(TextRange::new(method.start, whole.end), &call.args);
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*call.func {
            if BUILDERS.iter().any(|b| self.rust.imports.is(&p.path, b)) {
                self.check(range_of(self.rust.file, call), &call.args);
            }
        }
        syn::visit::visit_expr_call(self, call);
    }
}
