//! # hop-0-31-set-parent
//!
//! ## What it does
//! With `--to 0.31` or newer: tracing-opentelemetry 0.32's `OpenTelemetrySpanExt::set_parent`
//! returns `Result<(), SetParentError>` (otel-ladder.md §3.4 item 4). A statement
//! `span.set_parent(cx);` becomes `let _ = span.set_parent(cx);` (the old form warns
//! `unused Result`), with a `warning` at the site: `set_parent` after the span's context was
//! built (inside an entered or `#[instrument]` span, `Span::current()`) now returns
//! `Err(AlreadyStarted)` and does **not** re-parent.
//!
//! ## Before
//! ```rust,ignore
//! tracing::Span::current().set_parent(parent_cx);
//! ```
//!
//! ## After
//! ```rust,ignore
//! let _ = tracing::Span::current().set_parent(parent_cx);
//! ```
//!
//! ## Not rewritten
//! - `set_parent` used as a value (its result is handled already).
//! - Files that neither name `OpenTelemetrySpanExt` nor import from `tracing_opentelemetry`
//!   (another `set_parent`).
//! - Packages already on 0.31 or newer, and runs without `--to 0.31+`.
//!
//! ## Safety
//! `let _ =` discards the result exactly as the statement discarded `()`; the behaviour change
//! is said at the site (set the parent before the span is entered, or turn context activation
//! off with `.with_context_activation(false)` on the layer).

use syn::visit::Visit;

use crate::engine::edit::Edit;
use crate::engine::finding::Severity;
use crate::engine::syntax::{range_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};

pub struct SetParent;

const SPAN_EXT: &str = "OpenTelemetrySpanExt";

impl Transform for SetParent {
    fn id(&self) -> &'static str {
        "hop-0-31-set-parent"
    }

    fn description(&self) -> &'static str {
        "hop 0.30 → 0.31: span.set_parent(cx); → let _ = span.set_parent(cx); with the AlreadyStarted warning"
    }

    super::super::hop_gate!(31);

    fn needles(&self) -> &'static [&'static str] {
        &["set_parent"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["tracing_opentelemetry"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        // The extension trait must be in scope for its `set_parent` (named, or a glob import).
        if !rust.file.text.contains(SPAN_EXT) && !rust.imports.imports_from("tracing_opentelemetry")
        {
            return out;
        }
        let mut v = Statements {
            rust: &rust,
            out: &mut out,
        };
        v.visit_file(rust.syntax);
        out
    }
}

struct Statements<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Outcome,
}

impl<'ast> Visit<'ast> for Statements<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
        if let syn::Stmt::Expr(syn::Expr::MethodCall(call), Some(_)) = stmt {
            if call.method == "set_parent" && call.args.len() == 1 {
                let at = range_of(self.rust.file, call);
                self.out.edit(Edit::insert(at.start, "let _ = "));
                self.out.finding(
                    at,
                    Severity::Warning,
                    "tracing-opentelemetry 0.32: `set_parent` after the span's context was built (an entered or `#[instrument]` span, `Span::current()`) returns `Err(AlreadyStarted)` and does not re-parent",
                    "set the parent before the span is entered, or build the layer with `.with_context_activation(false)`",
                );
            }
        }
        syn::visit::visit_stmt(self, stmt);
    }
}
