//! # tracing-bridge
//!
//! ## What it does
//! Wiring OpenTelemetry into `tracing` after the pipelines are rewritten:
//! - `tracing_opentelemetry::layer().with_tracer(global::tracer(..))` does not compile on 0.27
//!   (`BoxedTracer` is not a `PreSampledTracer`): the argument becomes `provider.tracer(..)` of the
//!   SDK `TracerProvider` bound earlier in the same function.
//! - `global::shutdown_tracer_provider()` no longer flushes while a tracing layer holds a tracer
//!   (since 0.24 a `Tracer` keeps its provider alive): where a provider is bound in the same
//!   function, the call becomes `let _ = provider.shutdown();`. So do the removed
//!   `global::shutdown_meter_provider()` (0.21) and `global::shutdown_logger_provider()`
//!   (0.21–0.22) with the `SdkMeterProvider` / `LoggerProvider` bound before them.
//! - `global::set_error_handler(..);` (removed in 0.27, which reports its internal errors as
//!   `tracing` events through the default `internal-logs` feature) is deleted, with a `note`,
//!   when the handler is a closure that only prints or logs (`eprintln!`, `tracing::error!`,
//!   `log::warn!`, …) and the statement is nothing but the call (its `Result` dropped,
//!   unwrapped or `?`-ed). The imports of the macros it called (`use log::error;`) go with it
//!   when nothing else in the file uses them.
//! - `global::logger_provider()` (removed in 0.23) → `provider.clone()` of the SDK
//!   `LoggerProvider` bound before it in the function (a `let` or a parameter), the provider
//!   the global held.
//! - `global::handle_error(e)` (removed in 0.27) → `tracing::error!("OpenTelemetry error
//!   occurred. {}", e)` when the package has a normal, non-optional `tracing` dependency (0.27
//!   reports its own errors as `tracing` events), else `eprintln!(…)`, the line the default
//!   handler printed; a `note` says that a handler installed with `set_error_handler` no longer
//!   sees them. Every type `handle_error` took (`TraceError`, `MetricsError`, `LogError`,
//!   `PropagationError`, `PoisonError`, `global::Error`) is `Display`. Named as a value
//!   (`.for_each(global::handle_error)`), it becomes a closure doing the same.
//! - `opentelemetry::global` functions that do not exist in 0.27 are reported with their
//!   replacement.
//!
//! ## Before
//! ```rust,ignore
//! let provider = TracerProvider::builder().with_batch_exporter(exporter, runtime::Tokio).build();
//! global::set_tracer_provider(provider.clone());
//! tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(global::tracer("app"))).init();
//! global::shutdown_tracer_provider();
//! ```
//!
//! ## After
//! ```rust,ignore
//! let provider = TracerProvider::builder().with_batch_exporter(exporter, runtime::Tokio).build();
//! global::set_tracer_provider(provider.clone());
//! tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(provider.tracer("app"))).init();
//! let _ = provider.shutdown();
//! ```
//!
//! ## Not rewritten
//! - `with_tracer(global::tracer(..))` with no provider in the function: `error` (it does not
//!   compile) with the fix.
//! - `global::shutdown_tracer_provider()` with no provider in the function: `warning` (it compiles
//!   but may not flush) with the fix.
//! - `global::set_error_handler(..)` whose handler does more than print or log (feeds Sentry, a
//!   metric, a channel) or is not a closure, or whose result is used: `error` (the call does not
//!   compile on 0.27), naming what the handler does: that behaviour must move to a `tracing`
//!   layer that sees the `opentelemetry*` targets. The handler is not deleted.
//! - Removed `global` functions (`handle_error::<T>` named as a value,
//!   `shutdown_meter_provider` and
//!   `shutdown_logger_provider` with no provider bound before them in the function — the
//!   latter is deleted with a `note` when no file of the package builds, installs or reads a
//!   logger provider, as it then shut down the no-op global —,
//!   `logger_provider` with no provider bound before it, `set_logger_provider` — deleting it
//!   could end the provider's life early, as the global kept it alive —, `meter_with_version`
//!   where `sdk-api-renames` left it): `error` naming the replacement.
//!
//! ## Safety
//! Only the argument of `with_tracer` and the shutdown statement change. A provider is used only
//! when a `let` in the same function binds an SDK `TracerProvider` (built with
//! `TracerProvider::builder()` or annotated with the type) before the site.

