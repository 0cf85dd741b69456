//! # hop-0-28-http-client
//!
//! ## What it does
//! With `--to 0.28` or newer: OTLP/HTTP exports now run on the processor's own thread, where the
//! async `reqwest::Client` fails at run time (otel-ladder.md §3.1 item 10). The client handed to
//! `.with_http_client(..)` as `reqwest::Client::new()` or `reqwest::Client::builder()….build()…`
//! becomes `reqwest::blocking::Client::…` (`ladder-manifest` enables reqwest's `blocking`
//! feature).
//!
//! ## Before
//! ```rust,ignore
//! MetricExporter::builder().with_http().with_http_client(reqwest::Client::new()).build()?
//! ```
//!
//! ## After
//! ```rust,ignore
//! MetricExporter::builder().with_http().with_http_client(reqwest::blocking::Client::new()).build()?
//! ```
//!
//! ## Not rewritten (findings)
//! - Any other client expression (a local, a field, a function's result): `warning`, an async
//!   `reqwest::Client` compiles but fails at run time; pass a `reqwest::blocking::Client`.
//! - Packages already on 0.28 or newer, and runs without `--to 0.28+`.
//!
//! ## Safety
//! The blocking client has the same constructors and the builder settings a setup uses
//! (`timeout`, `default_headers`, TLS); the compiler checks the rest.

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::syntax::{range_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::chain::Chain;
use crate::otel::imports::ImportPlan;

pub struct HttpClient;

const CLIENT: &[&str] = &["reqwest", "Client"];
const BLOCKING: &str = "reqwest::blocking::Client";

impl Transform for HttpClient {
    fn id(&self) -> &'static str {
        "hop-0-28-http-client"
    }

    fn description(&self) -> &'static str {
        "hop 0.27 → 0.28: with_http_client(reqwest::Client…) → reqwest::blocking::Client (exports run on their own thread)"
    }

    super::super::hop_gate!(28);

    fn needles(&self) -> &'static [&'static str] {
        &["with_http_client"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_otlp"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut plan = ImportPlan::at(cx.file, rust.syntax, 0);
        let mut v = Clients {
            rust: &rust,
            out: &mut out,
            rewritten: false,
        };
        v.visit_file(rust.syntax);
        if v.rewritten {
            plan.remove_if_unused("reqwest::Client");
        }
        plan.finish(&mut out);
        out
    }
}

struct Clients<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Outcome,
    rewritten: bool,
}

impl Clients<'_, '_> {
    /// The range of the `reqwest::Client` type path in `Client::new()` /
    /// `Client::builder()….build()…`.
    fn client_type(&self, arg: &syn::Expr) -> Option<TextRange> {
        let arg = match arg {
            syn::Expr::Try(t) => &*t.expr,
            other => other,
        };
        let root = match arg {
            syn::Expr::MethodCall(m) => Chain::read_call(m).root,
            other => other,
        };
        let syn::Expr::Call(call) = root else {
            return None;
        };
        let syn::Expr::Path(p) = &*call.func else {
            return None;
        };
        let constructor = p.path.segments.last()?;
        if constructor.ident != "new" && constructor.ident != "builder" {
            return None;
        }
        let mut ty = p.path.clone();
        ty.segments.pop();
        ty.segments.pop_punct();
        self.rust
            .imports
            .is(&ty, CLIENT)
            .then(|| range_of(self.rust.file, &ty))
    }
}

impl<'ast> Visit<'ast> for Clients<'_, '_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "with_http_client" && call.args.len() == 1 {
            let arg = &call.args[0];
            match self.client_type(arg) {
                Some(ty) => {
                    self.out.replace(ty, BLOCKING);
                    self.rewritten = true;
                }
                None if !self.rust.file.text.contains("blocking") => self.out.finding(
                    range_of(self.rust.file, arg),
                    Severity::Warning,
                    "0.28 exports from the processor's own thread: an async `reqwest::Client` here compiles but fails at run time",
                    "pass a `reqwest::blocking::Client` (reqwest feature `blocking`)",
                ),
                None => {}
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}
