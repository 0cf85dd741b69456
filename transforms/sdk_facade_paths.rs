//! # sdk-facade-paths
//!
//! ## What it does
//! opentelemetry 0.13–0.20 was a facade that re-exported the SDK: `opentelemetry::sdk::…` and
//! the runtimes `opentelemetry::runtime::…`. Since 0.21 the SDK is its own crate. In packages on
//! opentelemetry 0.20 or older, the paths that spell the facade prefix move to it:
//! - `use opentelemetry::sdk::X…;` → `use opentelemetry_sdk::X…;` (groups and renames after the
//!   prefix kept as written); `use opentelemetry::sdk;` → `use opentelemetry_sdk as sdk;` (the
//!   code's `sdk::…` paths keep working); `use opentelemetry::sdk as s;` → `use opentelemetry_sdk as s;`;
//! - `use opentelemetry::runtime…` → `use opentelemetry_sdk::runtime…`;
//! - `sdk…`/`runtime` inside a `use` group of the crate (`use opentelemetry::{runtime,
//!   sdk::trace::Tracer, KeyValue};`) leave the group for their own `use` on the next line
//!   (`use opentelemetry::KeyValue;` + `use opentelemetry_sdk::runtime;` + `use
//!   opentelemetry_sdk::trace::Tracer;`), with the item's visibility and indentation;
//! - paths in code and types: `opentelemetry::sdk::trace::Tracer` → `opentelemetry_sdk::trace::Tracer`,
//!   `opentelemetry::runtime::Tokio` → `opentelemetry_sdk::runtime::Tokio`.
//!
//! It runs after the pipeline rewrites (they read both spellings and write the new one), so it
//! renames what they leave: signatures, config builders, resources, samplers. What 0.21–0.27
//! changed behind those paths is the other transforms' (and the residue scan's) business.
//! `manifest-features` adds the `opentelemetry_sdk` dependency such a package lacks.
//!
//! ## Before
//! ```rust,ignore
//! use opentelemetry::sdk::trace::{self, Sampler};
//! fn tracer() -> opentelemetry::sdk::trace::Tracer { /* … */ }
//! ```
//!
//! ## After
//! ```rust,ignore
//! use opentelemetry_sdk::trace::{self, Sampler};
//! fn tracer() -> opentelemetry_sdk::trace::Tracer { /* … */ }
//! ```
//!
//! ## Not rewritten (findings)
//! - A group element that imports a glob or `self`, or a `use` item with attributes:
//!   `error` with the `use` to write instead.
//! - Packages on opentelemetry 0.21 or newer (there is no `opentelemetry::sdk` there: a path
//!   spelling it is not this crate's); the crate under another name (`use opentelemetry as
//!   otel;`, `otel = { package = "opentelemetry" }`) and paths inside macro bodies: the residue
//!   scan reports those uses.
//!
//! ## Safety
//! Only the prefix text changes; the items are the same ones (0.20's facade re-exported
//! `opentelemetry_sdk` 0.20 and its `runtime` module). A local module or another crate named
//! `sdk`/`runtime` is not touched: only paths whose first segment is the `opentelemetry` crate.

use crate::engine::context::PackageInfo;
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};

pub struct SdkFacadePaths;

impl Transform for SdkFacadePaths {
    fn id(&self) -> &'static str {
        "sdk-facade-paths"
    }

    fn description(&self) -> &'static str {
        "opentelemetry ≤ 0.20 facade paths: opentelemetry::sdk → opentelemetry_sdk, opentelemetry::runtime → opentelemetry_sdk::runtime"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn needles(&self) -> &'static [&'static str] {
        &["sdk", "runtime"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry"]
    }

    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        package.is_some_and(|p| p.version_below("opentelemetry", 0, 21))
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        crate::otel::facade_paths::rewrite_facade_paths(&cx.rust(), &mut out);
        out
    }
}