use syn::visit::Visit;

use crate::engine::context::PackageInfo;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::manifest::DepKind;
use crate::engine::syntax::{ident_str, range_of, text_of};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::error_handler::{self, Handler};
use crate::otel::imports::{ImportPlan, ImportPlans};
use crate::otel::local_binding::names_a_local;
use crate::otel::logger_provider_source::carry_provider_help;

pub struct TracingBridge;

impl Transform for TracingBridge {
    fn id(&self) -> &'static str {
        "tracing-bridge"
    }

    fn description(&self) -> &'static str {
        "tracing-opentelemetry layer with the SDK tracer; provider shutdown; removed `global` functions (0.27)"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn needles(&self) -> &'static [&'static str] {
        // Every site names one of these, if only in the `use` that aliases it.
        &[
            "with_tracer",
            "shutdown_tracer_provider",
            "set_error_handler",
            "handle_error",
            "shutdown_meter_provider",
            "logger_provider",
            "meter_with_version",
        ]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry"]
    }

    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        package.is_none_or(|p| p.version_below("opentelemetry", 0, 27))
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let mut plans = ImportPlans::default();
        let mut v = Bridge {
            cx,
            out: &mut out,
            plans: &mut plans,
            providers: Vec::new(),
        };
        v.visit_file(cx.syntax());
        plans.finish(&mut out);
        out
    }
}

/// `global` functions that do not exist in 0.27, with what to use instead.
const REMOVED_GLOBALS: &[(&str, &str)] = &[
    ("handle_error", "log the error yourself (`tracing::error!`); the global error handler was removed in 0.27"),
    ("shutdown_meter_provider", "keep the `SdkMeterProvider` and call `meter_provider.shutdown()`"),
    ("logger_provider", "keep the `LoggerProvider` you built and pass it where it is needed"),
    ("set_logger_provider", "delete the call, but keep the `LoggerProvider` alive as the global did (store it or return it from the init function: dropping the last clone shuts it down) and hand it to `OpenTelemetryTracingBridge::new(&provider)`"),
    ("shutdown_logger_provider", "keep the `LoggerProvider` and call `logger_provider.shutdown()`"),
    ("meter_with_version", "use `global::meter_with_scope(InstrumentationScope::builder(name).with_version(v).build())`"),
];

/// Where 0.27 reports what the error handler used to receive.
const INTERNAL_ERRORS: &str = "remove it: 0.27 reports its internal errors as `tracing` events (the `internal-logs` feature, on by default); a `tracing` subscriber or layer that sees the `opentelemetry*` targets receives them";

struct Bridge<'a, 'c> {
    cx: &'a FileContext<'c>,
    out: &'a mut Outcome,
    plans: &'a mut ImportPlans<'c>,
    /// SDK providers bound so far in the current function: (signal, name, end offset of the
    /// binding).
    providers: Vec<(Signal, String, usize)>,
}

impl Bridge<'_, '_> {
    fn is_global(&self, path: &syn::Path, name: &str) -> bool {
        self.cx
            .imports()
            .is(path, &["opentelemetry", "global", name])
    }

    fn provider_at(&self, signal: Signal, offset: usize) -> Option<String> {
        self.providers
            .iter()
            .rev()
            .find(|(s, _, end)| *s == signal && *end <= offset)
            .map(|(_, n, _)| n.clone())
    }

