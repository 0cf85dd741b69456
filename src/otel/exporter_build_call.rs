//! An exporter built directly, without a pipeline: `<old exporter>.build_log_exporter()`, where
//! the receiver is an old `new_exporter().tonic()/.http()…` chain or a local holding one
//! (`let b: LogExporterBuilder = new_exporter().tonic()….into();`, followed as in
//! [`super::exporter_local`]). 0.27 has no such method: the chain becomes
//! `LogExporter::builder().with_tonic()…` and the call `.build()`, which yields the same
//! `Result<LogExporter, LogError>`, so the site's error handling stays as written.
//! `build_span_exporter()` on an inline chain is the trace transform's (on a local or through the
//! old enum, this module's). `build_metrics_exporter(..)`
//! took a temporality selector and (before otlp 0.26) an aggregation selector, in an order that
//! depends on the receiver and the version: rewritten only when the aggregation selector is the
//! default one (the arguments are told apart by what they are, not where they stand); the
//! temporality selector stays as `.with_temporality_selector(..)` on the new builder, which the
//! `temporality` transform then turns into a `Temporality` (or reports).

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::ledger::{RawLedgerEntry, Settings, Signal as LedgerSignal};
use crate::engine::source::SourceFile;
use crate::engine::syntax::{comments_in, range_of, ImportMap, ParsedRust};
use syn::punctuated::Punctuated;

use super::exporter::{Arg, ExporterConfig, Signal, OLD_BUILDER_ITEMS};
use super::exporter_local::{exporter_in_local, unwrap_old_enum};
use super::imports::{ImportPlan, ImportPlans};
use super::ledger::resolve::Resolver;
use super::ledger::settings::exporter as exporter_settings;

/// The methods that built an exporter of a signal directly (no arguments), and the signal the
/// ledger files the site under.
const BUILD_METHODS: &[(&str, Signal, LedgerSignal)] = &[
    ("build_log_exporter", Signal::Log, LedgerSignal::Logs),
    (
        "build_metrics_exporter",
        Signal::Metric,
        LedgerSignal::Metrics,
    ),
    ("build_span_exporter", Signal::Span, LedgerSignal::Traces),
];

/// The temporality selector of `build_metrics_exporter(..)`'s arguments, unboxed, when every
/// other argument is the default aggregation selector; `None` when one is not.
fn temporality_selector(
    file: &SourceFile,
    imports: &ImportMap,
    args: &Punctuated<syn::Expr, syn::Token![,]>,
) -> Option<String> {
    let unboxed = |e: &syn::Expr| -> syn::Expr {
        match e {
            syn::Expr::Call(c)
                if c.args.len() == 1
                    && matches!(&*c.func, syn::Expr::Path(p) if p.path.segments.len() == 2
                        && p.path.segments[0].ident == "Box"
                        && p.path.segments[1].ident == "new") =>
            {
                c.args[0].clone()
            }
            e => e.clone(),
        }
    };
    let default_aggregation = |e: &syn::Expr| match unboxed(e) {
        syn::Expr::Call(c) => matches!(&*c.func, syn::Expr::Path(p)
            if ["new", "default"].iter().any(|f| imports.is(&p.path, &["opentelemetry_sdk", "metrics", "reader", "DefaultAggregationSelector", f]))),
        _ => false,
    };
    let mut temporality = None;
    for arg in args {
        if default_aggregation(arg) {
            continue;
        }
        if temporality.is_some() {
            return None;
        }
        temporality = Some(unboxed(arg));
    }
    let t = temporality?;
    Some(file.slice(range_of(file, &t)).to_string())
}

/// One `<exporter>.build_*_exporter()` call this module rewrites.
struct BuildCall<'a> {
    call: &'a syn::ExprMethodCall,
    signal: Signal,
    ledger_signal: LedgerSignal,
    exporter: ExporterConfig,
}

/// Whether `m` builds an exporter with arguments this module reads: none, or a metrics
/// exporter's selectors (the temporality one added to `exporter`).
fn read_arguments(
    rust: ParsedRust<'_>,
    m: &syn::ExprMethodCall,
    exporter: &mut ExporterConfig,
) -> bool {
    if m.args.is_empty() {
        return true;
    }
    if m.method != "build_metrics_exporter" {
        return false;
    }
    match temporality_selector(rust.file, rust.imports, &m.args) {
        Some(selector) => {
            exporter
                .passthrough
                .push(("with_temporality_selector".to_string(), Arg::new(selector)));
            true
        }
        None => false,
    }
}

