//! # hop-0-31-layer-behaviour
//!
//! ## What it does
//! With `--to 0.31` or newer, a `note` at each tracing-opentelemetry layer built here
//! (`tracing_opentelemetry::layer()`, `OpenTelemetryLayer::new(..)`) on what tracing-opentelemetry
//! 0.32 (the 0.31 set) changes without an API change (otel-ladder.md §3.4, behaviour changes):
//! entering a `tracing` span now makes its OpenTelemetry context current (`Context::current()`
//! inside spans sees it, logs through the appender bridge carry its ids), and the exported code
//! attributes are renamed (`code.filepath` → `code.file.path`, `code.lineno` →
//! `code.line.number`, `code.namespace` → `code.module.name`).
//!
//! ## Before
//! ```rust,ignore
//! .with(tracing_opentelemetry::layer().with_tracer(tracer))
//! ```
//!
//! ## After
//! ```rust,ignore
//! // note: tracing-opentelemetry 0.32 activates the span's context on enter and renames the
//! // code.* attributes …
//! ```
//!
//! ## Not rewritten
//! - Everything: whether dashboards, queries or code rely on the old names or on the context
//!   staying unset is the reviewer's call. A layer that already says
//!   `.with_context_activation(..)` gets the attribute part only.
//! - Packages already on 0.31, and runs without `--to 0.31+`.
//!
//! ## Safety
//! Nothing is edited.

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::syntax::{range_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::chain::Chain;

pub struct LayerBehaviour;

const LAYER_FNS: &[&[&str]] = &[
    &["tracing_opentelemetry", "layer"],
    &["tracing_opentelemetry", "OpenTelemetryLayer", "new"],
];

const RENAMES: &str = "exported code attributes are renamed: `code.filepath` → `code.file.path`, `code.lineno` → `code.line.number`, `code.namespace` → `code.module.name` (dashboards and queries)";

impl Transform for LayerBehaviour {
    fn id(&self) -> &'static str {
        "hop-0-31-layer-behaviour"
    }

    fn description(&self) -> &'static str {
        "hop 0.30 → 0.31: notes at tracing-opentelemetry layers (context activation on enter, code.* attribute renames)"
    }

    super::super::hop_gate!(31);

    fn needles(&self) -> &'static [&'static str] {
        &["layer", "OpenTelemetryLayer"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["tracing_opentelemetry"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut v = Layers {
            rust: &rust,
            out: &mut out,
            activation_set: Vec::new(),
        };
        v.visit_file(rust.syntax);
        out
    }
}

struct Layers<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Outcome,
    /// Layer calls whose chain already says `.with_context_activation(..)`.
    activation_set: Vec<TextRange>,
}

impl<'ast> Visit<'ast> for Layers<'_, '_> {
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if m.method == "with_context_activation" {
            let chain = Chain::read_call(m);
            if let syn::Expr::Call(root) = chain.root {
                self.activation_set.push(range_of(self.rust.file, root));
            }
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*call.func {
            if LAYER_FNS.iter().any(|f| self.rust.imports.is(&p.path, f)) {
                let at = range_of(self.rust.file, call);
                let set = self.activation_set.contains(&at);
                let (message, suggestion) = if set {
                    (
                        format!("tracing-opentelemetry 0.32: {RENAMES}"),
                        "check what reads the old names".to_string(),
                    )
                } else {
                    (
                        format!("tracing-opentelemetry 0.32 makes a span's OpenTelemetry context current while the span is entered (`Context::current()` sees it; logs through the appender bridge carry its ids), and the {RENAMES}"),
                        "`.with_context_activation(false)` on the layer keeps contexts unset on enter; check what reads the old attribute names".to_string(),
                    )
                };
                self.out.finding(at, Severity::Note, message, suggestion);
            }
        }
        syn::visit::visit_expr_call(self, call);
    }
}
