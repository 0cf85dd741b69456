#![deny(deprecated)]
//! otlp 0.14 (opentelemetry 0.21): exporters kept in locals (also `let mut`, extended under a
//! condition) and chosen by `match`/`if`, for traces, metrics and logs, a trace pipeline extended under a
//! condition, and exporters from private helpers (issue 15 shapes 1-4).

use std::time::Duration;

use opentelemetry::logs::LogError;
use opentelemetry::metrics::MetricsError;
use opentelemetry::trace::TraceError;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::metrics::reader::DefaultTemporalitySelector;
use opentelemetry_sdk::propagation::{BaggagePropagator, TextMapCompositePropagator, TraceContextPropagator};
use opentelemetry_sdk::runtime;

pub enum Wire {
    Grpc,
    Http,
}

pub fn tracer(endpoint: &str, timeout: Option<Duration>) -> Result<opentelemetry_sdk::trace::Tracer, TraceError> {
    let mut exporter = opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint);
    if let Some(timeout) = timeout {
        exporter = exporter.with_timeout(timeout);
    }
    opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporter)
        .install_batch(runtime::Tokio)
}

pub fn chosen_tracer(wire: Wire, endpoint: &str) -> anyhow::Result<opentelemetry_sdk::trace::Tracer> {
    let exporter: opentelemetry_otlp::SpanExporterBuilder = match wire {
        Wire::Grpc => opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint).into(),
        Wire::Http => opentelemetry_otlp::new_exporter()
            .http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(format!("{endpoint}/v1/traces"))
            .into(),
    };
    let tracer = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(exporter)
        .install_batch(runtime::Tokio)?;
    Ok(tracer)
}

/// A pipeline kept in a `let mut`, its sampler set only when configured (shape 4).
pub fn sampled_tracer(endpoint: &str, ratio: Option<f64>) -> Result<opentelemetry_sdk::trace::Tracer, TraceError> {
    let mut pipeline = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint));
    if let Some(ratio) = ratio {
        pipeline = pipeline.with_trace_config(
            opentelemetry_sdk::trace::Config::default()
                .with_sampler(opentelemetry_sdk::trace::Sampler::TraceIdRatioBased(ratio)),
        );
    }
    pipeline.install_batch(runtime::Tokio)
}

pub fn meter_provider(endpoint: &str) -> Result<opentelemetry_sdk::metrics::MeterProvider, MetricsError> {
    let exporter = opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint);
    opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(exporter)
        .with_period(Duration::from_secs(10))
        .with_temporality_selector(DefaultTemporalitySelector::new())
        .build()
}

pub fn chosen_meter_provider(wire: Wire, endpoint: &str) -> Result<(), MetricsError> {
    let exporter = if matches!(wire, Wire::Http) {
        opentelemetry_otlp::MetricsExporterBuilder::from(opentelemetry_otlp::new_exporter().http().with_endpoint(endpoint))
    } else {
        opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint).into()
    };
    let provider = opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(exporter)
        .build()?;
    drop(provider);
    Ok(())
}

pub fn logger(endpoint: Option<String>) -> Result<opentelemetry_sdk::logs::Logger, LogError> {
    let mut exporter = opentelemetry_otlp::new_exporter().tonic();
    if let Some(endpoint) = endpoint {
        exporter = exporter.with_endpoint(endpoint);
    }
    opentelemetry_otlp::new_pipeline()
        .logging()
        .with_exporter(exporter)
        .install_batch(runtime::Tokio)
}

pub fn chosen_logger(endpoint: Option<&str>) {
    let exporter: opentelemetry_otlp::LogExporterBuilder = match endpoint {
        Some(endpoint) => opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint).into(),
        None => opentelemetry_otlp::new_exporter().http().into(),
    };
    let _logger = opentelemetry_otlp::new_pipeline()
        .logging()
        .with_exporter(exporter)
        .install_simple()
        .expect("log pipeline");
}

/// A private helper choosing the transport for traces (shape 2 with a choice).
fn span_exporter(wire: &Wire, endpoint: &str) -> impl Into<opentelemetry_otlp::SpanExporterBuilder> {
    match wire {
        Wire::Grpc => opentelemetry_otlp::SpanExporterBuilder::from(
            opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint),
        ),
        Wire::Http => opentelemetry_otlp::new_exporter().http().with_endpoint(endpoint).into(),
    }
}

pub fn helper_tracer(wire: Wire, endpoint: &str) -> anyhow::Result<opentelemetry_sdk::trace::Tracer> {
    let tracer = opentelemetry_otlp::new_pipeline()
        .tracing()
        .with_exporter(span_exporter(&wire, endpoint))
        .install_batch(runtime::Tokio)?;
    Ok(tracer)
}

fn metric_exporter(endpoint: &str) -> opentelemetry_otlp::TonicExporterBuilder {
    opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint)
}

pub fn helper_meter_provider(endpoint: &str) -> Result<opentelemetry_sdk::metrics::MeterProvider, MetricsError> {
    opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(metric_exporter(endpoint))
        .build()
}

fn log_exporter() -> opentelemetry_otlp::HttpExporterBuilder {
    opentelemetry_otlp::new_exporter().http()
}

pub fn helper_logs() -> Result<(), LogError> {
    let _logs = opentelemetry_otlp::new_pipeline()
        .logging()
        .with_exporter(log_exporter())
        .install_simple()?;
    Ok(())
}

