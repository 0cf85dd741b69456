//! Metric views compile on 0.26 with the plain `metrics` feature; 0.27 moved them behind
//! `spec_unstable_metrics_views`, which manifest-features adds because the code uses `new_view`.
#![deny(deprecated)]

use opentelemetry::metrics::MeterProvider as _;
use opentelemetry_sdk::metrics::{new_view, Instrument, SdkMeterProvider, Stream};

pub fn provider() -> SdkMeterProvider {
    let view = new_view(
        Instrument::new().name("latency"),
        Stream::new().name("latency_seconds"),
    )
    .expect("valid view");
    SdkMeterProvider::builder().with_view(view).build()
}

pub fn record(provider: &SdkMeterProvider) {
    let histogram = provider.meter("svc").f64_histogram("latency").init();
    histogram.record(0.5, &[]);
}

pub fn runtime() -> opentelemetry_sdk::runtime::Tokio {
    opentelemetry_sdk::runtime::Tokio
}
