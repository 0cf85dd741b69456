#![deny(deprecated)]
//! 0.22 metrics (otlp 0.15): aggregation selectors that read their own state. A public
//! per-kind configuration seeded from the SDK's default selector and handed to the pipeline as
//! a parameter (the shape of a logging library's metrics module), and a private selector built
//! in the call from a run-time flag. Both become an inherent `aggregation` the views ask.

use opentelemetry::metrics::MetricsError;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::metrics::reader::{AggregationSelector, DefaultAggregationSelector};
use opentelemetry_sdk::metrics::{Aggregation, InstrumentKind, SdkMeterProvider};
use opentelemetry_sdk::{runtime, Resource};

/// One aggregation per instrument kind, chosen by the service's configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct PerKind {
    pub counter: Aggregation,
    pub up_down_counter: Aggregation,
    pub observable_counter: Aggregation,
    pub observable_up_down_counter: Aggregation,
    pub gauge: Aggregation,
    pub observable_gauge: Aggregation,
    pub histogram: Aggregation,
}

impl Default for PerKind {
    fn default() -> Self {
        let sdk = DefaultAggregationSelector::new();
        PerKind {
            counter: sdk.aggregation(InstrumentKind::Counter),
            up_down_counter: sdk.aggregation(InstrumentKind::UpDownCounter),
            observable_counter: sdk.aggregation(InstrumentKind::ObservableCounter),
            observable_up_down_counter: sdk.aggregation(InstrumentKind::ObservableUpDownCounter),
            gauge: sdk.aggregation(InstrumentKind::Gauge),
            observable_gauge: sdk.aggregation(InstrumentKind::ObservableGauge),
            histogram: sdk.aggregation(InstrumentKind::Histogram),
        }
    }
}

impl AggregationSelector for PerKind {
    fn aggregation(&self, kind: InstrumentKind) -> Aggregation {
        match kind {
            InstrumentKind::Counter => self.counter.clone(),
            InstrumentKind::UpDownCounter => self.up_down_counter.clone(),
            InstrumentKind::ObservableCounter => self.observable_counter.clone(),
            InstrumentKind::ObservableUpDownCounter => self.observable_up_down_counter.clone(),
            InstrumentKind::Gauge => self.gauge.clone(),
            InstrumentKind::ObservableGauge => self.observable_gauge.clone(),
            InstrumentKind::Histogram => self.histogram.clone(),
        }
    }
}

pub fn meter_provider(
    endpoint: &str,
    resource: Resource,
    aggregation: PerKind,
) -> Result<SdkMeterProvider, MetricsError> {
    opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(
            opentelemetry_otlp::new_exporter()
                .tonic()
                .with_endpoint(endpoint),
        )
        .with_resource(resource)
        .with_aggregation_selector(aggregation)
        .build()
}

/// Seconds or milliseconds buckets, decided at start-up.
struct Latency {
    seconds: bool,
}

impl AggregationSelector for Latency {
    fn aggregation(&self, kind: InstrumentKind) -> Aggregation {
        match kind {
            InstrumentKind::Histogram if self.seconds => Aggregation::ExplicitBucketHistogram {
                boundaries: vec![0.01, 0.1, 1.0, 10.0],
                record_min_max: true,
            },
            InstrumentKind::Histogram => Aggregation::ExplicitBucketHistogram {
                boundaries: vec![10.0, 100.0, 1000.0, 10000.0],
                record_min_max: true,
            },
            _ => Aggregation::Default,
        }
    }
}

pub fn latency_provider(seconds: bool) -> Result<SdkMeterProvider, MetricsError> {
    opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(opentelemetry_otlp::new_exporter().tonic())
        .with_aggregation_selector(Latency { seconds })
        .build()
}
