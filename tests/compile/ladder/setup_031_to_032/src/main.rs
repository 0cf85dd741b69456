//! A 0.31 setup in the shapes of otel-ladder.md §3.5: an `ExportConfig` literal, a custom
//! sampler with the API's sampling types and the removed `spec_unstable_logs_enabled`
//! feature; migrated to the 0.32 set itself. (The sdk's `TraceError` is reported at 0.32, not
//! rewritten: see `hop-0-32-removed-items`.)
#![deny(deprecated)]

use std::time::Duration;

use opentelemetry::trace::{Link, SamplingDecision, SamplingResult, SpanKind, TraceId};
use opentelemetry::{Context, KeyValue};
use opentelemetry_otlp::{
    ExportConfig, ExporterBuildError, LogExporter, SpanExporter, WithExportConfig,
};
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::trace::{SdkTracerProvider, ShouldSample};

#[derive(Clone, Debug)]
struct DropAll;

impl ShouldSample for DropAll {
    fn should_sample(
        &self,
        _parent: Option<&Context>,
        _trace_id: TraceId,
        _name: &str,
        _kind: &SpanKind,
        _attributes: &[KeyValue],
        _links: &[Link],
    ) -> SamplingResult {
        SamplingResult {
            decision: SamplingDecision::Drop,
            attributes: vec![],
            trace_state: Default::default(),
        }
    }
}

fn init_traces() -> Result<SdkTracerProvider, ExporterBuildError> {
    let exporter = SpanExporter::builder().with_tonic().build()?;
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_sampler(DropAll)
        .build())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let logs = LogExporter::builder()
        .with_tonic()
        .with_export_config(ExportConfig {
            endpoint: Some("http://localhost:4317".to_string()),
            timeout: Some(Duration::from_secs(5)),
            protocol: opentelemetry_otlp::Protocol::Grpc,
        })
        .build()?;
    let lp = SdkLoggerProvider::builder()
        .with_batch_exporter(logs)
        .build();
    let tp = init_traces()?;
    tp.shutdown()?;
    lp.shutdown()?;
    Ok(())
}
