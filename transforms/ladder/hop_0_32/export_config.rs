//! # hop-0-32-export-config
//!
//! ## What it does
//! With `--to 0.32` or newer: 0.32 removed `ExportConfig` and `with_export_config`
//! (otel-ladder.md §3.5 item 1). A literal handed to it,
//! `.with_export_config(ExportConfig { endpoint: Some(e), timeout: Some(t), protocol: p,
//! ..ExportConfig::default() })`, becomes the builder calls `.with_endpoint(e).with_timeout(t)
//! .with_protocol(p)`; `None` fields and the `..ExportConfig::default()` rest add nothing.
//!
//! ## Before
//! ```rust,ignore
//! LogExporter::builder().with_tonic()
//!     .with_export_config(ExportConfig {
//!         endpoint: Some("http://localhost:4317".to_string()),
//!         timeout: Some(Duration::from_secs(5)),
//!         ..ExportConfig::default()
//!     })
//!     .build()?
//! ```
//!
//! ## After
//! ```rust,ignore
//! LogExporter::builder().with_tonic()
//!     .with_endpoint("http://localhost:4317".to_string()).with_timeout(Duration::from_secs(5))
//!     .build()?
//! ```
//!
//! ## Not rewritten
//! - A config that is not a literal (a local, a function's result), fields that are not
//!   `Some(..)` / `None` (an `Option` variable), another rest than `ExportConfig::default()`,
//!   comments inside: left for `hop-0-32-removed-items`, which reports `ExportConfig`.
//! - Packages already on 0.32 or newer, and runs without `--to 0.32+`.
//!
//! ## Safety
//! Each `Some(x)` field was the setting the builder method sets; `None` and the default rest
//! were the builder's defaults. The exporter built is the same.

use syn::visit::Visit;

use crate::engine::syntax::{comments_in, text_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::chain::Link;
use crate::otel::imports::ImportPlan;

pub struct ExportConfig;

const EXPORT_CONFIG: &[&str] = &["opentelemetry_otlp", "ExportConfig"];
const DEFAULT: &[&str] = &["opentelemetry_otlp", "ExportConfig", "default"];

impl Transform for ExportConfig {
    fn id(&self) -> &'static str {
        "hop-0-32-export-config"
    }

    fn description(&self) -> &'static str {
        "hop 0.31 → 0.32: with_export_config(ExportConfig { .. }) literals → with_endpoint / with_timeout / with_protocol"
    }

    super::super::hop_gate!(32);

    fn needles(&self) -> &'static [&'static str] {
        &["with_export_config"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_otlp"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut plan = ImportPlan::at(cx.file, rust.syntax, 0);
        let mut v = Calls {
            rust: &rust,
            out: &mut out,
            rewritten: false,
        };
        v.visit_file(rust.syntax);
        if v.rewritten {
            plan.remove_if_unused("opentelemetry_otlp::ExportConfig");
        }
        plan.finish(&mut out);
        out
    }
}

struct Calls<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Outcome,
    rewritten: bool,
}

impl Calls<'_, '_> {
    /// The builder calls for a literal, or `None` when it is not a shape this rewrites.
    fn setters(&self, lit: &syn::ExprStruct) -> Option<Vec<String>> {
        let imports = self.rust.imports;
        if !imports.is(&lit.path, EXPORT_CONFIG) {
            return None;
        }
        if let Some(rest) = &lit.rest {
            let syn::Expr::Call(c) = &**rest else {
                return None;
            };
            let syn::Expr::Path(p) = &*c.func else {
                return None;
            };
            let default = imports.is(&p.path, DEFAULT)
                || p.path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .eq(["Default", "default"]);
            if !default || !c.args.is_empty() {
                return None;
            }
        }
        let file = self.rust.file;
        let mut calls = Vec::new();
        for field in &lit.fields {
            let syn::Member::Named(name) = &field.member else {
                return None;
            };
            let method = match name.to_string().as_str() {
                "endpoint" => "with_endpoint",
                "timeout" => "with_timeout",
                "protocol" => {
                    calls.push(format!("with_protocol({})", text_of(file, &field.expr)));
                    continue;
                }
                _ => return None,
            };
            match &field.expr {
                syn::Expr::Path(p) if p.path.is_ident("None") => {}
                syn::Expr::Call(c)
                    if matches!(&*c.func, syn::Expr::Path(p) if p.path.is_ident("Some"))
                        && c.args.len() == 1 =>
                {
                    calls.push(format!("{method}({})", text_of(file, &c.args[0])));
                }
                _ => return None,
            }
        }
        Some(calls)
    }
}

impl<'ast> Visit<'ast> for Calls<'_, '_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "with_export_config" && call.args.len() == 1 {
            let file = self.rust.file;
            let link = Link {
                name: call.method.to_string(),
                call,
            };
            if let syn::Expr::Struct(lit) = &call.args[0] {
                let whole = link.range(file);
                let setters = self
                    .setters(lit)
                    .filter(|_| comments_in(file, whole).is_empty());
                if let Some(setters) = setters {
                    if setters.is_empty() {
                        self.out.replace(whole, "");
                    } else {
                        let name = link.name_range(file);
                        let at = crate::engine::edit::TextRange::new(name.start, whole.end);
                        self.out.replace(at, setters.join("."));
                    }
                    self.rewritten = true;
                }
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}
