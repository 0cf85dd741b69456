#![deny(deprecated)]
//! opentelemetry 0.21: instrument units and SDK views took `Unit` (removed in 0.24).

mod error_beside_provider;
mod in_macros;

use opentelemetry::metrics::{Histogram, Meter, MeterProvider as _, Unit};
use opentelemetry_sdk::metrics::{new_view, Instrument, MeterProvider, Stream};

pub struct Instruments {
    pub latency: Histogram<f64>,
    pub unit: Unit,
}

fn instruments(meter: &Meter) -> Instruments {
    let latency = meter
        .f64_histogram("http.server.duration")
        .with_unit(Unit::new("ms"))
        .init();
    let bytes = meter.u64_counter("bytes").with_unit(Unit::new(String::from("By"))).init();
    bytes.add(1, &[]);
    Instruments { latency, unit: Unit::new("ms") }
}

fn describe(unit: &Unit) -> String {
    let label: Option<Unit> = None;
    format!("{} {:?}", unit.as_str(), label)
}

fn main() {
    let view = new_view(
        Instrument::new().name("http.server.duration").unit(Unit::new("ms")),
        Stream::new().unit(Unit::new("s")),
    )
    .expect("view");
    let provider = MeterProvider::builder().with_view(view).build();
    let meter = provider.meter("svc");
    let i = instruments(&meter);
    let _checkout = error_beside_provider::service_meter(&provider).expect("meter");
    i.latency.record(1.0, &[]);
    println!("{}", describe(&i.unit));
    println!("{:?} {:?}", in_macros::scoped(), *in_macros::LATENCY_UNIT);
    let _ = in_macros::gated(&opentelemetry_sdk::trace::TracerProvider::builder().build());
}
