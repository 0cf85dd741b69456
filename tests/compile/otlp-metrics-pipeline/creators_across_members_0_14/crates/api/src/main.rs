#![deny(deprecated)]
//! A binary building the shared crate's pipeline by its module path; the counter reads the
//! global meter provider the old `build()` set.
use opentelemetry::global;
use opentelemetry::KeyValue;
use opentelemetry_sdk::Resource;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let resource = Resource::new([KeyValue::new("service.name", "api")]);
    let provider = telemetry::meters::platform_meters("http://collector:4317", resource).build()?;
    global::meter("api").u64_counter("requests").init().add(1, &[]);
    provider.shutdown()?;
    let _ = telemetry::meters::default_meters();
    Ok(())
}
