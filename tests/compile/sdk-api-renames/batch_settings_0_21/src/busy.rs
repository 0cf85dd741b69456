//! A `BatchConfig` import whose only use the rewrite replaces: it must go with that use (left, it
//! is an unused import, and this module denies them).
#![deny(unused_imports)]

use opentelemetry_sdk::runtime;
use opentelemetry_sdk::trace::{BatchConfig, BatchSpanProcessor, TracerProvider};

pub fn provider() -> TracerProvider {
    let settings = BatchConfig::default().with_max_queue_size(16384).with_max_export_batch_size(1024);
    let processor = BatchSpanProcessor::builder(opentelemetry_stdout::SpanExporter::default(), runtime::Tokio)
        .with_batch_config(settings)
        .build();
    TracerProvider::builder().with_span_processor(processor).build()
}
