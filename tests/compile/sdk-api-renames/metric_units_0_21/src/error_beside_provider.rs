//! The grouped error type beside an SDK provider import of its own line (the rename rewrites that
//! line in place, so the new error import needs a line of its own).
use opentelemetry::metrics::{Meter, MeterProvider as _, MetricsError};
use opentelemetry_sdk::metrics::MeterProvider;

pub fn service_meter(provider: &MeterProvider) -> Result<Meter, MetricsError> {
    Ok(provider.meter("checkout"))
}