/// Every build call of the file whose receiver is an old exporter chain or a followed local.
fn build_calls<'a>(rust: ParsedRust<'a>) -> Vec<BuildCall<'a>> {
    struct Calls<'a> {
        rust: ParsedRust<'a>,
        found: Vec<BuildCall<'a>>,
    }
    impl<'a> Visit<'a> for Calls<'a> {
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            let signal = BUILD_METHODS
                .iter()
                .find(|(name, _, _)| m.method == name)
                .map(|(_, s, l)| (*s, *l));
            if let Some((signal, ledger_signal)) = signal {
                let imports = self.rust.imports;
                // The builder itself, or a conversion of it into the old enum.
                let builder = |e: &syn::Expr| {
                    ExporterConfig::parse(self.rust, e).or_else(|| exporter_in_local(self.rust, e))
                };
                // A span exporter built straight from its chain is the trace transform's.
                let direct = signal == Signal::Span
                    && ExporterConfig::parse(self.rust, &m.receiver).is_some();
                let exporter = builder(&m.receiver)
                    .or_else(|| unwrap_old_enum(imports, &m.receiver).and_then(builder))
                    .filter(|_| !direct)
                    .map(|mut e| (read_arguments(self.rust, m, &mut e), e));
                if let Some((true, exporter)) = exporter {
                    self.found.push(BuildCall {
                        call: m,
                        signal,
                        ledger_signal,
                        exporter,
                    });
                    return;
                }
            }
            syn::visit::visit_expr_method_call(self, m);
        }
    }
    let mut calls = Calls {
        rust,
        found: Vec::new(),
    };
    calls.visit_file(rust.syntax);
    calls.found
}

/// The code the build calls' rewrite replaces (their receivers, the chains and annotations of
/// the locals they follow), so other passes leave it alone.
pub fn values_built_directly(rust: ParsedRust<'_>) -> Vec<TextRange> {
    let mut out = Vec::new();
    for c in build_calls(rust) {
        out.push(range_of(rust.file, &*c.call.receiver));
        let parts = c.exporter.kept_in.iter().flat_map(|k| &k.parts);
        out.extend(parts.map(|p| p.range));
    }
    out
}

/// Rewrites each build call of `signal` and the local it reads, with a ledger entry of the
/// exporter's settings (carried verbatim: the same before and after); the names the new code
/// needs go into `plans`.
pub fn rewrite_build_calls<'c>(
    rust: ParsedRust<'c>,
    signal: Signal,
    out: &mut Changes,
    plans: &mut ImportPlans<'c>,
) {
    let file = rust.file;
    let le = file.line_ending.as_str();
    let calls: Vec<BuildCall<'_>> = build_calls(rust)
        .into_iter()
        .filter(|c| c.signal == signal)
        .collect();
    if !calls.is_empty() {
        // The old builder types (the enum the chain was converted into) the calls leave unused.
        let mut cleanup = ImportPlan::at(file, rust.syntax, 0);
        for path in OLD_BUILDER_ITEMS {
            cleanup.remove_if_unused(path);
        }
        plans.add(cleanup);
    }
    for c in calls {
        let range = range_of(file, c.call);
        let mut names = ImportPlan::at(file, rust.syntax, range.start);
        let indent = crate::engine::source::deeper(file.indent_at(range.start), file.indent_unit());
        let mut text = c.exporter.render(signal, &mut names, &indent, le);
        // Comments the model does not carry (inside the conversion's parentheses, after the
        // chain) go on their own lines before the build.
        let carried = range_of(file, &*c.call.receiver);
        let inner =
            unwrap_old_enum(rust.imports, &c.call.receiver).map_or(carried, |e| range_of(file, e));
        let lost: Vec<&str> = comments_in(file, range)
            .into_iter()
            .filter(|r| !inner.contains_range(*r))
            .map(|r| file.slice(r))
            .collect();
        if let Some(at) = text
            .rfind(&format!("{le}{indent}."))
            .filter(|_| !lost.is_empty())
        {
            let lines: String = lost.iter().map(|c| format!("{le}{indent}{c}")).collect();
            text.insert_str(at, &lines);
        }
        for (r, t) in c.exporter.local_edits(signal, &mut names, le) {
            out.replace(r, t);
        }
        for n in &c.exporter.notes {
            out.finding(n.range, n.severity, n.message.clone(), n.suggestion.clone());
        }
        out.replace(range, text);
        plans.add(names);
        let mut settings = Settings::new();
        let r = Resolver::new(rust);
        exporter_settings(&r, &r, &c.exporter, &mut settings);
        let entry = RawLedgerEntry::rewritten(range, c.ledger_signal, settings.clone(), settings);
        out.ledger.push(entry);
    }
}
