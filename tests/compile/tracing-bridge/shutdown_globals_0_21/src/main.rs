#![deny(deprecated)]
//! opentelemetry 0.21: the meter and logger providers shut down through the globals (removed
//! in 0.22 and 0.23).

use opentelemetry::global;
use opentelemetry_sdk::logs::LoggerProvider;
use opentelemetry_sdk::metrics::MeterProvider;

fn main() {
    let meters = MeterProvider::builder().build();
    global::set_meter_provider(meters.clone());
    let logs: LoggerProvider = LoggerProvider::builder().build();
    let _ = &logs;
    // The provider the global held (0.21's tracing bridge took `&global::logger_provider()`).
    let _global_logs = global::logger_provider();
    global::shutdown_meter_provider();
    global::shutdown_logger_provider();
}
