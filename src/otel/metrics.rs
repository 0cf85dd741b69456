//! The OTLP metrics pipeline, independent of the version that spelled it.
//!
//! Old (opentelemetry-otlp 0.14 … 0.26): `opentelemetry_otlp::new_pipeline().metrics(rt)`
//! `.with_exporter(new_exporter().tonic()…)` plus `with_resource`, `with_period`, `with_timeout`,
//! `with_temporality_selector`, `with_delta_temporality` (0.23+), `with_aggregation_selector`
//! (≤ 0.16), then `.build()` → `Result<SdkMeterProvider, MetricsError>` (0.14: the provider type
//! was `opentelemetry_sdk::metrics::MeterProvider`, and `build()` also set the global provider).
//! New (0.27): `MetricExporter::builder()…build()` → `MetricResult<MetricExporter>`, then
//! `PeriodicReader::builder(exporter, rt).with_interval(..).with_timeout(..).build()` and
//! `SdkMeterProvider::builder().with_reader(reader).with_resource(..).build()`.
//!
//! Temporality calls are carried over verbatim to the exporter builder (where 0.27's
//! `with_temporality` lives); the `temporality` transform, which runs next, translates them.
//! A user's own aggregation selector is carried over verbatim to the provider builder (where
//! 0.27's views live); the `aggregation-selector` transform translates it into a view.

use crate::engine::edit::TextRange;
use crate::engine::syntax::{range_of, range_of_span, text_of, ImportMap, ParsedRust};

use super::chain::Chain;
use super::conditional_links::render_mutable;
use super::exporter::{Arg, ExporterConfig, ParseNote, Signal};
use super::exporter_helper::PackageHelpers;
use super::imports::ImportPlan;
use super::ledger::otlp::common;
use super::ledger::resolve::Resolver;
use super::otlp_pipeline::{push_link, read_options, Conditional, Target, Unsupported, Wording};
use super::trace::InstalledAs;
use crate::engine::ledger::{self, Key, Settings};

/// A parsed `new_pipeline().metrics(rt)…build()` chain.
pub struct MetricsPipeline {
    pub runtime: String,
    pub exporter: ExporterConfig,
    pub resource: Option<Arg>,
    pub period: Option<Arg>,
    pub timeout: Option<Arg>,
    /// A user's own `with_aggregation_selector(..)` argument (the default selector is dropped).
    pub aggregation_selector: Option<Arg>,
    /// Comments between pipeline links that belong to no moved option.
    pub comments: Vec<String>,
    /// Settings of a pipeline kept in a local that were set under a condition.
    pub conditional: Conditional,
}

const DEFAULT_AGGREGATION: &[&str] = &[
    "opentelemetry_sdk",
    "metrics",
    "reader",
    "DefaultAggregationSelector",
];

const WORDING: Wording = Wording {
    exporter: "metrics exporter",
    exporter_fix: "build it as `MetricExporter::builder().with_tonic()` (or `.with_http()`) with the same options, then `.build()?`",
    pipeline: "OTLP metrics pipeline",
    pipeline_fix: "rewrite the pipeline by hand: `MetricExporter::builder()…build()?`, `PeriodicReader::builder(exporter, runtime)…build()`, `SdkMeterProvider::builder().with_reader(reader)…build()`",
};

impl super::placement::otlp_sites::PipelineModel for MetricsPipeline {
    const SIGNAL: &'static str = "metrics";
    const TERMINALS: &'static [&'static str] = &["build"];
    const NAME: &'static str = "OTLP metrics pipeline";

    fn conditional_target(name: &str) -> Option<(Target, &'static str)> {
        match name {
            "with_period" => Some((Target::Reader, "with_interval")),
            "with_timeout" => Some((Target::Reader, "with_timeout")),
            "with_resource" => Some((Target::Provider, "with_resource")),
            _ => None,
        }
    }

    fn conditional_mut(&mut self) -> &mut Conditional {
        &mut self.conditional
    }

    fn parse(
        rust: ParsedRust<'_>,
        chain: &Chain<'_>,
        helpers: &PackageHelpers,
    ) -> Result<(MetricsPipeline, Vec<ParseNote>), Unsupported> {
        // `build()` says nothing the pipeline needs.
        parse_head(rust, &chain.head(), helpers)
    }

    fn parse_finished_elsewhere(
        rust: ParsedRust<'_>,
        head: &Chain<'_>,
        helpers: &PackageHelpers,
        _: &InstalledAs,
        _: &mut ImportPlan<'_>,
    ) -> Result<(MetricsPipeline, Vec<ParseNote>), Unsupported> {
        parse_head(rust, head, helpers)
    }
}

