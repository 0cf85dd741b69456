//! otlp 0.14 logging: a helper returning the `Logger` (the provider lived in a global), and
//! its caller keeping the result alive.
use opentelemetry::logs::LogError;
use opentelemetry_sdk::logs::{Config, Logger};
use opentelemetry_sdk::{runtime, Resource};

pub fn init_logger(resource: Resource) -> Result<Logger, LogError> {
    opentelemetry_otlp::new_pipeline()
        .logging()
        .with_log_config(Config::default().with_resource(resource))
        .with_exporter(opentelemetry_otlp::new_exporter().tonic())
        .install_batch(runtime::Tokio)
}

pub fn run() -> Result<(), LogError> {
    let _logger = init_logger(Resource::default())?;
    Ok(())
}

/// The 0.21 appender-tracing wiring: the bridge took its provider from the global.
pub fn init_with_bridge() -> Result<(), LogError> {
    use opentelemetry::global;
    use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    let _logger = opentelemetry_otlp::new_pipeline()
        .logging()
        .with_exporter(opentelemetry_otlp::new_exporter().tonic())
        .install_batch(runtime::Tokio)?;
    let bridge = OpenTelemetryTracingBridge::new(&global::logger_provider());
    tracing_subscriber::registry().with(bridge).init();
    Ok(())
}

/// A log exporter built directly from a typed local, handed to the SDK provider builder with
/// a logs `Config` (issue 15, the databend shape).
pub fn direct_provider(endpoint: &str) -> opentelemetry_sdk::logs::LoggerProvider {
    use opentelemetry_otlp::WithExportConfig;

    let builder: opentelemetry_otlp::LogExporterBuilder = opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint(endpoint)
        .into();
    let exporter = builder.build_log_exporter().expect("log exporter");
    opentelemetry_sdk::logs::LoggerProvider::builder()
        .with_batch_exporter(exporter, runtime::Tokio)
        .with_config(Config::default().with_resource(Resource::default()))
        .build()
}

/// Installed in `let _ = …` (the `Logger` dropped, the provider kept by the global) and shut
/// down later in the same block: the provider is bound so it lives until that shutdown.
pub fn one_job() -> Result<(), LogError> {
    let _ = opentelemetry_otlp::new_pipeline()
        .logging()
        .with_exporter(opentelemetry_otlp::new_exporter().tonic())
        .install_simple()?;
    opentelemetry::global::shutdown_logger_provider();
    Ok(())
}
