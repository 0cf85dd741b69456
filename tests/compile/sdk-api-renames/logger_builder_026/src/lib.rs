#![deny(deprecated)]
//! Loggers named with a version through 0.23–0.26's `logger_builder(..)….build()` (removed in
//! 0.27 with its `LoggerBuilder`): on the provider the logs pipeline yields, chosen per
//! transport, on a parameter, and on a generic provider.

use opentelemetry::logs::{Logger as _, LoggerProvider as _};
use opentelemetry_sdk::logs::{Logger, LoggerProvider};

pub enum Transport {
    Grpc,
    Http,
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn service_logger(transport: Transport, service: &str) -> (LoggerProvider, Logger) {
    let logger_provider = match transport {
        Transport::Grpc => opentelemetry_otlp::new_pipeline()
            .logging()
            .with_exporter(opentelemetry_otlp::new_exporter().tonic())
            .install_batch(opentelemetry_sdk::runtime::Tokio)
            .expect("grpc logs pipeline"),
        Transport::Http => opentelemetry_otlp::new_pipeline()
            .logging()
            .with_exporter(opentelemetry_otlp::new_exporter().http())
            .install_batch(opentelemetry_sdk::runtime::Tokio)
            .expect("http logs pipeline"),
    };
    let logger = logger_provider
        .logger_builder(service.to_owned())
        .with_version(VERSION)
        .build();
    (logger_provider, logger)
}

pub fn audit_logger(provider: &LoggerProvider) -> Logger {
    provider
        .logger_builder("audit")
        .with_schema_url("https://opentelemetry.io/schemas/1.21.0")
        .build()
}

pub fn any_logger<P: opentelemetry::logs::LoggerProvider>(provider: &P) -> P::Logger {
    provider.logger_builder("generic").with_version("1").build()
}

/// 0.21–0.22's way (deprecated since 0.23): the `Option`s take `.into()` to the old parameter
/// types, which the generic scope links cannot infer.
#[allow(deprecated)]
pub fn legacy_logger(provider: &LoggerProvider) -> Logger {
    provider.versioned_logger(
        "legacy",
        Some(VERSION.into()),
        None,
        Some([opentelemetry::KeyValue::new("tier", "legacy")].into()),
    )
}

pub fn emit(logger: &Logger) {
    let record = logger.create_log_record();
    logger.emit(record);
}
