#![deny(deprecated, unused)]
//! A service hands its logs provider to the tracing bridge through a logger it makes for that
//! alone (`logger.provider()`, deprecated in 0.27): the migrated code passes the provider and
//! keeps no unused logger, trait import, name or deprecated call. Where the logger's name and
//! version are read nowhere else, the logger stays (named `_logger`), else it goes.

use opentelemetry::logs::LoggerProvider as _;
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use opentelemetry_otlp::WithExportConfig;
use tracing_subscriber::prelude::*;

const VERSION: &str = env!("CARGO_PKG_VERSION");

pub enum Wire {
    Grpc,
    Http,
}

pub fn install_logs(
    wire: Wire,
    endpoint: String,
    service: &str,
) -> opentelemetry_sdk::logs::LoggerProvider {
    let logs = match wire {
        Wire::Grpc => opentelemetry_otlp::new_pipeline()
            .logging()
            .with_exporter(
                opentelemetry_otlp::new_exporter()
                    .tonic()
                    .with_endpoint(endpoint.clone()),
            )
            .install_batch(opentelemetry_sdk::runtime::Tokio)
            .expect("grpc logs"),
        Wire::Http => opentelemetry_otlp::new_pipeline()
            .logging()
            .with_exporter(
                opentelemetry_otlp::new_exporter()
                    .http()
                    .with_endpoint(endpoint),
            )
            .install_batch(opentelemetry_sdk::runtime::Tokio)
            .expect("http logs"),
    };
    let logger = logs
        .logger_builder(service.to_owned())
        .with_version(VERSION)
        .build();
    tracing_subscriber::registry()
        .with(OpenTelemetryTracingBridge::new(logger.provider()))
        .init();
    logs
}

/// The name and version are read again below: the logger goes, and with it the trait import.
pub fn bridge_layer(
    service: String,
) -> (
    OpenTelemetryTracingBridge<
        opentelemetry_sdk::logs::LoggerProvider,
        opentelemetry_sdk::logs::Logger,
    >,
    String,
) {
    let logs = opentelemetry_sdk::logs::LoggerProvider::builder().build();
    let logger = logs
        .logger_builder(service.clone())
        .with_version(VERSION)
        .build();
    let bridge = OpenTelemetryTracingBridge::new(logger.provider());
    (bridge, format!("{service}@{VERSION}"))
}

/// The provider is taken by value: read like a local.
pub fn bridge_for(
    logs: opentelemetry_sdk::logs::LoggerProvider,
) -> (
    OpenTelemetryTracingBridge<
        opentelemetry_sdk::logs::LoggerProvider,
        opentelemetry_sdk::logs::Logger,
    >,
    opentelemetry_sdk::logs::LoggerProvider,
) {
    let logger = logs.logger("bridge");
    let bridge = OpenTelemetryTracingBridge::new(logger.provider());
    (bridge, logs)
}