    /// Parameters typed as an SDK provider (`&TracerProvider`, `SdkMeterProvider`, …, by name).
    fn params(&mut self, sig: &syn::Signature) {
        for input in &sig.inputs {
            if let syn::FnArg::Typed(t) = input {
                let ty = text_of(self.cx.file, &*t.ty);
                let signal = Signal::of_type(ty.trim_start_matches('&').trim());
                if let (Some(signal), syn::Pat::Ident(i)) = (signal, &*t.pat) {
                    self.providers.push((
                        signal,
                        ident_str(&i.ident),
                        range_of(self.cx.file, sig).end,
                    ));
                }
            }
        }
    }

    /// `let <name> = …Provider::builder()….build();` or `let <name>: …Provider = …;`.
    fn provider_binding(&self, local: &syn::Local) -> Option<(Signal, String)> {
        let (pat, ty) = match &local.pat {
            syn::Pat::Ident(i) => (i, None),
            syn::Pat::Type(t) => match &*t.pat {
                syn::Pat::Ident(i) => (i, Some(&*t.ty)),
                _ => return None,
            },
            _ => return None,
        };
        let init = local.init.as_ref()?;
        let typed = ty.and_then(|t| Signal::of_type(text_of(self.cx.file, t)));
        let built = {
            let text = text_of(self.cx.file, &*init.expr);
            let built = text.trim_end().ends_with(".build()");
            SIGNALS
                .iter()
                .find(|s| built && text.contains(&format!("{}::builder()", s.provider_suffix())))
                .copied()
        };
        typed.or(built).map(|s| (s, ident_str(&pat.ident)))
    }
}

/// The signals whose SDK provider a `global::shutdown_*_provider()` stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signal {
    Traces,
    Metrics,
    Logs,
}

const SIGNALS: [Signal; 3] = [Signal::Traces, Signal::Metrics, Signal::Logs];

impl Signal {
    /// How the provider type's name ends (`TracerProvider`, `SdkMeterProvider`, 0.21's SDK
    /// `MeterProvider`, `LoggerProvider`).
    fn provider_suffix(self) -> &'static str {
        match self {
            Signal::Traces => "TracerProvider",
            Signal::Metrics => "MeterProvider",
            Signal::Logs => "LoggerProvider",
        }
    }

    /// The removed global that shut this signal's provider down.
    fn shutdown_global(self) -> &'static str {
        match self {
            Signal::Traces => "shutdown_tracer_provider",
            Signal::Metrics => "shutdown_meter_provider",
            Signal::Logs => "shutdown_logger_provider",
        }
    }

    /// The signal of a provider type written `ty` (a concrete type, not `dyn`/`impl` of the
    /// API trait).
    fn of_type(ty: &str) -> Option<Signal> {
        if ty.contains("dyn") || ty.contains("impl") {
            return None;
        }
        SIGNALS
            .iter()
            .find(|s| ty.ends_with(s.provider_suffix()))
            .copied()
    }
}

