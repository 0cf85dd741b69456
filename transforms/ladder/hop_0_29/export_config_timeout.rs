//! # hop-0-29-export-config-timeout
//!
//! ## What it does
//! With `--to 0.29` or newer, wraps the `timeout` of an `opentelemetry_otlp::ExportConfig`
//! literal in `Some(..)`: 0.29 made the field an `Option<Duration>` (otel-ladder.md §3.2 item 4).
//!
//! ## Before
//! ```rust,ignore
//! .with_export_config(ExportConfig { endpoint: Some(e), timeout: Duration::from_secs(5), ..ExportConfig::default() })
//! ```
//!
//! ## After
//! ```rust,ignore
//! .with_export_config(ExportConfig { endpoint: Some(e), timeout: Some(Duration::from_secs(5)), ..ExportConfig::default() })
//! ```
//!
//! ## Not rewritten
//! - A `timeout` already written `Some(..)` or `None` (a shorthand `timeout` becomes
//!   `timeout: Some(timeout)`).
//! - Structs named `ExportConfig` from other crates.
//!
//! ## Safety
//! `Some(x)` is the value 0.28 meant by `x`: the exporter's timeout set explicitly.

use syn::visit::Visit;

use crate::engine::syntax::{range_of, text_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};

pub struct ExportConfigTimeout;

const EXPORT_CONFIG: &[&str] = &["opentelemetry_otlp", "ExportConfig"];

impl Transform for ExportConfigTimeout {
    fn id(&self) -> &'static str {
        "hop-0-29-export-config-timeout"
    }

    fn description(&self) -> &'static str {
        "hop 0.28 → 0.29: ExportConfig { timeout: d } → timeout: Some(d)"
    }

    super::super::hop_gate!(29);

    fn needles(&self) -> &'static [&'static str] {
        &["ExportConfig"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_otlp"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut v = Literals {
            rust: &rust,
            out: &mut out,
        };
        v.visit_file(rust.syntax);
        out
    }
}

struct Literals<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Outcome,
}

fn is_option(expr: &syn::Expr) -> bool {
    let path = match expr {
        syn::Expr::Call(c) => match &*c.func {
            syn::Expr::Path(p) => &p.path,
            _ => return false,
        },
        syn::Expr::Path(p) => &p.path,
        _ => return false,
    };
    path.segments
        .last()
        .is_some_and(|s| s.ident == "Some" || s.ident == "None")
}

impl<'ast> Visit<'ast> for Literals<'_, '_> {
    fn visit_expr_struct(&mut self, lit: &'ast syn::ExprStruct) {
        if self.rust.imports.is(&lit.path, EXPORT_CONFIG) {
            for field in &lit.fields {
                let syn::Member::Named(name) = &field.member else {
                    continue;
                };
                if name != "timeout" || is_option(&field.expr) {
                    continue;
                }
                let value = text_of(self.rust.file, &field.expr);
                if field.colon_token.is_none() {
                    // `ExportConfig { timeout, .. }`: the local keeps its `Duration`.
                    self.out.replace(
                        range_of(self.rust.file, field),
                        format!("timeout: Some({value})"),
                    );
                    continue;
                }
                self.out.replace(
                    range_of(self.rust.file, &field.expr),
                    format!("Some({value})"),
                );
            }
        }
        syn::visit::visit_expr_struct(self, lit);
    }
}
