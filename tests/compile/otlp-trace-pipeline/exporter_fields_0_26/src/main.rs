#![deny(deprecated)]
//! otlp 0.26 (opentelemetry 0.26): exporter builders kept in private structs' fields and fed
//! to the trace, metrics and logs pipelines later (issue 15 shape 5, fields).

use std::time::Duration;

use opentelemetry::metrics::MetricsError;
use opentelemetry::trace::TraceError;
use opentelemetry_otlp::{HttpExporterBuilder, TonicExporterBuilder, WithExportConfig};
use opentelemetry_sdk::metrics::reader::DefaultTemporalitySelector;
use opentelemetry_sdk::runtime;

#[derive(Debug)]
struct Tracing {
    exporter: TonicExporterBuilder,
    name: &'static str,
}

impl Tracing {
    fn new(endpoint: &str) -> anyhow::Result<Self> {
        Ok(Self {
            exporter: opentelemetry_otlp::new_exporter()
                .tonic()
                .with_endpoint(endpoint)
                .with_timeout(Duration::from_secs(3)),
            name: "svc",
        })
    }

    fn from_local(name: &'static str) -> Result<Tracing, TraceError> {
        let mut exporter = opentelemetry_otlp::new_exporter().tonic();
        exporter = exporter.with_endpoint("http://collector:4317");
        Ok(Tracing { exporter, name })
    }

    fn start(self) -> Result<opentelemetry_sdk::trace::TracerProvider, TraceError> {
        let provider = opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(self.exporter)
            .install_batch(runtime::Tokio)?;
        println!("{}", self.name);
        Ok(provider)
    }
}

struct Metrics {
    metric_exporter: HttpExporterBuilder,
}

fn metrics(endpoint: &str) -> Result<Metrics, Box<dyn std::error::Error + Send + Sync>> {
    Ok(Metrics {
        metric_exporter: opentelemetry_otlp::new_exporter()
            .http()
            .with_endpoint(format!("{endpoint}/v1/metrics")),
    })
}

fn meter_provider(m: Metrics) -> Result<opentelemetry_sdk::metrics::SdkMeterProvider, MetricsError> {
    opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(m.metric_exporter)
        .with_period(Duration::from_secs(10))
        .with_temporality_selector(DefaultTemporalitySelector::new())
        .build()
}

struct Logs {
    log_exporter: TonicExporterBuilder,
}

impl Logs {
    async fn new() -> anyhow::Result<Logs> {
        Ok(Logs {
            log_exporter: opentelemetry_otlp::new_exporter().tonic(),
        })
    }

    fn start(self) -> opentelemetry_sdk::logs::LoggerProvider {
        opentelemetry_otlp::new_pipeline()
            .logging()
            .with_exporter(self.log_exporter)
            .install_simple()
            .expect("logs")
    }
}

/// An optional exporter, taken by `if let Some(..)` where the pipeline is installed.
struct OptionalTracing {
    optional: Option<TonicExporterBuilder>,
}

impl OptionalTracing {
    fn new(endpoint: Option<&str>) -> anyhow::Result<Self> {
        match endpoint {
            Some(endpoint) => Ok(Self {
                optional: Some(opentelemetry_otlp::new_exporter().tonic().with_endpoint(endpoint)),
            }),
            None => Ok(Self { optional: None }),
        }
    }

    fn start(self) -> anyhow::Result<bool> {
        if let Some(exporter) = self.optional {
            let installed = opentelemetry_otlp::new_pipeline()
                .tracing()
                .with_exporter(exporter)
                .install_simple()?;
            drop(installed);
            return Ok(true);
        }
        Ok(false)
    }
}

/// An optional metrics exporter, unwrapped where the pipeline is built.
struct OptionalMetrics {
    optional_metrics: Option<HttpExporterBuilder>,
}

fn optional_metrics() -> Result<OptionalMetrics, MetricsError> {
    Ok(OptionalMetrics {
        optional_metrics: Some(opentelemetry_otlp::new_exporter().http()),
    })
}

fn optional_meter_provider(m: OptionalMetrics) -> anyhow::Result<()> {
    let provider = opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(m.optional_metrics.expect("enabled"))
        .build()?;
    drop(provider);
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _tracer = Tracing::new("http://collector:4317")?.start()?;
    let _other = Tracing::from_local("other")?.start()?;
    let metrics = metrics("http://collector:4318").map_err(|e| anyhow::anyhow!(e))?;
    let _provider = meter_provider(metrics)?;
    let _logger = Logs::new().await?.start();
    OptionalTracing::new(Some("http://collector:4317"))?.start()?;
    optional_meter_provider(optional_metrics()?)?;
    Ok(())
}
