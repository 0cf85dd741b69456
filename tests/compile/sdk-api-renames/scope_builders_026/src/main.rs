//! The scope builders of the opentelemetry-otlp 0.26 `basic-otlp` example: a tracer named with
//! `tracer_builder(..)….build()` (global, local, parameter and generic providers) and a meter
//! named with `global::meter_with_version(..)`.

use opentelemetry::global::{self, meter_with_version};
use opentelemetry::trace::{TraceContextExt, Tracer, TracerProvider as _};
use opentelemetry::KeyValue;
use opentelemetry_sdk::trace::TracerProvider;

fn library_tracer(provider: &TracerProvider) -> opentelemetry_sdk::trace::Tracer {
    provider
        .tracer_builder("library")
        .with_version(env!("CARGO_PKG_VERSION"))
        .with_schema_url("https://opentelemetry.io/schemas/1.21.0")
        .build()
}

fn generic_tracer<P: opentelemetry::trace::TracerProvider>(provider: &P) -> P::Tracer {
    provider.tracer_builder("generic").with_version("1").build()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync + 'static>> {
    let tracer_provider = TracerProvider::builder().build();
    global::set_tracer_provider(tracer_provider.clone());
    let _library = library_tracer(&tracer_provider);
    let _generic = generic_tracer(&tracer_provider);
    let local = tracer_provider.tracer_builder("local").build();
    local.in_span("local operation", |_cx| {});

    let common_scope_attributes = vec![KeyValue::new("scope-key", "scope-value")];
    let tracer = global::tracer_provider()
        .tracer_builder("basic")
        .with_attributes(common_scope_attributes.clone())
        .build();
    let meter = global::meter_with_version(
        "basic",
        Some("v1.0"),
        Some("schema_url"),
        Some(common_scope_attributes.clone()),
    );
    let _plain = opentelemetry::global::meter_with_version("plain", None, None, None);
    let _imported = meter_with_version("imported", Some("2.0"), None, None);

    let counter = meter
        .u64_counter("test_counter")
        .with_description("a simple counter for demo purposes.")
        .init();
    counter.add(10, &[KeyValue::new("test_key", "test_value")]);

    tracer.in_span("Main operation", |cx| {
        let span = cx.span();
        span.add_event("Nice operation!", vec![KeyValue::new("bogons", 100)]);
    });
    tracer_provider.shutdown()?;
    Ok(())
}
