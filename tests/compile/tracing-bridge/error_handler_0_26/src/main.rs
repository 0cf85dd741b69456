#![deny(deprecated)]
//! opentelemetry 0.26: an error handler that only logs through `tracing`; 0.27 emits the same
//! errors as `tracing` events itself.

use opentelemetry::global::{self, set_error_handler};

fn main() {
    let _ = set_error_handler(|error| {
        tracing::error!(%error, "OpenTelemetry error");
    });
    global::set_error_handler(|e| match e {
        global::Error::Trace(t) => tracing::warn!("trace: {t}"),
        other => tracing::warn!("{other:?}"),
    })
    .expect("error handler");
    let _meter = global::meter("svc");
    // With `tracing` in the package: an error event.
    global::handle_error(opentelemetry::trace::TraceError::from("export failed"));
}
