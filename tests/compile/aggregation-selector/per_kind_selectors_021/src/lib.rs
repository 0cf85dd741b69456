#![deny(deprecated)]
//! 0.21 metrics (otlp 0.14): the user's own aggregation selectors on OTLP pipelines, one
//! choosing exponential histograms (written with full paths, as wasmCloud does), one explicit
//! buckets and dropped up-down counters (imported names, the default for the rest).

use opentelemetry::metrics::MetricsError;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::metrics::reader::{AggregationSelector, DefaultAggregationSelector};
use opentelemetry_sdk::metrics::{Aggregation, InstrumentKind, MeterProvider};
use opentelemetry_sdk::{runtime, Resource};

/// Exponential histograms: latency at nanosecond accuracy.
#[derive(Clone, Default, Debug)]
struct ExponentialHistograms {
    _private: (),
}

impl ExponentialHistograms {
    fn new() -> Self {
        Self::default()
    }
}

impl opentelemetry_sdk::metrics::reader::AggregationSelector for ExponentialHistograms {
    fn aggregation(
        &self,
        kind: opentelemetry_sdk::metrics::InstrumentKind,
    ) -> opentelemetry_sdk::metrics::Aggregation {
        match kind {
            opentelemetry_sdk::metrics::InstrumentKind::Counter
            | opentelemetry_sdk::metrics::InstrumentKind::UpDownCounter
            | opentelemetry_sdk::metrics::InstrumentKind::ObservableCounter
            | opentelemetry_sdk::metrics::InstrumentKind::ObservableUpDownCounter => {
                opentelemetry_sdk::metrics::Aggregation::Sum
            }
            opentelemetry_sdk::metrics::InstrumentKind::ObservableGauge => {
                opentelemetry_sdk::metrics::Aggregation::LastValue
            }
            opentelemetry_sdk::metrics::InstrumentKind::Histogram => {
                opentelemetry_sdk::metrics::Aggregation::Base2ExponentialHistogram {
                    max_size: 160,
                    max_scale: 20,
                    record_min_max: true,
                }
            }
        }
    }
}

pub fn exponential(endpoint: &str, resource: Resource) -> Result<MeterProvider, MetricsError> {
    opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(
            opentelemetry_otlp::new_exporter()
                .tonic()
                .with_endpoint(endpoint),
        )
        .with_resource(resource)
        .with_aggregation_selector(ExponentialHistograms::new())
        .build()
}

/// Millisecond buckets for histograms; up-down counters are not exported.
struct MillisecondBuckets;

impl AggregationSelector for MillisecondBuckets {
    fn aggregation(&self, kind: InstrumentKind) -> Aggregation {
        match kind {
            InstrumentKind::Histogram => Aggregation::ExplicitBucketHistogram {
                boundaries: vec![1.0, 10.0, 100.0, 1000.0],
                record_min_max: false,
            },
            InstrumentKind::UpDownCounter | InstrumentKind::ObservableUpDownCounter => {
                Aggregation::Drop
            }
            _ => DefaultAggregationSelector::new().aggregation(kind),
        }
    }
}

pub fn milliseconds(endpoint: &str) -> Result<MeterProvider, MetricsError> {
    let provider = opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(
            opentelemetry_otlp::new_exporter()
                .tonic()
                .with_endpoint(endpoint),
        )
        .with_aggregation_selector(MillisecondBuckets)
        .build()?;
    Ok(provider)
}
