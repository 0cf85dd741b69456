#![deny(deprecated)]
//! X-Ray trace ids on 0.23: the SDK's `XrayIdGenerator` (gone after 0.23) is opentelemetry-aws's
//! on the target; the package has that crate already, for the propagator.

use opentelemetry_aws::trace::XrayPropagator;
use opentelemetry_sdk::trace::{self as sdktrace, XrayIdGenerator};

fn provider() -> sdktrace::TracerProvider {
    opentelemetry::global::set_text_map_propagator(XrayPropagator::default());
    sdktrace::TracerProvider::builder()
        .with_id_generator(XrayIdGenerator::default())
        .build()
}

fn generator() -> sdktrace::XrayIdGenerator {
    sdktrace::XrayIdGenerator::default()
}

fn main() {
    let _provider = provider();
    let _generator = generator();
}
