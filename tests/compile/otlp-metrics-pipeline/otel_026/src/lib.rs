#![deny(deprecated)]
//! 0.26 metrics: the edge-agent pipeline (tail of a `Result` function, delta temporality), an
//! HTTP pipeline bound with `?` and a hand-written selector, instruments.

use std::time::Duration;

use opentelemetry::metrics::{MeterProvider as _, MetricsError};
use opentelemetry::{global, KeyValue};
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::metrics::data::Temporality;
use opentelemetry_sdk::metrics::reader::{DefaultTemporalitySelector, TemporalitySelector};
use opentelemetry_sdk::metrics::{InstrumentKind, SdkMeterProvider};
use opentelemetry_sdk::{runtime, Resource};

pub mod signatures;
pub mod logs;

pub struct Settings {
    pub otlp_endpoint: String,
}

pub fn init_meter_provider(
    settings: &Settings,
    resource: Resource,
) -> Result<SdkMeterProvider, MetricsError> {
    opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(
            opentelemetry_otlp::new_exporter()
                .tonic()
                .with_endpoint(settings.otlp_endpoint.clone()),
        )
        .with_resource(resource)
        .with_period(Duration::from_secs(15))
        .with_delta_temporality()
        .build()
}

/// Delta for every kind.
struct AllDelta;

impl TemporalitySelector for AllDelta {
    fn temporality(&self, _kind: InstrumentKind) -> Temporality {
        Temporality::Delta
    }
}

pub fn init_http(url: &str) -> Result<SdkMeterProvider, MetricsError> {
    let provider = opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(
            opentelemetry_otlp::new_exporter()
                .http()
                .with_protocol(Protocol::HttpBinary)
                .with_endpoint(format!("{url}/v1/metrics")),
        )
        .with_timeout(Duration::from_secs(5))
        .with_temporality_selector(AllDelta)
        .build()?;
    let meter = provider.meter("svc");
    let requests = meter.u64_counter("requests").init();
    requests.add(1, &[KeyValue::new("route", "/")]);
    Ok(provider)
}

pub fn init_default() -> SdkMeterProvider {
    let provider = opentelemetry_otlp::new_pipeline()
        .metrics(runtime::Tokio)
        .with_exporter(opentelemetry_otlp::new_exporter().tonic())
        .with_temporality_selector(DefaultTemporalitySelector::new())
        .build()
        .expect("meter provider");
    global::set_meter_provider(provider.clone());
    provider
}

pub fn shutdown(provider: SdkMeterProvider) -> Result<(), MetricsError> {
    provider.shutdown()
}
