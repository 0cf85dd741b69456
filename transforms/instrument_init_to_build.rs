//! # instrument-init-to-build
//!
//! ## What it does
//! OpenTelemetry 0.27 renamed the terminal method of the meter's instrument builders from
//! `.init()` to `.build()`. This transform renames it on every chain that starts at an
//! instrument-builder method of a `Meter` (`u64_counter`, `f64_histogram`,
//! `i64_up_down_counter`, `u64_gauge`, `f64_observable_gauge`, …), through any number of
//! builder options (`with_description`, `with_unit`, `with_callback`, `with_boundaries`).
//!
//! ## Before
//! ```rust,ignore
//! let requests = meter.u64_counter("requests").with_description("Requests").init();
//! ```
//!
//! ## After
//! ```rust,ignore
//! let requests = meter.u64_counter("requests").with_description("Requests").build();
//! ```
//!
//! ## Not rewritten
//! - Crates whose source `opentelemetry` version is 0.27 or newer, or unknown (no manifest
//!   declares it): there `.init()` is not the old API.
//! - `.init()` on anything else: `tracing_subscriber::registry().with(..).init()`,
//!   `env_logger::Builder::init()`, a user type's `init`. A builder kept in a local first
//!   (`let b = meter.u64_counter("x"); b.init()`) is followed within the same function.
//!
//! ## Safety
//! Only the method name changes (one identifier); arguments, comments and formatting stay.
//! The rename is exact: in 0.27 `build()` takes no arguments and returns the same instrument
//! type `init()` returned.

use syn::visit::Visit;

use crate::engine::context::PackageInfo;
use crate::engine::finding::Severity;
use crate::engine::syntax::{
    ident_str, macro_fragments, range_of_span, range_of_tokens, tokens_mention,
};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::instruments::INSTRUMENT_BUILDERS;

pub struct InstrumentInitToBuild;

/// Builder options between the instrument method and `.init()`.
const BUILDER_OPTIONS: &[&str] = &[
    "with_description",
    "with_unit",
    "with_callback",
    "with_boundaries",
];

impl Transform for InstrumentInitToBuild {
    fn id(&self) -> &'static str {
        "instrument-init-to-build"
    }

    fn description(&self) -> &'static str {
        "meter instrument builders: `.init()` → `.build()` (opentelemetry 0.27)"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn needles(&self) -> &'static [&'static str] {
        &[".init()"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry"]
    }

    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        package.is_some_and(|p| p.version_below("opentelemetry", 0, 27))
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let mut finder = InitCalls::default();
        finder.visit_file(cx.syntax());
        for span in finder.sites {
            out.replace(range_of_span(cx.file, span), "build");
        }
        for tokens in finder.opaque_macro_bodies {
            if let Some(range) = range_of_tokens(cx.file, &tokens) {
                out.finding(
                    range,
                    Severity::Error,
                    "an instrument builder's `.init()` inside a macro body this tool cannot parse",
                    "rename `.init()` to `.build()` on the instrument builder inside this macro call",
                );
            }
        }
        out
    }
}

#[derive(Default)]
struct InitCalls {
    /// Spans of the `init` identifiers to rename.
    sites: Vec<proc_macro2::Span>,
    /// Locals of the current function bound to an instrument-builder chain.
    builder_locals: Vec<String>,
    /// Macro bodies that did not parse but mention an instrument builder and `init`.
    opaque_macro_bodies: Vec<proc_macro2::TokenStream>,
}

impl<'ast> Visit<'ast> for InitCalls {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "init"
            && call.args.is_empty()
            && self.starts_at_instrument_builder(&call.receiver)
        {
            self.sites.push(call.method.span());
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let (syn::Pat::Ident(name), Some(init)) = (&local.pat, &local.init) {
            let name = ident_str(&name.ident);
            self.builder_locals.retain(|n| *n != name);
            if self.starts_at_instrument_builder(&init.expr)
                && !matches!(&*init.expr, syn::Expr::MethodCall(m) if m.method == "init")
            {
                self.builder_locals.push(name);
            }
        }
        syn::visit::visit_local(self, local);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let outer = std::mem::take(&mut self.builder_locals);
        syn::visit::visit_item_fn(self, f);
        self.builder_locals = outer;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let outer = std::mem::take(&mut self.builder_locals);
        syn::visit::visit_impl_item_fn(self, f);
        self.builder_locals = outer;
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let fragments = macro_fragments(mac);
        fragments.visit_with(self);
        self.opaque_macro_bodies.extend(
            fragments
                .opaque
                .into_iter()
                .filter(|t| tokens_mention(t, &["init"]) && tokens_mention(t, INSTRUMENT_BUILDERS)),
        );
    }
}

impl InitCalls {
    /// Whether `expr` is `<recv>.<instrument builder>(..)` (or a local bound to one) followed
    /// only by builder options.
    fn starts_at_instrument_builder(&self, mut expr: &syn::Expr) -> bool {
        loop {
            match expr {
                syn::Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                    return self
                        .builder_locals
                        .contains(&ident_str(&p.path.segments[0].ident));
                }
                syn::Expr::MethodCall(m) => {
                    let name = ident_str(&m.method);
                    if INSTRUMENT_BUILDERS.contains(&name.as_str()) {
                        return true;
                    }
                    if !BUILDER_OPTIONS.contains(&name.as_str()) {
                        return false;
                    }
                    expr = &m.receiver;
                }
                syn::Expr::Paren(p) => expr = &p.expr,
                _ => return false,
            }
        }
    }
}
