//! # hop-0-28-global-shutdown
//!
//! ## What it does
//! With `--to 0.28` or newer, reports `global::shutdown_tracer_provider()`, which 0.28 removed
//! (otel-ladder.md §3.1 item 7): the provider must be shut down through a handle kept at init.
//!
//! ## Before
//! ```rust,ignore
//! global::set_tracer_provider(provider);
//! // …
//! global::shutdown_tracer_provider();
//! ```
//!
//! ## After
//! ```rust,ignore
//! global::set_tracer_provider(provider.clone());
//! // …
//! provider.shutdown()?;
//! ```
//!
//! ## Not rewritten (findings)
//! - Every call: `error` with the code to write; the provider's binding is rarely in scope at
//!   the call (it lives in the init function), so the tool does not guess it.
//!
//! ## Safety
//! Nothing is edited.

use syn::visit::Visit;

use crate::engine::finding::Severity;
use crate::engine::syntax::{range_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};

pub struct GlobalShutdown;

const OLD: &[&str] = &["opentelemetry", "global", "shutdown_tracer_provider"];

impl Transform for GlobalShutdown {
    fn id(&self) -> &'static str {
        "hop-0-28-global-shutdown"
    }

    fn description(&self) -> &'static str {
        "hop 0.27 → 0.28: report global::shutdown_tracer_provider() (removed; shut the provider down through a clone kept at init)"
    }

    super::super::hop_gate!(28);

    fn needles(&self) -> &'static [&'static str] {
        &["shutdown_tracer_provider"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut v = Calls {
            rust: &rust,
            out: &mut out,
        };
        v.visit_file(rust.syntax);
        out
    }
}

struct Calls<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Outcome,
}

impl<'ast> Visit<'ast> for Calls<'_, '_> {
    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*call.func {
            if self.rust.imports.is(&p.path, OLD) {
                self.out.finding(
                    range_of(self.rust.file, call),
                    Severity::Error,
                    "0.28 removed `global::shutdown_tracer_provider()`",
                    "keep a clone of the provider at init (`global::set_tracer_provider(provider.clone())`) and call `provider.shutdown()?;` here",
                );
            }
        }
        syn::visit::visit_expr_call(self, call);
    }
}
