//! # instrument-init-to-build
//!
//! ## What it does
//! OpenTelemetry 0.27 renamed the terminal method of the meter's instrument builders from
//! `.init()` to `.build()`. This transform renames it on every chain that starts at an
//! instrument-builder method of a `Meter` (`u64_counter`, `f64_histogram`,
//! `i64_up_down_counter`, `u64_gauge`, `f64_observable_gauge`, …), through any number of
//! builder options (`with_description`, `with_unit`, `with_callback`, `with_boundaries`).
//!
//!
//! `.try_init()` is gone too (`build()` cannot fail): where its error is handled on the spot
//! (`?`, `.unwrap()`, `.expect(..)`), the handling goes with it; where the `Result` is used
//! as a value (handed to a function, matched), it stays a `Result` of the type the renamed
//! error has (`Ok::<_, opentelemetry_sdk::metrics::MetricError>(… .build())`, what
//! `sdk-api-renames` makes of `MetricsError`), in a package that depends on the SDK.
//!
//! ## Before
//! ```rust,ignore
//! let requests = meter.u64_counter("requests").with_description("Requests").init();
//! let errors = meter.u64_counter("errors").try_init()?;
//! let gauge = report(meter.u64_gauge("depth").try_init());
//! ```
//!
//! ## After
//! ```rust,ignore
//! let requests = meter.u64_counter("requests").with_description("Requests").build();
//! let errors = meter.u64_counter("errors").build();
//! let gauge = report(Ok::<_, opentelemetry_sdk::metrics::MetricError>(meter.u64_gauge("depth").build()));
//! ```
//!
//! ## Not rewritten
//! - Crates whose source `opentelemetry` version is 0.27 or newer, or unknown (no manifest
//!   declares it): there `.init()` is not the old API.
//! - A `.try_init()` whose `Result` is a value, in a package without `opentelemetry_sdk` (the
//!   0.27 error type lives there): reported by `residue`.
//! - `.init()` on anything else: `tracing_subscriber::registry().with(..).init()`,
//!   `env_logger::Builder::init()`, a user type's `init`. A builder kept in a local first
//!   (`let b = meter.u64_counter("x"); b.init()`) is followed within the same function.
//!
//! ## Safety
//! Only the method name changes (one identifier); arguments, comments and formatting stay.
//! The rename is exact: in 0.27 `build()` takes no arguments and returns the same instrument
//! type `init()` returned. For `.try_init()`, only the handling of an error that can no longer
//! occur is removed, or the value is wrapped so it keeps a `Result` type.

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::engine::context::PackageInfo;
use crate::engine::edit::TextRange;
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
        &[".init()", ".try_init()"]
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
        let sdk = cx.package.and_then(|p| p.code_name_of("opentelemetry_sdk"));
        let base = cx.file.base_offset;
        let in_file = |r: std::ops::Range<usize>| TextRange::new(r.start + base, r.end + base);
        for site in finder.fallible {
            let method = range_of_span(cx.file, site.method);
            match site.handling {
                TryInitUse::Handled(handling) => {
                    out.replace(method, "build");
                    out.replace(in_file(handling), "");
                }
                TryInitUse::Value(call) => {
                    let Some(sdk) = &sdk else { continue };
                    let call = in_file(call);
                    let wrap = format!("Ok::<_, {sdk}::metrics::MetricError>(");
                    out.replace(TextRange::new(call.start, call.start), wrap);
                    out.replace(method, "build");
                    out.replace(TextRange::new(call.end, call.end), ")");
                }
            }
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

/// A `.try_init()` on an instrument builder.
struct TryInit {
    /// The `try_init` identifier.
    method: proc_macro2::Span,
    handling: TryInitUse,
}

enum TryInitUse {
    /// Its error is handled on the spot: the `?`, or `.unwrap()` / `.expect(..)` (from the
    /// end of the `try_init()` call), to delete (span offsets).
    Handled(std::ops::Range<usize>),
    /// Its `Result` is a value: the whole call (span offsets).
    Value(std::ops::Range<usize>),
}

#[derive(Default)]
struct InitCalls {
    /// Spans of the `init` identifiers to rename.
    sites: Vec<proc_macro2::Span>,
    fallible: Vec<TryInit>,
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
        if let Some(method) = self.try_init(&call.receiver) {
            if call.method == "unwrap" || call.method == "expect" {
                // From the end of the `try_init()` call (or its parentheses): the line break
                // before a `.expect(..)` on the next line goes with it.
                let handling = call.receiver.span().byte_range().end..call.span().byte_range().end;
                self.fallible.push(TryInit {
                    method,
                    handling: TryInitUse::Handled(handling),
                });
                return syn::visit::visit_expr(self, &call.receiver);
            }
        }
        if let Some(method) = self.try_init_call(call) {
            if !self
                .fallible
                .iter()
                .any(|t| t.method.byte_range() == method.byte_range())
            {
                self.fallible.push(TryInit {
                    method,
                    handling: TryInitUse::Value(call.span().byte_range()),
                });
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_try(&mut self, e: &'ast syn::ExprTry) {
        if let Some(method) = self.try_init(&e.expr) {
            self.fallible.push(TryInit {
                method,
                handling: TryInitUse::Handled(e.question_token.span.byte_range()),
            });
        }
        syn::visit::visit_expr_try(self, e);
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
    /// The `try_init` of `expr` when it is `<instrument builder chain>.try_init()`.
    fn try_init(&self, expr: &syn::Expr) -> Option<proc_macro2::Span> {
        match expr {
            syn::Expr::MethodCall(call) => self.try_init_call(call),
            syn::Expr::Paren(p) => self.try_init(&p.expr),
            _ => None,
        }
    }

    fn try_init_call(&self, call: &syn::ExprMethodCall) -> Option<proc_macro2::Span> {
        (call.method == "try_init"
            && call.args.is_empty()
            && self.starts_at_instrument_builder(&call.receiver))
        .then(|| call.method.span())
    }

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
