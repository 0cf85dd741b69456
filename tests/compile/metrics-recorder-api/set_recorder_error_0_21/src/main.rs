#![deny(deprecated)]
//! metrics 0.21: `SetRecorderError` was not generic; since 0.22 it names the recorder type.

use metrics::SetRecorderError;
use metrics_exporter_prometheus::PrometheusBuilder;

fn install_exporter() -> Result<(), SetRecorderError> {
    let recorder = PrometheusBuilder::new().build_recorder();
    metrics::set_boxed_recorder(Box::new(recorder))?;
    Ok(())
}

cfg_if::cfg_if! {
    if #[cfg(feature = "prometheus")] {
        fn install_in_cfg_if() -> Result<(), SetRecorderError> {
            let recorder = PrometheusBuilder::new().build_recorder();
            metrics::set_boxed_recorder(Box::new(recorder))
        }
    } else {
        fn install_in_cfg_if() -> Result<(), SetRecorderError> {
            metrics::set_boxed_recorder(Box::new(PrometheusBuilder::new().build_recorder()))
        }
    }
}

fn main() {
    if let Err(e) = install_exporter() {
        eprintln!("metrics: {e}");
    }
    let _ = install_in_cfg_if();
}