/// Metrics and logs pipelines assembled in a local, then built.
pub fn pipelines_in_locals(endpoint: &str) -> anyhow::Result<opentelemetry_sdk::metrics::MeterProvider> {
    let mut metrics = opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint));
    metrics = metrics.with_period(Duration::from_secs(20));
    let provider = metrics.build()?;
    let logging = opentelemetry_otlp::new_pipeline()
        .logging()
        .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint));
    let _logs = logging.install_batch(runtime::Tokio)?;
    Ok(provider)
}

/// A metrics pipeline extended under conditions (shape 4).
pub fn conditional_pipelines(fast: bool, resource: Option<opentelemetry_sdk::Resource>) -> anyhow::Result<()> {
    let mut metrics = opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(opentelemetry_otlp::new_exporter().tonic());
    if fast {
        metrics = metrics.with_period(Duration::from_secs(1));
    }
    if let Some(resource) = resource.clone() {
        metrics = metrics.with_resource(resource);
    }
    let provider = metrics.build()?;
    drop(provider);
    // otlp 0.14's logging pipeline has no `with_resource` (only `with_log_config`).
    drop(resource);
    Ok(())
}

/// Private helpers setting options on the builder they are handed (issue 15 shape 5, builder
/// parameters), for metrics and logs.
fn to_collector(
    builder: opentelemetry_otlp::TonicExporterBuilder,
    endpoint: &str,
) -> opentelemetry_otlp::TonicExporterBuilder {
    builder.with_endpoint(endpoint).with_timeout(Duration::from_secs(3))
}

pub fn customized_meter_provider(endpoint: &str) -> Result<(), MetricsError> {
    let provider = opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(to_collector(opentelemetry_otlp::new_exporter().tonic(), endpoint))
        .build()?;
    drop(provider);
    Ok(())
}

fn to_log_collector(
    builder: opentelemetry_otlp::HttpExporterBuilder,
) -> opentelemetry_otlp::HttpExporterBuilder {
    builder.with_endpoint("http://localhost:4318/v1/logs")
}

pub fn customized_logger() {
    let _logger = opentelemetry_otlp::new_pipeline()
        .logging()
        .with_exporter(to_log_collector(opentelemetry_otlp::new_exporter().http()))
        .install_simple()
        .expect("log pipeline");
}

// Metric exporters built without a pipeline (the surreal and temporal shapes): the enum's
// method takes (temporality, aggregation), the tonic builder's own (aggregation, temporality).
pub fn reader_through_the_enum() -> Result<opentelemetry_sdk::metrics::MeterProvider, MetricsError> {
    let exporter = opentelemetry_otlp::MetricsExporterBuilder::from(opentelemetry_otlp::new_exporter().tonic())
        .build_metrics_exporter(
            Box::new(DefaultTemporalitySelector::new()),
            Box::new(opentelemetry_sdk::metrics::reader::DefaultAggregationSelector::new()),
        )?;
    let reader = opentelemetry_sdk::metrics::PeriodicReader::builder(exporter, runtime::Tokio).build();
    Ok(opentelemetry_sdk::metrics::MeterProvider::builder().with_reader(reader).build())
}

pub fn reader_from_the_transport(endpoint: &str) -> Result<opentelemetry_sdk::metrics::MeterProvider, MetricsError> {
    let exporter = opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint(endpoint)
        .build_metrics_exporter(
            Box::new(opentelemetry_sdk::metrics::reader::DefaultAggregationSelector::new()),
            Box::new(DefaultTemporalitySelector::new()),
        )?;
    let reader = opentelemetry_sdk::metrics::PeriodicReader::builder(exporter, runtime::Tokio).build();
    Ok(opentelemetry_sdk::metrics::MeterProvider::builder().with_reader(reader).build())
}

/// An `ExportConfig` kept in a local (endpoint by shorthand) and named by the exporter of each
/// transport: its endpoint becomes optional where it is made.
pub fn export_config_in_local(endpoint: String, wire: Wire) -> opentelemetry_sdk::metrics::MeterProvider {
    let config = opentelemetry_otlp::ExportConfig {
        endpoint,
        ..opentelemetry_otlp::ExportConfig::default()
    };
    match wire {
        Wire::Grpc => opentelemetry_otlp::new_pipeline()
            .metrics(runtime::Tokio)
            .with_exporter(opentelemetry_otlp::new_exporter().tonic().with_export_config(config))
            .build()
            .expect("grpc"),
        Wire::Http => opentelemetry_otlp::new_pipeline()
            .metrics(runtime::Tokio)
            .with_exporter(opentelemetry_otlp::new_exporter().http().with_export_config(config))
            .build()
            .expect("http"),
    }
}

/// Baggage and trace context through the SDK's composite propagator (the API's since 0.22),
/// named from a grouped import.
pub fn propagator() -> impl opentelemetry::propagation::TextMapPropagator {
    TextMapCompositePropagator::new(vec![
        Box::new(BaggagePropagator::new()),
        Box::new(TraceContextPropagator::new()),
    ])
}

/// The same from the function's own grouped `use`.
pub fn baggage_propagator() -> impl opentelemetry::propagation::TextMapPropagator {
    use opentelemetry_sdk::propagation::{BaggagePropagator, TextMapCompositePropagator as Composite};
    Composite::new(vec![Box::new(BaggagePropagator::new())])
}
