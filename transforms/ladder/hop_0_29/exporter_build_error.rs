//! # hop-0-29-exporter-build-error
//!
//! ## What it does
//! With `--to 0.29` or newer: every OTLP exporter `build()` now returns
//! `opentelemetry_otlp::ExporterBuildError`, and `?` no longer converts it into `TraceError`,
//! `MetricError` or `LogError` (otel-ladder.md §3.2 items 2, 3). A function whose error type is
//! one of those (or `TraceResult<T>`, `MetricResult<T>`, `LogResult<T>`) and whose every `?`
//! is on an exporter's `…Exporter::builder()….build()` (or whose value is
//! `…build().map(|exporter| …)`, the form the 0.27 rewrites place, also in every arm of a
//! `match` or `if`) gets `ExporterBuildError` as
//! its error type (`TraceResult<T>` → `Result<T, ExporterBuildError>`).
//!
//! ## Before
//! ```rust,ignore
//! fn init_logs(res: Resource) -> Result<SdkLoggerProvider, LogError> {
//!     let exporter = LogExporter::builder().with_tonic().build()?;
//!     Ok(SdkLoggerProvider::builder().with_resource(res).with_batch_exporter(exporter).build())
//! }
//! ```
//!
//! ## After
//! ```rust,ignore
//! fn init_logs(res: Resource) -> Result<SdkLoggerProvider, ExporterBuildError> {
//!     let exporter = LogExporter::builder().with_tonic().build()?;
//!     Ok(SdkLoggerProvider::builder().with_resource(res).with_batch_exporter(exporter).build())
//! }
//! ```
//!
//! ## Not rewritten (findings)
//! - A function that also uses `?` on something else, or names the old error type in its body
//!   (`TraceError::Other(..)`): `error` with both ways out (`ExporterBuildError` when only the
//!   exporter fails, else `Box<dyn std::error::Error + Send + Sync>`, or
//!   `.map_err(|e| TraceError::Other(Box::new(e)))?` on the build); callers that `match` on the
//!   old type need a look too.
//! - `LogError` / `LogResult` anywhere else: removed in 0.29, `error`.
//! - Functions with no exporter `build()?`: their error type still works (`TraceError` moves
//!   with `hop-0-29-error-moves`).
//!
//! ## Safety
//! The function's callers see a different error type: a caller that only propagates or prints
//! it compiles as before; one that matches on `TraceError` variants does not compile (the
//! compiler names it). Nothing else in the function changes.

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::syntax::{range_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::chain::Chain;
use crate::otel::imports::ImportPlan;
use crate::otel::ladder::renames::{
    ExporterErrorType, EXPORTER_BUILDERS, EXPORTER_BUILD_ERROR, EXPORTER_ERRORS_0_29,
};

pub struct ExporterBuildError;

impl Transform for ExporterBuildError {
    fn id(&self) -> &'static str {
        "hop-0-29-exporter-build-error"
    }

    fn description(&self) -> &'static str {
        "hop 0.28 → 0.29: functions returning TraceError / MetricError / LogError around exporter build()? → ExporterBuildError"
    }

    super::super::hop_gate!(29);

    fn needles(&self) -> &'static [&'static str] {
        &[
            "TraceError",
            "TraceResult",
            "MetricError",
            "MetricResult",
            "LogError",
            "LogResult",
        ]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_otlp"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut plan = ImportPlan::at(cx.file, rust.syntax, 0);
        let mut fns = Functions {
            rust: &rust,
            plan: &mut plan,
            out: &mut out,
            handled: Vec::new(),
        };
        fns.visit_file(rust.syntax);
        let handled = std::mem::take(&mut fns.handled);
        let mut removed = RemovedUses {
            rust: &rust,
            handled,
            found: Vec::new(),
        };
        removed.visit_file(rust.syntax);
        for at in removed.found {
            out.finding(
                at,
                Severity::Error,
                "0.29 removed `opentelemetry_sdk::logs::{LogError, LogResult}`",
                "use `opentelemetry_otlp::ExporterBuildError` for exporter builds, `opentelemetry_sdk::error::OTelSdkResult` for shutdown and flush, or `Box<dyn std::error::Error + Send + Sync>`",
            );
        }
        for old in EXPORTER_ERRORS_0_29 {
            plan.remove_if_unused(old.path);
        }
        plan.finish(&mut out);
        out
    }
}

struct Functions<'a, 'p, 'f> {
    rust: &'a ParsedRust<'f>,
    plan: &'a mut ImportPlan<'p>,
    out: &'a mut Outcome,
    /// Return types rewritten (their old error paths are not reported again).
    handled: Vec<TextRange>,
}

