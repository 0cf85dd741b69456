#![deny(deprecated)]
//! A library whose collector export only exists with the `jaeger` feature (policy-engine shape).

use opentelemetry::trace::TraceError;
use opentelemetry_sdk::trace as sdktrace;

/// Default Jaeger collector endpoint (Thrift over HTTP).
pub const DEFAULT_COLLECTOR_ENDPOINT: &str = "http://localhost:14268/api/traces";

#[cfg(feature = "jaeger")]
pub fn init_collector_tracer(
    service_name: &str,
    endpoint: Option<&str>,
) -> Result<Option<sdktrace::Tracer>, TraceError> {
    use std::time::Duration;

    use opentelemetry::KeyValue;
    use opentelemetry_sdk::{runtime, Resource};

    let mut pipeline = opentelemetry_jaeger::new_collector_pipeline()
        .with_service_name(format!("{service_name}-sandbox"))
        .with_endpoint(endpoint.unwrap_or(DEFAULT_COLLECTOR_ENDPOINT))
        .with_timeout(Duration::from_secs(10))
        .with_reqwest()
        .with_trace_config(
            sdktrace::Config::default()
                .with_sampler(sdktrace::Sampler::AlwaysOn)
                .with_resource(Resource::new(vec![KeyValue::new("policy.runtime", "wasm")])),
        )
        .with_batch_processor_config(
            sdktrace::BatchConfig::default()
                .with_max_queue_size(4096)
                .with_scheduled_delay(Duration::from_secs(2)),
        );

    if let (Ok(user), Ok(password)) = (
        std::env::var("JAEGER_COLLECTOR_USER"),
        std::env::var("JAEGER_COLLECTOR_PASSWORD"),
    ) {
        pipeline = pipeline.with_username(user).with_password(password);
    }

    let tracer = pipeline.install_batch(runtime::Tokio)?;
    Ok(Some(tracer))
}

#[cfg(not(feature = "jaeger"))]
pub fn init_collector_tracer(
    _service_name: &str,
    endpoint: Option<&str>,
) -> Result<Option<sdktrace::Tracer>, TraceError> {
    tracing::debug!(
        endpoint = endpoint.unwrap_or(DEFAULT_COLLECTOR_ENDPOINT),
        "built without the `jaeger` feature; collector export disabled"
    );
    Ok(None)
}
