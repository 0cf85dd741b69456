#![deny(deprecated)]
//! opentelemetry 0.21: an error handler that prints, its `Result` `?`-ed.

use opentelemetry::global;

fn main() -> anyhow::Result<()> {
    global::set_error_handler(|e| eprintln!("OpenTelemetry error: {e}"))?;
    let _tracer = global::tracer("svc");
    Ok(())
}
