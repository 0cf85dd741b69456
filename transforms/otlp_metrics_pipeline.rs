//! # otlp-metrics-pipeline
//!
//! ## What it does
//! opentelemetry-otlp 0.27 removed `new_pipeline()`. This transform rewrites every
//! `opentelemetry_otlp::new_pipeline().metrics(rt)…build()` chain (otlp 0.14 … 0.26) into the
//! 0.27 builders: `MetricExporter::builder().with_tonic()/.with_http()` with the exporter's
//! options, a `PeriodicReader::builder(exporter, rt)` with `with_period` → `with_interval` and
//! `with_timeout`, and `SdkMeterProvider::builder().with_reader(reader).with_resource(..)`.
//! Temporality calls (`with_temporality_selector`, `with_delta_temporality`) move to the exporter
//! builder as written; the `temporality` transform (next in the registry) translates them.
//! `with_aggregation_selector(DefaultAggregationSelector::new())` is dropped (the default).
//!
//! Placement keeps the type: `let p = <pipeline>?;` becomes three statements (`let exporter =
//! …build()?;`, `let reader = …;`, `let p = …build();`); in any other position (a function's tail,
//! a `match` arm, an argument, before `.unwrap()`) the expression stays a
//! `Result<SdkMeterProvider, _>`: `MetricExporter::builder()…build().map(|exporter| { … })`.
//! For otlp ≤ 0.16, whose `build()` also installed the provider globally,
//! `global::set_meter_provider(provider.clone())` is added.
//!
//! ## Before
//! ```rust,ignore
//! opentelemetry_otlp::new_pipeline()
//!     .metrics(runtime::Tokio)
//!     .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(url))
//!     .with_resource(resource)
//!     .with_period(Duration::from_secs(15))
//!     .build()
//! ```
//!
//! ## After
//! ```rust,ignore
//! MetricExporter::builder()
//!     .with_tonic()
//!     .with_endpoint(url)
//!     .build()
//!     .map(|exporter| {
//!         let reader = PeriodicReader::builder(exporter, runtime::Tokio)
//!             .with_interval(Duration::from_secs(15))
//!             .build();
//!         SdkMeterProvider::builder()
//!             .with_reader(reader)
//!             .with_resource(resource)
//!             .build()
//!     })
//! ```
//!
//! ## Not rewritten
//! - An exporter that is not a `new_exporter()` chain (a variable, a helper call), a custom
//!   aggregation selector (0.27 uses views), an unknown pipeline option, a pipeline kept in a
//!   local and built later: `error` finding with the 0.27 shape.
//! - `global::shutdown_meter_provider()` (removed in 0.22): `error` finding — keep the provider
//!   and call `provider.shutdown()`.
//! - Crates whose source `opentelemetry-otlp` is 0.27 or newer, or unknown.
//!
//! ## Safety
//! Every argument is spliced as written; comments between links travel with their option (or
//! open the new code). The error type becomes `MetricError` (`sdk-api-renames` renames the old
//! `MetricsError` in signatures).

use syn::visit::Visit;

use crate::edit::TextRange;
use crate::finding::Severity;
use crate::otel::chain::Chain;
use crate::otel::imports::ImportPlan;
use crate::otel::metrics::MetricsPipeline;
use crate::source::SourceFile;
use crate::syntax::{range_of, tokens_mention, ImportMap};
use crate::transform::{FileContext, FileKind, Outcome, Transform};

pub struct OtlpMetricsPipeline;

