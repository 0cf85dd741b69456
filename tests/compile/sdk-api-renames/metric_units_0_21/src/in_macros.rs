//! The same removed items inside `cfg_if!`, `lazy_static!` and under `#[cfg(feature = "…")]`.

use opentelemetry::global;
use opentelemetry::metrics::{MetricsError, Unit};
use opentelemetry::trace::TracerProvider as _;

cfg_if::cfg_if! {
    if #[cfg(feature = "otel")] {
        pub fn scoped() -> Result<(), MetricsError> {
            let _meter = global::meter_with_version("svc", Some("1.0"), None::<&str>, None);
            Err(MetricsError::Other("not yet".into()))
        }
    } else {
        pub fn scoped() -> Result<(), MetricsError> {
            Ok(())
        }
    }
}

lazy_static::lazy_static! {
    pub static ref LATENCY_UNIT: Unit = Unit::new("ms");
}

#[cfg(feature = "otel")]
pub fn gated(provider: &opentelemetry_sdk::trace::TracerProvider) -> Result<(), MetricsError> {
    let _tracer = provider.versioned_tracer("svc", Some("1.0"), None::<&str>, None);
    Ok(())
}
