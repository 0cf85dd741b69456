#![deny(deprecated)]
//! 0.21 metrics (otlp 0.14): a pipeline that also installed the global provider, a hand-written
//! per-kind selector, the SDK `MeterProvider` struct, Prometheus and a view.

use std::time::Duration;

use opentelemetry::metrics::{MeterProvider as _, MetricsError};
use opentelemetry::{global, KeyValue};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::metrics::data::Temporality;
use opentelemetry_sdk::metrics::reader::{DefaultAggregationSelector, TemporalitySelector};
use opentelemetry_sdk::metrics::{
    new_view, Aggregation, Instrument, InstrumentKind, MeterProvider, Stream,
};
use opentelemetry_sdk::{runtime, Resource};
use prometheus::Registry;

pub mod signatures;
pub mod logs;
pub mod trace;

/// Delta for counters and histograms, cumulative otherwise (0.27's `LowMemory`).
#[derive(Clone, Copy)]
struct CountersDelta;

impl TemporalitySelector for CountersDelta {
    fn temporality(&self, kind: InstrumentKind) -> Temporality {
        match kind {
            InstrumentKind::Counter | InstrumentKind::Histogram => Temporality::Delta,
            _ => Temporality::Cumulative,
        }
    }
}

pub fn init_otlp(endpoint: &str, resource: Resource) -> Result<MeterProvider, MetricsError> {
    let provider = opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(
            opentelemetry_otlp::new_exporter()
                .tonic()
                .with_endpoint(endpoint)
                .with_timeout(Duration::from_secs(3)),
        )
        .with_resource(resource)
        .with_period(Duration::from_secs(10))
        .with_aggregation_selector(DefaultAggregationSelector::new())
        .with_temporality_selector(CountersDelta)
        .build()?;
    // otlp 0.14 registered the provider globally, and this code relies on it.
    let counter = global::meter("svc").u64_counter("started").init();
    counter.add(1, &[KeyValue::new("kind", "otlp")]);
    Ok(provider)
}

pub fn init_prometheus(registry: Registry) -> Result<MeterProvider, MetricsError> {
    let exporter = opentelemetry_prometheus::exporter()
        .with_registry(registry)
        .build()?;
    let view = new_view(
        Instrument::new().name("latency"),
        Stream::new().aggregation(Aggregation::ExplicitBucketHistogram {
            boundaries: vec![0.1, 0.5, 1.0],
            record_min_max: true,
        }),
    )?;
    let provider = MeterProvider::builder()
        .with_reader(exporter)
        .with_view(view)
        .build();
    let histogram = provider.meter("svc").f64_histogram("latency").init();
    histogram.record(0.2, &[]);
    Ok(provider)
}
