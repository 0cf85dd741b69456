#![deny(deprecated)]
//! The pipeline is made first and given its exporter in each arm of a protocol `match`; each
//! arm keeps its exporter in a local of its own block and extends it under a condition before
//! handing it over (otlp 0.14: `install_batch` returns the tracer).

use std::collections::HashMap;
use std::time::Duration;

use opentelemetry_sdk::trace::Tracer;

pub struct Settings {
    pub protocol: String,
    pub api_key: Option<String>,
    pub timeout: Option<Duration>,
}

pub fn tracer(settings: &Settings) -> Tracer {
    let pipeline = opentelemetry_otlp::new_pipeline().tracing();

    let pipeline = match settings.protocol.as_str() {
        "grpc" => {
            let mut exporter = opentelemetry_otlp::new_exporter()
                .tonic()
                .with_endpoint("http://collector:4317");
            // the key travels as gRPC metadata
            if let Some(key) = &settings.api_key {
                let mut metadata = tonic::metadata::MetadataMap::new();
                metadata.insert("x-api-key", key.parse().expect("ascii key"));
                exporter = exporter.with_metadata(metadata);
            }
            pipeline.with_exporter(exporter)
        }
        "http" => {
            let mut exporter = opentelemetry_otlp::new_exporter()
                .http()
                .with_endpoint("http://collector:4318/v1/traces");
            if let Some(key) = &settings.api_key {
                exporter = exporter.with_headers(HashMap::from([("x-api-key".to_string(), key.clone())]));
            }
            if let Some(t) = settings.timeout {
                exporter = exporter.with_timeout(t);
            }
            pipeline.with_exporter(exporter)
        }
        other => panic!("unknown OTLP protocol {other}"),
    };

    pipeline
        .install_batch(opentelemetry_sdk::runtime::Tokio)
        .expect("trace pipeline")
}