impl Bridge<'_, '_> {
    /// `global::shutdown_<signal>_provider();` → `let _ = provider.shutdown();` of the SDK
    /// provider bound before it in the function. Without one: the tracer global (still in 0.27)
    /// gets a warning here, the removed globals their error (`false`: visit the path).
    fn shutdown(&mut self, stmt: &syn::Stmt, signal: Signal) -> bool {
        let range = range_of(self.cx.file, stmt);
        match (self.provider_at(signal, range.start), signal) {
            (Some(provider), _) => {
                self.out
                    .replace(range, format!("let _ = {provider}.shutdown();"));
                true
            }
            (None, Signal::Traces) => {
                self.out.finding(
                    range,
                    Severity::Warning,
                    "`global::shutdown_tracer_provider()` no longer flushes pending spans while a tracing layer holds a tracer (since 0.24 a `Tracer` keeps its provider alive); it is removed in 0.28",
                    "keep the `TracerProvider` you build (return it from the init function or store it) and call `provider.shutdown()` here instead",
                );
                true
            }
            (None, Signal::Logs) if !self.package_installs_a_logger_provider() => {
                self.out
                    .edit(crate::engine::item_edit::delete_item(self.cx.file, stmt));
                self.out.item_finding(
                    "opentelemetry::global::shutdown_logger_provider",
                    range,
                    Severity::Note,
                    "`global::shutdown_logger_provider()` removed (gone in 0.27): no logger provider is built, installed or read in this package (no `LoggerProvider`, `set_logger_provider`, `global::logger_provider()` or OTLP logs pipeline), so it shut down the no-op global",
                    "if another crate of the program installs a logger provider and relied on this call, keep that `LoggerProvider` and call `provider.shutdown()` where it is built",
                );
                let mut names = ImportPlan::at(self.cx.file, self.cx.syntax(), range.start);
                names.remove_if_unused("opentelemetry::global::shutdown_logger_provider");
                names.remove_if_unused("opentelemetry::global");
                self.plans.add(names);
                true
            }
            (None, _) => false,
        }
    }

    /// Whether a file of the package builds, installs or reads a logger provider: a
    /// `LoggerProvider` named, `set_logger_provider`, `global::logger_provider()`, or an OTLP
    /// logs pipeline (which installed it globally).
    fn package_installs_a_logger_provider(&self) -> bool {
        self.cx.package.is_none_or(|p| {
            [
                "LoggerProvider",
                "set_logger_provider",
                "logger_provider",
                "logging()",
            ]
            .iter()
            .any(|n| p.usage.mentions(n))
        })
    }

    /// `global::set_error_handler(h);`: deleted when `h` only prints or logs, else reported
    /// with what it does.
    fn error_handler(&mut self, stmt: &syn::Stmt, call: &syn::ExprCall) {
        let file = self.cx.file;
        let site = range_of(file, &*call.func);
        match error_handler::classify(&call.args[0]) {
            Handler::OnlyLogs => {
                self.out
                    .edit(crate::engine::item_edit::delete_item(file, stmt));
                self.out.item_finding(
                    "opentelemetry::global::set_error_handler",
                    site,
                    Severity::Note,
                    "`global::set_error_handler(..)` removed (gone in 0.27): its handler only printed or logged, and 0.27 reports its internal errors as `tracing` events (the `internal-logs` feature, on by default)",
                    "make sure a `tracing` subscriber sees the `opentelemetry*` targets to keep seeing them",
                );
                let mut names = ImportPlan::at(file, self.cx.syntax(), site.start);
                names.remove_if_unused("opentelemetry::global::set_error_handler");
                names.remove_if_unused("opentelemetry::global");
                // `use log::error;` for the handler's `error!(..)`: unused once it goes (a
                // warning, an error under `#![deny(warnings)]`).
                for path in error_handler::macro_paths(&call.args[0]) {
                    let resolved = self.cx.imports().resolve(path);
                    if path.segments.len() == 1 && resolved.len() > 1 {
                        names.remove_if_unused(&resolved.join("::"));
                    }
                }
                self.plans.add(names);
            }
            Handler::DoesMore(what) => {
                self.out.item_finding(
                    "opentelemetry::global::set_error_handler",
                    site,
                    Severity::Error,
                    format!("`global::set_error_handler` does not exist in opentelemetry 0.27, and this handler does more than print or log ({what}): not removed"),
                    "move what the handler does to a `tracing` layer that sees the `opentelemetry*` targets (0.27 reports its internal errors as `tracing` events, `internal-logs` feature), then delete the call",
                );
                // Other sites inside the handler still get their findings.
                for arg in &call.args {
                    self.visit_expr(arg);
                }
            }
        }
    }
}

