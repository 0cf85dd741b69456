//! The meter's instrument-builder methods: what `.init()` (0.21 … 0.26) or `.build()` (0.27)
//! ends.

/// The `Meter` methods that return an instrument builder (opentelemetry 0.21 … 0.27).
pub const INSTRUMENT_BUILDERS: &[&str] = &[
    "u64_counter",
    "f64_counter",
    "u64_up_down_counter",
    "i64_up_down_counter",
    "f64_up_down_counter",
    "u64_histogram",
    "f64_histogram",
    "i64_histogram",
    "u64_gauge",
    "i64_gauge",
    "f64_gauge",
    "u64_observable_counter",
    "f64_observable_counter",
    "i64_observable_up_down_counter",
    "f64_observable_up_down_counter",
    "u64_observable_gauge",
    "i64_observable_gauge",
    "f64_observable_gauge",
];
