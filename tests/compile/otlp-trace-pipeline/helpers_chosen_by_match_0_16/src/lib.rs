#![deny(deprecated)]
//! otlp 0.16: a setup type chooses its span transport by calling one private method per
//! transport (HTTP serves both encodings) and a free function for gRPC, each returning the old
//! `SpanExporterBuilder`; the installed tracer is returned as the function's `Result`.
use opentelemetry::trace::TraceError;
use opentelemetry_otlp::{Protocol, SpanExporterBuilder, WithExportConfig};
use opentelemetry_sdk::{runtime, trace as sdktrace};

pub struct SpanSetup {
    target: String,
    transport: Protocol,
}

impl SpanSetup {
    fn via_http(&self) -> SpanExporterBuilder {
        opentelemetry_otlp::new_exporter()
            .http()
            .with_endpoint(&self.target)
            .into()
    }

    pub fn install(&self) -> Result<sdktrace::Tracer, TraceError> {
        // The JSON encoding goes through the same HTTP builder.
        let exporter = match self.transport {
            Protocol::HttpBinary => self.via_http(),
            Protocol::HttpJson => self.via_http(),
            Protocol::Grpc => via_grpc(&self.target),
        };

        opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(exporter)
            .with_trace_config(sdktrace::Config::default())
            .install_batch(runtime::Tokio)
    }
}

fn via_grpc(target: &str) -> SpanExporterBuilder {
    opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint(target)
        .into()
}
