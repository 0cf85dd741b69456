//! The hop 0.31 → 0.32 (otel-ladder.md §3.5). Its manifest side (reqwest 0.13, removed
//! features) is `ladder-manifest`'s.

pub mod export_config;
pub mod jaeger_propagator;
pub mod removed_items;
pub mod sampling_moves;
pub mod tls_and_service_name;
