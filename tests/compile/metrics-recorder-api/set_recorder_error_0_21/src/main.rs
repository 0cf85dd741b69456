#![deny(deprecated)]
//! metrics 0.21: `SetRecorderError` was not generic; since 0.22 it names the recorder type.

use metrics::SetRecorderError;
use metrics_exporter_prometheus::PrometheusBuilder;

fn install_exporter() -> Result<(), SetRecorderError> {
    let recorder = PrometheusBuilder::new().build_recorder();
    metrics::set_boxed_recorder(Box::new(recorder))?;
    Ok(())
}

fn main() {
    if let Err(e) = install_exporter() {
        eprintln!("metrics: {e}");
    }
}
