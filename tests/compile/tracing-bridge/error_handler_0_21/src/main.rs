#![deny(deprecated)]
//! opentelemetry 0.21: an error handler that prints, its `Result` `?`-ed.

use opentelemetry::global::{self, handle_error};
use opentelemetry::trace::TraceError;

/// Errors handed to the global handler: a trace error and a poisoned lock (no `tracing` here).
fn report(result: Result<(), TraceError>, lock: &std::sync::Mutex<u8>) {
    if let Err(err) = result {
        global::handle_error(err);
    }
    match lock.lock() {
        Ok(_) => {}
        Err(poisoned) => handle_error(poisoned),
    }
    // Named as a value.
    vec![Err::<(), _>(TraceError::from("retry failed"))]
        .into_iter()
        .filter_map(Result::err)
        .for_each(global::handle_error);
}

fn main() -> anyhow::Result<()> {
    global::set_error_handler(|e| eprintln!("OpenTelemetry error: {e}"))?;
    let _tracer = global::tracer("svc");
    report(Err(TraceError::from("export failed")), &std::sync::Mutex::new(0));
    Ok(())
}
