#![deny(deprecated)]
// A settings type picks its span transport with a `match` that calls a private method per
// transport (both HTTP encodings share one), each returning the old `SpanExporterBuilder`
// through `.into()`, and a free function for gRPC; the pipeline then takes the chosen local.
// Each helper returns the built exporter instead, and the local holds the arm's `Result`.
use opentelemetry::trace::TraceError;
use opentelemetry_otlp::{Protocol, SpanExporterBuilder, WithExportConfig};
use opentelemetry_sdk::{runtime, trace as sdktrace};

pub struct TraceSettings {
    collector: String,
    wire: Protocol,
}

impl TraceSettings {
    fn over_http(&self) -> SpanExporterBuilder {
        opentelemetry_otlp::new_exporter()
            .http()
            .with_endpoint(&self.collector)
            .into()
    }

    pub fn start(&self) -> Result<sdktrace::Tracer, TraceError> {
        // The JSON encoding goes through the same HTTP builder.
        let exporter = match self.wire {
            Protocol::HttpBinary => self.over_http(),
            Protocol::HttpJson => self.over_http(),
            Protocol::Grpc => over_grpc(&self.collector),
        };

        opentelemetry_otlp::new_pipeline()
            .tracing()
            .with_exporter(exporter)
            .with_trace_config(sdktrace::Config::default())
            .install_batch(runtime::Tokio)
    }
}

fn over_grpc(collector: &str) -> SpanExporterBuilder {
    opentelemetry_otlp::new_exporter()
        .tonic()
        .with_endpoint(collector)
        .into()
}
