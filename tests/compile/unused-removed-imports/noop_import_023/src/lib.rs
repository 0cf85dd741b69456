#![deny(deprecated)]
//! opentelemetry 0.23: a metrics module whose group import still names the no-op provider and
//! the unit type after their last uses went (0.27 has neither).

use opentelemetry::metrics::{noop::NoopMeterProvider, Counter, Meter, Unit};
use opentelemetry::KeyValue;

pub fn requests(meter: &Meter) -> Counter<u64> {
    meter.u64_counter("requests").with_description("served").init()
}

pub fn record(counter: &Counter<u64>, route: &'static str) {
    counter.add(1, &[KeyValue::new("route", route)]);
}