impl Functions<'_, '_, '_> {
    /// The old error type of `Result<T, E>` / `XResult<T>` in `ty`: the range to replace,
    /// the text of `T`, and which old type it is.
    fn old_error(
        &self,
        ty: &syn::Type,
    ) -> Option<(TextRange, Option<TextRange>, &'static ExporterErrorType)> {
        let syn::Type::Path(tp) = ty else { return None };
        let last = tp.path.segments.last()?;
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        let types: Vec<&syn::Type> = args
            .args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect();
        let resolves = |path: &syn::Path, old: &ExporterErrorType| {
            let segs: Vec<&str> = old.path.split("::").collect();
            self.rust.imports.is(path, &segs)
        };
        // `TraceResult<T>`: the whole type.
        if let Some(old) = EXPORTER_ERRORS_0_29
            .iter()
            .find(|o| o.alias && resolves(&tp.path, o))
        {
            let ok = types.first().map(|t| range_of(self.rust.file, *t));
            return Some((range_of(self.rust.file, ty), ok, old));
        }
        // `Result<T, TraceError>`: the error argument.
        if let [_, syn::Type::Path(err)] = types.as_slice() {
            let old = EXPORTER_ERRORS_0_29
                .iter()
                .find(|o| !o.alias && resolves(&err.path, o))?;
            return Some((range_of(self.rust.file, err), None, old));
        }
        None
    }

    fn function(&mut self, sig: &syn::Signature, block: &syn::Block) {
        let syn::ReturnType::Type(_, ty) = &sig.output else {
            return;
        };
        let Some((at, ok, old)) = self.old_error(ty) else {
            return;
        };
        let mut tries = Tries {
            rust: self.rust,
            exporter_builds: 0,
            others: 0,
            names_old: false,
        };
        tries.visit_block(block);
        if let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last() {
            if tries.is_mapped_exporter_build(tail) {
                tries.exporter_builds += 1;
            }
        }
        if tries.exporter_builds == 0 {
            return;
        }
        if tries.others > 0 || tries.names_old {
            self.out.finding(
                at,
                Severity::Error,
                format!("0.29: exporter `build()` returns `ExporterBuildError`, which `?` no longer converts into `{}`", old.path.rsplit("::").next().unwrap_or(old.path)),
                "use `opentelemetry_otlp::ExporterBuildError` when only the exporter build fails, else `Box<dyn std::error::Error + Send + Sync>`, or keep the type with `.build().map_err(|e| TraceError::Other(Box::new(e)))?`; check callers that match on the old type",
            );
            self.handled.push(at);
            return;
        }
        let name = self.plan.name(EXPORTER_BUILD_ERROR);
        let text = match ok {
            Some(ok) => format!("Result<{}, {name}>", &self.rust.file.text[ok.start..ok.end]),
            None => name,
        };
        self.out.replace(at, text);
        self.handled.push(at);
    }
}

impl<'ast> Visit<'ast> for Functions<'_, '_, '_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.function(&f.sig, &f.block);
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.function(&f.sig, &f.block);
        syn::visit::visit_impl_item_fn(self, f);
    }
}

/// The `?` of one function body (closures and nested items excluded).
struct Tries<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    exporter_builds: usize,
    others: usize,
    names_old: bool,
}

impl Tries<'_, '_> {
    fn is_exporter_build(&self, expr: &syn::Expr) -> bool {
        let syn::Expr::MethodCall(m) = expr else {
            return false;
        };
        if m.method != "build" {
            return false;
        }
        let chain = Chain::read_call(m);
        chain
            .root_path()
            .is_some_and(|p| EXPORTER_BUILDERS.iter().any(|b| self.rust.imports.is(p, b)))
    }
}

impl Tries<'_, '_> {
    /// The `Result`-keeping form the 0.27 rewrites place as a function's value:
    /// `SpanExporter::builder()….build().map(|exporter| …)`.
    fn is_mapped_exporter_build(&self, expr: &syn::Expr) -> bool {
        let tail = |b: &syn::Block| match b.stmts.last() {
            Some(syn::Stmt::Expr(e, None)) => self.is_mapped_exporter_build(e),
            _ => false,
        };
        let m = match expr {
            syn::Expr::MethodCall(m) => m,
            // `match protocol { "http" => …build().map(..), _ => …build().map(..) }`
            syn::Expr::Match(m) => {
                return m
                    .arms
                    .iter()
                    .all(|a| self.is_mapped_exporter_build(&a.body))
            }
            syn::Expr::If(i) => {
                return tail(&i.then_branch)
                    && i.else_branch
                        .as_ref()
                        .is_some_and(|(_, e)| self.is_mapped_exporter_build(e))
            }
            syn::Expr::Block(b) => return tail(&b.block),
            _ => return false,
        };
        let chain = Chain::read_call(m);
        let names = chain.names();
        let Some(build) = names.iter().position(|n| *n == "build") else {
            return false;
        };
        names[build + 1..].iter().all(|n| *n == "map")
            && chain
                .root_path()
                .is_some_and(|p| EXPORTER_BUILDERS.iter().any(|b| self.rust.imports.is(p, b)))
    }
}

impl<'ast> Visit<'ast> for Tries<'_, '_> {
    fn visit_expr_try(&mut self, t: &'ast syn::ExprTry) {
        if self.is_exporter_build(&t.expr) {
            self.exporter_builds += 1;
        } else {
            self.others += 1;
        }
        syn::visit::visit_expr_try(self, t);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        // `TraceError::Other(..)`, a `MetricResult` local: the body relies on the old type.
        let names_old = EXPORTER_ERRORS_0_29.iter().any(|o| {
            let segs: Vec<&str> = o.path.split("::").collect();
            self.rust
                .imports
                .resolve(path)
                .iter()
                .map(String::as_str)
                .take(segs.len())
                .eq(segs.iter().copied())
        });
        self.names_old |= names_old;
        syn::visit::visit_path(self, path);
    }

    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// Uses of the removed `LogError` / `LogResult` outside the rewritten return types.
struct RemovedUses<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    handled: Vec<TextRange>,
    found: Vec<TextRange>,
}

impl<'ast> Visit<'ast> for RemovedUses<'_, '_> {
    fn visit_item_use(&mut self, _: &'ast syn::ItemUse) {}

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let at = range_of(self.rust.file, path);
        let removed = EXPORTER_ERRORS_0_29.iter().filter(|o| o.removed).any(|o| {
            let segs: Vec<&str> = o.path.split("::").collect();
            self.rust.imports.is(path, &segs)
        });
        if removed
            && !self
                .handled
                .iter()
                .any(|h| h.start <= at.start && at.end <= h.end)
        {
            self.found.push(at);
        }
        syn::visit::visit_path(self, path);
    }
}
