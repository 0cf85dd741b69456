//! The hop 0.32 → 0.33 (otel-ladder.md §3.6). Its manifest side (no Jaeger propagator, removed
//! TLS / retry / serialize features) is `ladder-manifest`'s.

pub mod endpoints_and_retries;
pub mod exhaustive_matches;
pub mod removed_items;
pub mod scope_info;
pub mod sealed_config_traits;
pub mod typestate_default;
