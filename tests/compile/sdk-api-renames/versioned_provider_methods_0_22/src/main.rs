#![deny(deprecated)]
//! opentelemetry 0.22: tracers and meters named with a version through the provider methods
//! that took the scope as four arguments (removed in 0.27).

use opentelemetry::global;
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{Tracer as _, TracerProvider as _};
use opentelemetry::KeyValue;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::TracerProvider;

fn main() {
    let provider = TracerProvider::builder().build();
    let tracer = provider.versioned_tracer("svc", Some(env!("CARGO_PKG_VERSION")), None::<&str>, None);
    tracer.in_span("work", |_| {});
    let meters = SdkMeterProvider::builder().build();
    let meter = meters.versioned_meter(
        "svc",
        Some("1.2.0"),
        Some("https://opentelemetry.io/schemas/1.21.0"),
        Some(vec![KeyValue::new("team", "core")]),
    );
    let _global = global::meter_provider().versioned_meter("svc", None::<&str>, None::<&str>, None);
    meter.u64_counter("requests").init().add(1, &[]);
}
