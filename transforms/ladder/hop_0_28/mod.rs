//! The hop 0.27 → 0.28 (otel-ladder.md §3.1): one transform a file.
