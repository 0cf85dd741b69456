#![deny(deprecated)]
//! opentelemetry 0.20 behind a Cargo feature that enabled the runtime on the facade crate.

#[cfg(feature = "otel")]
mod telemetry {
    use opentelemetry::trace::TraceError;

    pub fn init() -> Result<(), TraceError> {
        let _tracer = opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(opentelemetry_otlp::new_exporter().tonic())
            .install_batch(opentelemetry::runtime::Tokio)?;
        Ok(())
    }
}

#[tokio::main]
async fn main() {
    #[cfg(feature = "otel")]
    if let Err(e) = telemetry::init() {
        eprintln!("telemetry: {e}");
    }
}
