#![deny(deprecated)]
//! Instruments made with `try_init()` (gone in 0.27: `build()` cannot fail): handled on the
//! spot with `?`, `.unwrap()` and `.expect(..)`, or kept as a `Result` handed to a helper.

use opentelemetry::metrics::{Counter, Meter, MetricsError, ObservableGauge, Result};

/// Goes on without an instrument that could not be made.
fn optional<T, E: std::fmt::Display>(made: std::result::Result<T, E>) -> Option<T> {
    match made {
        Ok(t) => Some(t),
        Err(e) => {
            eprintln!("instrument not created: {e}");
            None
        }
    }
}

pub struct QueueMetrics {
    pub depth: Option<ObservableGauge<u64>>,
    pub failures: Counter<u64>,
    pub retries: Counter<u64>,
}

pub fn queue_metrics(meter: &Meter) -> std::result::Result<QueueMetrics, MetricsError> {
    let depth = optional(
        meter
            .u64_observable_gauge("queue.depth")
            .with_description("messages waiting")
            .try_init(),
    );
    let failures = meter.u64_counter("queue.failures").try_init()?;
    let retries = meter
        .u64_counter("queue.retries")
        .try_init()
        .expect("a counter");
    Ok(QueueMetrics {
        depth,
        failures,
        retries,
    })
}

pub fn latency(meter: &Meter) -> Result<opentelemetry::metrics::Histogram<f64>> {
    meter.f64_histogram("latency").with_unit(opentelemetry::metrics::Unit::new("s")).try_init()
}

pub fn maybe_counter(meter: &Meter) -> Option<Counter<u64>> {
    if let Ok(c) = meter.u64_counter("maybe").try_init() {
        return Some(c);
    }
    None
}
