#![deny(deprecated)]
//! opentelemetry_sdk 0.21: batch settings as `BatchConfig` setters and processor-builder setters
//! (both removed in 0.22).

mod busy;

use std::time::Duration;

use opentelemetry::logs::LogError;
use opentelemetry::trace::TracerProvider as _;

use opentelemetry_sdk::logs::{BatchLogProcessor, LoggerProvider};
use opentelemetry_sdk::runtime;
use opentelemetry_sdk::trace::{BatchConfig, BatchSpanProcessor, TracerProvider};

fn config() -> BatchConfig {
    BatchConfig::default()
        .with_max_queue_size(4096)
        .with_max_export_batch_size(512)
        .with_scheduled_delay(Duration::from_millis(500))
}

fn providers() -> (TracerProvider, LoggerProvider) {
    let spans = BatchSpanProcessor::builder(opentelemetry_stdout::SpanExporter::default(), runtime::Tokio)
        .with_max_queue_size(4096)
        .with_max_timeout(Duration::from_secs(5))
        .build();
    let logs = BatchLogProcessor::builder(opentelemetry_stdout::LogExporter::default(), runtime::Tokio).with_max_export_batch_size(64).with_scheduled_delay(Duration::from_secs(1)).build();
    (
        TracerProvider::builder().with_span_processor(spans).build(),
        LoggerProvider::builder().with_log_processor(logs).build(),
    )
}

/// Removed items inside a `tokio::select!` arm.
async fn first_done(provider: &TracerProvider) -> Result<(), LogError> {
    tokio::select! {
        _ = std::future::ready(()) => {
            let _tracer = provider.versioned_tracer("svc", Some("1.0"), None::<&str>, None);
            Err(LogError::Other("timed out".into()))
        }
    }
}

#[tokio::main]
async fn main() {
    let _config = config();
    let _busy = busy::provider();
    let (traces, _logs) = providers();
    let _ = first_done(&traces).await;
}