impl Bridge<'_, '_> {
    /// `global::logger_provider()` (removed in 0.23) → `provider.clone()` of the SDK
    /// `LoggerProvider` bound before it in the function: the provider the global held (0.21's
    /// bridge took `&global::logger_provider()`). `false` without one (reported as removed).
    fn logger_provider(&mut self, call: &syn::ExprCall) -> bool {
        let file = self.cx.file;
        let range = range_of(file, call);
        let Some(provider) = self.provider_at(Signal::Logs, range.start) else {
            return false;
        };
        self.out.replace(range, format!("{provider}.clone()"));
        let mut names = ImportPlan::at(file, self.cx.syntax(), range.start);
        names.remove_if_unused("opentelemetry::global::logger_provider");
        names.remove_if_unused("opentelemetry::global");
        self.plans.add(names);
        true
    }

    /// `global::handle_error(e)` → a `tracing::error!` event with `e` when the package has
    /// `tracing` (where 0.27 reports its own errors), else the `eprintln!` line the default
    /// handler printed. Named as a value (`.for_each(global::handle_error)`): a closure doing
    /// the same.
    fn handle_error(&mut self, site: TextRange, func: TextRange, error: Option<&str>) {
        let file = self.cx.file;
        let tracing = self.cx.package.and_then(|p| {
            p.deps
                .iter()
                .find(|d| {
                    d.entry.is("tracing")
                        && d.entry.table.kind == DepKind::Normal
                        && !d.entry.optional
                })
                .map(|d| d.entry.key.replace('-', "_"))
        });
        let replacement = match error {
            Some(error) => error_handler::handle_error_replacement(tracing.as_deref(), error),
            None => format!(
                "|error| {}",
                error_handler::handle_error_replacement(tracing.as_deref(), "error")
            ),
        };
        let (reported_to, why) = match tracing {
            Some(_) => (
                "a `tracing` error event",
                "where 0.27 reports its own internal errors",
            ),
            None => (
                "the line the default handler printed",
                "the package has no `tracing` dependency",
            ),
        };
        self.out.replace(site, replacement);
        self.out.item_finding(
            "opentelemetry::global::handle_error",
            func,
            Severity::Note,
            format!("`global::handle_error` (removed in 0.27) replaced by {reported_to} ({why})"),
            "an error handler installed with `global::set_error_handler` no longer sees these errors; route them where it sent them if it did more than log",
        );
        let mut names = ImportPlan::at(file, self.cx.syntax(), site.start);
        names.remove_if_unused("opentelemetry::global::handle_error");
        names.remove_if_unused("opentelemetry::global");
        self.plans.add(names);
    }
}