impl Transform for OtlpMetricsPipeline {
    fn id(&self) -> &'static str {
        "otlp-metrics-pipeline"
    }

    fn description(&self) -> &'static str {
        "OTLP `new_pipeline().metrics(rt)…build()` → MetricExporter + PeriodicReader + SdkMeterProvider builders"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn needles(&self) -> &'static [&'static str] {
        &["metrics(", "shutdown_meter_provider"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let Some(pkg) = cx.package else {
            return out;
        };
        if !pkg.version_below("opentelemetry-otlp", 0, 27) {
            return out;
        }
        let registers_globally = pkg.version_below("opentelemetry-otlp", 0, 17);
        let file = cx.file;
        let syntax = cx.syntax();
        let imports = cx.imports();
        let mut sites = Sites {
            file,
            imports,
            stmt_sites: Vec::new(),
            expr_sites: Vec::new(),
            shutdowns: Vec::new(),
            in_macros: Vec::new(),
        };
        sites.visit_file(syntax);
        let le = file.line_ending.as_str();

        let mut plans = Vec::new();
        for (local, pat, chain_expr) in &sites.stmt_sites {
            let chain = Chain::read(chain_expr);
            let range = range_of(file, *local);
            let Some(p) = parse_or_report(&mut out, file, imports, &chain) else {
                continue;
            };
            let mut plan = ImportPlan::at(file, syntax, range.start);
            let indent = file.indent_at(range.start).to_string();
            let inner = format!("{indent}    ");
            let mut text = String::new();
            for c in &p.comments {
                text.push_str(&format!("{c}{le}{indent}"));
            }
            text.push_str(&format!(
                "let exporter = {}?;{le}{indent}let reader = {};{le}{indent}let {pat} = {};",
                p.render_exporter(&mut plan, &inner, le),
                p.render_reader(&mut plan, "exporter", &inner, le),
                p.render_provider(&mut plan, "reader", &inner, le),
            ));
            if registers_globally {
                let global = plan.name("opentelemetry::global");
                text.push_str(&format!(
                    "{le}{indent}{global}::set_meter_provider({pat}.clone());"
                ));
            }
            out.replace(range, text);
            plans.push(plan);
        }
        for chain_expr in &sites.expr_sites {
            let chain = Chain::read(chain_expr);
            let range = range_of(file, *chain_expr);
            let Some(p) = parse_or_report(&mut out, file, imports, &chain) else {
                continue;
            };
            let mut plan = ImportPlan::at(file, syntax, range.start);
            let base = file.indent_at(range.start).to_string();
            let i1 = format!("{base}    ");
            let i2 = format!("{base}        ");
            let i3 = format!("{base}            ");
            let mut body = String::new();
            for c in &p.comments {
                body.push_str(&format!("{le}{i2}{c}"));
            }
            body.push_str(&format!(
                "{le}{i2}let reader = {};",
                p.render_reader(&mut plan, "exporter", &i3, le)
            ));
            let provider = p.render_provider(&mut plan, "reader", &i3, le);
            if registers_globally {
                let global = plan.name("opentelemetry::global");
                body.push_str(&format!(
                    "{le}{i2}let provider = {provider};{le}{i2}{global}::set_meter_provider(provider.clone());{le}{i2}provider"
                ));
            } else {
                body.push_str(&format!("{le}{i2}{provider}"));
            }
            let text = format!(
                "{}{le}{i1}.map(|exporter| {{{body}{le}{i1}}})",
                p.render_exporter(&mut plan, &i1, le)
            );
            out.replace(range, text);
            plans.push(plan);
        }
        for range in sites.shutdowns {
            out.finding(
                range,
                Severity::Error,
                "`global::shutdown_meter_provider()` was removed in opentelemetry 0.22",
                "keep the `SdkMeterProvider` you built (a clone is cheap) and call `provider.shutdown()` at this point; it returns `MetricResult<()>`",
            );
        }
        for range in sites.in_macros {
            out.finding(
                range,
                Severity::Error,
                "an OTLP metrics pipeline inside a macro body was not rewritten",
                "rewrite it by hand: `MetricExporter::builder().with_tonic()…build()?`, `PeriodicReader::builder(exporter, runtime)…build()`, `SdkMeterProvider::builder().with_reader(reader)…build()`",
            );
        }
        for plan in &mut plans {
            // The default aggregation selector was dropped from the rewritten chains.
            plan.remove_if_unused("opentelemetry_sdk::metrics::reader::DefaultAggregationSelector");
        }
        for plan in plans {
            plan.finish(&mut out);
        }
        out
    }
}

fn parse_or_report(
    out: &mut Outcome,
    file: &SourceFile,
    imports: &ImportMap,
    chain: &Chain<'_>,
) -> Option<MetricsPipeline> {
    match MetricsPipeline::parse(file, imports, chain) {
        Ok((p, notes)) => {
            for n in notes {
                out.finding(n.range, n.severity, n.message, n.suggestion);
            }
            Some(p)
        }
        Err(u) => {
            out.finding(u.range, Severity::Error, u.message, u.suggestion);
            None
        }
    }
}

/// Pipeline chains by placement, and global shutdown calls.
struct Sites<'a> {
    file: &'a SourceFile,
    imports: &'a ImportMap,
    /// `let <ident> = <pipeline>?;`: the statement, the binding's text, the chain.
    stmt_sites: Vec<(&'a syn::Local, String, &'a syn::Expr)>,
    /// Any other position: the chain expression (ending at `build()`).
    expr_sites: Vec<&'a syn::Expr>,
    shutdowns: Vec<TextRange>,
    in_macros: Vec<TextRange>,
}

impl<'a> Sites<'a> {
    fn is_pipeline(&self, expr: &syn::Expr) -> bool {
        MetricsPipeline::is_pipeline(self.imports, &Chain::read(expr))
    }
}

impl<'a> Visit<'a> for Sites<'a> {
    fn visit_local(&mut self, local: &'a syn::Local) {
        if let (syn::Pat::Ident(id), Some(init)) = (&local.pat, &local.init) {
            if let syn::Expr::Try(t) = &*init.expr {
                if init.diverge.is_none() && id.subpat.is_none() && self.is_pipeline(&t.expr) {
                    let binding = crate::syntax::text_of(self.file, id).to_string();
                    self.stmt_sites.push((local, binding, &t.expr));
                    // The chain's own sub-expressions hold no other pipeline.
                    return;
                }
            }
        }
        syn::visit::visit_local(self, local);
    }

    fn visit_expr(&mut self, expr: &'a syn::Expr) {
        if let syn::Expr::MethodCall(m) = expr {
            if m.method == "build" && self.is_pipeline(expr) {
                self.expr_sites.push(expr);
                return;
            }
        }
        if let syn::Expr::Call(c) = expr {
            if let syn::Expr::Path(p) = &*c.func {
                if self.imports.is(
                    &p.path,
                    &["opentelemetry", "global", "shutdown_meter_provider"],
                ) {
                    self.shutdowns.push(range_of(self.file, expr));
                }
            }
        }
        syn::visit::visit_expr(self, expr);
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        // Pipelines inside macro bodies are not rewritten (their spans are fine, but the
        // parsed fragments do not live long enough for this visitor); they are reported.
        if tokens_mention(&mac.tokens, &["new_pipeline"])
            && tokens_mention(&mac.tokens, &["metrics"])
        {
            self.in_macros.push(range_of(self.file, mac));
        }
    }
}
