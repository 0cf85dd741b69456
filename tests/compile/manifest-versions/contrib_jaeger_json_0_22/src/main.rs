#![deny(deprecated)]
//! A service that can trace to files: the contrib crate's exporter is built on the SDK's
//! runtime and hands back the tracer the layer needs.

use opentelemetry_contrib::trace::exporter::jaeger_json::JaegerJsonExporter;
use tracing_subscriber::layer::SubscriberExt;

fn file_tracer(dir: std::path::PathBuf, service: &str) -> opentelemetry_sdk::trace::Tracer {
    JaegerJsonExporter::new(dir, "spans".to_owned(), service.to_owned(), opentelemetry_sdk::runtime::Tokio)
        .install_batch()
}

#[tokio::main]
async fn main() {
    let layer = tracing_opentelemetry::layer().with_tracer(file_tracer(std::env::temp_dir(), "files"));
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer));
    tracing::info!("written to a file");
}