/// Reads the pipeline `chain` up to its terminal call (not included).
fn parse_head(
    rust: ParsedRust<'_>,
    chain: &Chain<'_>,
    helpers: &PackageHelpers,
) -> Result<(MetricsPipeline, Vec<ParseNote>), Unsupported> {
    let (file, imports) = (rust.file, rust.imports);
    let metrics = &chain.links[0];
    // From otlp 0.13 on `metrics(..)` takes the runtime alone; more arguments (0.12's
    // selectors before the runtime) would be carried into the reader and not compile.
    let args = metrics.args();
    let [runtime] = args.as_slice() else {
        return Err(Unsupported::new(
            range_of(file, metrics.call),
            format!(
                "`metrics(..)` takes the runtime alone from otlp 0.13 on; this call passes {} arguments (otlp 0.12 took the aggregation and temporality selectors before the runtime)",
                args.len()
            ),
            "pass the runtime alone and set the selectors as options (`.metrics(runtime::Tokio).with_aggregation_selector(a).with_temporality_selector(t)`), then run the tool again",
        ));
    };
    let runtime = text_of(file, *runtime).trim().to_string();
    let mut temporality: Vec<(String, Arg)> = Vec::new();
    let (mut period, mut timeout, mut aggregation_selector) = (None, None, None);
    let options = read_options(rust, (chain, helpers), &WORDING, |link, arg, options| {
        match link.name.as_str() {
            "with_period" => period = Some(arg),
            "with_timeout" => timeout = Some(arg),
            "with_temporality_selector" | "with_delta_temporality" | "with_temporality" => {
                temporality.push((link.name.clone(), arg))
            }
            "with_aggregation_selector" => {
                let default = link
                    .args()
                    .first()
                    .is_some_and(|a| constructs(imports, a, DEFAULT_AGGREGATION));
                if default {
                    options.comments.extend(arg.comments);
                } else {
                    aggregation_selector = Some(arg);
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    let options_range = TextRange::new(
        range_of_span(file, metrics.call.method.span()).start,
        options.end,
    );
    let Some(mut exporter) = options.exporter else {
        return Err(Unsupported::new(
            options_range,
            "the metrics pipeline has no `with_exporter(..)`".into(),
            "add `MetricExporter::builder().with_tonic().build()?` and hand it to `PeriodicReader::builder(exporter, runtime)`",
        ));
    };
    let notes = std::mem::take(&mut exporter.notes);
    if !temporality.is_empty()
        && exporter
            .kept_in
            .as_ref()
            .is_some_and(|k| !k.takes_moved_options)
    {
        return Err(Unsupported::new(
            options_range,
            "the metrics exporter comes from a helper function, and the pipeline's temporality has to move onto it".into(),
            "set the temporality inside the helper: `MetricExporter::builder()….with_temporality(Temporality::Delta).build()`",
        ));
    }
    exporter.passthrough.extend(temporality);
    Ok((
        MetricsPipeline {
            runtime,
            exporter,
            resource: options.resource,
            period,
            timeout,
            aggregation_selector,
            comments: options.comments,
            conditional: Conditional::default(),
        },
        notes,
    ))
}

impl super::placement::parts::ProviderParts for MetricsPipeline {
    fn comments(&self) -> &[String] {
        &self.comments
    }

    fn exporter_model(&self) -> (&ExporterConfig, Signal) {
        (&self.exporter, Signal::Metric)
    }

    /// `let reader = PeriodicReader::builder(exporter, rt)…build();` and
    /// `SdkMeterProvider::builder().with_reader(reader)…build()`.
    fn provider(
        &self,
        names: &mut ImportPlan<'_>,
        exporter: &str,
        indent: &str,
        le: &str,
    ) -> (Vec<String>, String) {
        let mut reader = format!(
            "{}::builder({exporter}, {})",
            names.name("opentelemetry_sdk::metrics::PeriodicReader"),
            self.runtime
        );
        for (name, arg) in [
            ("with_interval", &self.period),
            ("with_timeout", &self.timeout),
        ] {
            if let Some(arg) = arg {
                push_link(&mut reader, arg, name, indent, le);
            }
        }
        let c = &self.conditional;
        let (mut setup, reader) = render_mutable(
            &c.reader_builder,
            reader,
            &c.reader,
            indent,
            names.indent_unit(),
            le,
        );
        setup.push(format!("let reader = {reader};"));
        let mut provider = format!(
            "{}::builder(){le}{indent}.with_reader(reader)",
            names.name("opentelemetry_sdk::metrics::SdkMeterProvider")
        );
        if let Some(arg) = &self.resource {
            push_link(&mut provider, arg, "with_resource", indent, le);
        }
        if let Some(arg) = &self.aggregation_selector {
            push_link(&mut provider, arg, "with_aggregation_selector", indent, le);
        }
        let (more, provider) = render_mutable(
            &c.provider_builder,
            provider,
            &c.provider,
            indent,
            names.indent_unit(),
            le,
        );
        setup.extend(more);
        (setup, provider)
    }
}

/// Whether `expr` is `T::new()` / `T::default()` for the type `T` at `ty` (through imports).
fn constructs(imports: &ImportMap, expr: &syn::Expr, ty: &[&str]) -> bool {
    let syn::Expr::Call(c) = expr else {
        return false;
    };
    let syn::Expr::Path(p) = &*c.func else {
        return false;
    };
    let mut path = p.path.clone();
    let ctor = path.segments.pop().map(|s| s.into_value().ident);
    if path.segments.is_empty() || !ctor.is_some_and(|i| i == "new" || i == "default") {
        return false;
    }
    if let Some(last) = path.segments.pop() {
        path.segments.push(last.into_value());
    }
    c.args.is_empty() && imports.is(&path, ty)
}

impl super::ledger::otlp::LedgerModel for MetricsPipeline {
    const LEDGER_SIGNAL: ledger::Signal = ledger::Signal::Metrics;

    fn settings(&self, r: &Resolver<'_>, registers: bool) -> Settings {
        let model = (&self.exporter, self.resource.as_ref());
        let mut out = common(r, model, registers);
        if let Some(period) = &self.period {
            out.insert(Key::ReaderInterval, r.value(&period.text));
        }
        out
    }

    fn conditional(&self) -> &Conditional {
        &self.conditional
    }
}
