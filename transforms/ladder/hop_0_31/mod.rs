//! The hop 0.30 → 0.31 (otel-ladder.md §3.4; tracing-opentelemetry 0.32).

pub mod layer_behaviour;
pub mod metrics_layer;
pub mod pre_sampled_tracer;
pub mod prometheus_build_error;
pub mod removed_items;
pub mod set_parent;
pub mod set_provider_result;
pub mod status_description;
