#![deny(deprecated)]

use opentelemetry::metrics::{Counter, Histogram, Meter, UpDownCounter};
use opentelemetry::{global, KeyValue};

pub struct Instruments {
    pub requests: Counter<u64>,
    pub latency: Histogram<f64>,
    pub in_flight: UpDownCounter<i64>,
}

pub fn instruments(meter: &Meter) -> Instruments {
    let latency = meter.f64_histogram("latency").with_unit("s").with_description("Latency");
    Instruments {
        requests: meter.u64_counter("requests").with_description("Requests").init(),
        latency: latency.init(),
        in_flight: meter.i64_up_down_counter("in_flight").init(),
    }
}

pub fn observe() {
    let meter = global::meter("svc");
    let _gauge = meter
        .u64_observable_gauge("memory")
        .with_callback(|observer| observer.observe(1, &[KeyValue::new("kind", "rss")]))
        .init();
    let gauge = meter.f64_gauge("temperature").init();
    gauge.record(21.5, &[]);
}
