//! The hop 0.29 → 0.30 (otel-ladder.md §3.3). Its manifest side (no opentelemetry-prometheus
//! 0.30, tonic 0.13) is `ladder-manifest`'s.

pub mod metric_error;
pub mod removed_items;
pub mod view_closure;