impl<'a> Visit<'a> for Bridge<'_, '_> {
    fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
        let outer = std::mem::take(&mut self.providers);
        self.params(&f.sig);
        syn::visit::visit_item_fn(self, f);
        self.providers = outer;
    }

    fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
        let outer = std::mem::take(&mut self.providers);
        self.params(&f.sig);
        syn::visit::visit_impl_item_fn(self, f);
        self.providers = outer;
    }

    fn visit_local(&mut self, local: &'a syn::Local) {
        syn::visit::visit_local(self, local);
        if let Some((signal, name)) = self.provider_binding(local) {
            self.providers
                .push((signal, name, range_of(self.cx.file, local).end));
        }
    }

    fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
        if m.method == "with_tracer" && m.args.len() == 1 {
            if let syn::Expr::Call(c) = &m.args[0] {
                if let syn::Expr::Path(p) = &*c.func {
                    if self.is_global(&p.path, "tracer") {
                        let file = self.cx.file;
                        let range = range_of(file, &m.args[0]);
                        match self.provider_at(Signal::Traces, range.start) {
                            Some(provider) => {
                                let args: Vec<&str> = c.args.iter().map(|a| text_of(file, a)).collect();
                                let mut names = ImportPlan::at(file, self.cx.syntax(), range.start);
                                names.need_trait_anonymous("opentelemetry::trace::TracerProvider");
                                self.out.replace(range, format!("{provider}.tracer({})", args.join(", ")));
                                self.plans.add(names);
                            }
                            None => self.out.finding(
                                range,
                                Severity::Error,
                                "`global::tracer(..)` returns a `BoxedTracer`, which the 0.27 tracing layer does not accept (it is not a `PreSampledTracer`)",
                                "pass the SDK tracer instead: keep the `TracerProvider` you build and call `provider.tracer(\"name\")` (with `use opentelemetry::trace::TracerProvider as _;`)",
                            ),
                        }
                        return;
                    }
                }
            }
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_stmt(&mut self, s: &'a syn::Stmt) {
        if let Some(call) = error_handler::installing_statement(s, self.cx.imports()) {
            self.error_handler(s, call);
            return;
        }
        if let syn::Stmt::Expr(syn::Expr::Call(c), Some(_)) = s {
            if let syn::Expr::Path(p) = &*c.func {
                let signal = SIGNALS
                    .iter()
                    .find(|sig| self.is_global(&p.path, sig.shutdown_global()))
                    .copied();
                if let (true, Some(signal)) = (c.args.is_empty(), signal) {
                    if self.shutdown(s, signal) {
                        return;
                    }
                }
            }
        }
        syn::visit::visit_stmt(self, s);
    }

    fn visit_expr_call(&mut self, c: &'a syn::ExprCall) {
        if let (syn::Expr::Path(p), true) = (&*c.func, c.args.is_empty()) {
            if self.is_global(&p.path, "logger_provider") && self.logger_provider(c) {
                return;
            }
        }
        if let (syn::Expr::Path(p), 1) = (&*c.func, c.args.len()) {
            if self.cx.imports().is(&p.path, error_handler::HANDLE_ERROR) {
                let file = self.cx.file;
                let error = text_of(file, &c.args[0]);
                self.handle_error(range_of(file, c), range_of(file, p), Some(error));
                // Other sites inside the argument still get theirs.
                self.visit_expr(&c.args[0]);
                return;
            }
        }
        syn::visit::visit_expr_call(self, c);
    }

    fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
        if p.path.segments.len() == 1 && names_a_local(self.cx.rust(), p) {
            // A local that shadows an imported global of the same name.
            return;
        }
        if self.is_global(&p.path, "set_error_handler") {
            // Not a statement of its own (`if let Err(e) = global::set_error_handler(..)`).
            self.out.item_finding(
                "opentelemetry::global::set_error_handler",
                range_of(self.cx.file, p),
                Severity::Error,
                "`global::set_error_handler` does not exist in opentelemetry 0.27",
                INTERNAL_ERRORS,
            );
        }
        let plain = p.path.segments.iter().all(|s| s.arguments.is_none());
        if plain && self.cx.imports().is(&p.path, error_handler::HANDLE_ERROR) {
            // Named as a value (a call is rewritten before its path is reached).
            let range = range_of(self.cx.file, p);
            return self.handle_error(range, range, None);
        }
        for (name, instead) in REMOVED_GLOBALS {
            if self.is_global(&p.path, name) {
                let site = range_of(self.cx.file, p);
                // A reader of the global in another function than the one making the provider.
                let carry = (*name == "logger_provider")
                    .then(|| carry_provider_help(self.cx.file, self.cx.syntax(), site.start))
                    .flatten();
                self.out.item_finding(
                    &format!("opentelemetry::global::{name}"),
                    site,
                    Severity::Error,
                    format!("`global::{name}` does not exist in opentelemetry 0.27"),
                    carry.unwrap_or_else(|| instead.to_string()),
                );
            }
        }
        syn::visit::visit_expr_path(self, p);
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        let fragments = crate::engine::syntax::macro_fragments(mac);
        fragments.visit_with(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_removed_global_passes_the_prefilter() {
        for (name, _) in REMOVED_GLOBALS {
            assert!(
                TracingBridge.has_needle(name),
                "`{name}` is not covered by a needle"
            );
        }
    }
}
