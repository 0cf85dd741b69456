#![deny(deprecated)]
//! opentelemetry 0.22: an instrumentation library built with its four-argument constructor.

use opentelemetry::{InstrumentationLibrary, KeyValue};

fn scope() -> InstrumentationLibrary {
    InstrumentationLibrary::new(
        "svc",
        Some(env!("CARGO_PKG_VERSION")),
        Some("https://opentelemetry.io/schemas/1.21.0"),
        Some(vec![KeyValue::new("team", "core")]),
    )
}

fn main() {
    println!("{:?}", scope());
}
