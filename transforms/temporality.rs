//! # temporality
//!
//! ## What it does
//! OpenTelemetry 0.27 removed temporality selectors (`TemporalitySelector`,
//! `DefaultTemporalitySelector`, the pipeline's `with_temporality_selector(..)` and otlp 0.26's
//! `with_delta_temporality()`); the exporter builder takes a `Temporality` value instead:
//! `MetricExporter::builder().with_tonic().with_temporality(Temporality::Delta)`.
//! This transform rewrites, on OTLP metrics chains (`opentelemetry_otlp::new_pipeline()…`, which
//! `otlp-metrics-pipeline` has already turned into `MetricExporter::builder()…` when it could) and
//! on `ManualReader::builder()`:
//! - `.with_delta_temporality()` → `.with_temporality(Temporality::Delta)` (same semantics:
//!   delta except for up-down counters);
//! - `.with_temporality_selector(DefaultTemporalitySelector::new())` →
//!   `.with_temporality(Temporality::Cumulative)`;
//! - `.with_temporality_selector(MySelector)` where `MySelector` is a type of this file whose
//!   `impl TemporalitySelector` returns a constant per instrument kind → the `Temporality` with
//!   that mapping (`Cumulative`, `Delta`, `LowMemory`). A selector returning `Delta` for every
//!   kind maps to `Temporality::Delta` with a note: 0.27's Delta keeps up-down counters
//!   cumulative. The `impl TemporalitySelector` block (which cannot compile on 0.27) is removed;
//!   the selector type too when it is private and nothing else in the file uses it; and the
//!   imports that became unused (`TemporalitySelector`, `DefaultTemporalitySelector`,
//!   `InstrumentKind`, `data::Temporality`). `opentelemetry_sdk::metrics::data::Temporality`
//!   (private in 0.27) becomes `opentelemetry_sdk::metrics::Temporality`.
//!
//! Names are resolved through the file's imports: a user's own `DeltaTemporalitySelector` or
//! `Temporality` is not the SDK's.
//!
//! Registry order: after `otlp-metrics-pipeline`, which carries the temporality calls over to
//! the exporter builder verbatim; this transform then rewrites them wherever they are (the
//! exporter builder, or an old pipeline that `otlp-metrics-pipeline` reported instead of
//! rewriting — there `.with_temporality(..)` is already the call to move to the exporter).
//!
//! ## Before
//! ```rust,ignore
//! use opentelemetry_sdk::metrics::data::Temporality;
//! use opentelemetry_sdk::metrics::reader::TemporalitySelector;
//! use opentelemetry_sdk::metrics::InstrumentKind;
//!
//! struct DeltaSelector;
//! impl TemporalitySelector for DeltaSelector {
//!     fn temporality(&self, _kind: InstrumentKind) -> Temporality {
//!         Temporality::Delta
//!     }
//! }
//! // …
//!     .with_temporality_selector(DeltaSelector)
//! ```
//!
//! ## After
//! ```rust,ignore
//! use opentelemetry_sdk::metrics::Temporality;
//! // …
//!     .with_temporality(Temporality::Delta)
//! ```
//!
//! ## Not rewritten
//! - A selector whose `temporality` is not a constant per kind (conditions, state, calls), or
//!   whose constant mapping matches no 0.27 preset: an `error` finding with the closest
//!   `Temporality`; the impl stays for the user to translate.
//! - A selector defined in another file, or passed as a variable: `error` finding.
//! - `DefaultTemporalitySelector` / `TemporalitySelector` used anywhere else (e.g. otlp 0.14's
//!   `build_metrics_exporter(..)` arguments, trait bounds): `error` finding.
//! - A temporality call on a receiver that is not recognizably an OTLP metrics pipeline, OTLP
//!   metric exporter builder or `ManualReader` builder: `warning` finding.
//! - Crates whose source `opentelemetry_sdk` / `opentelemetry-otlp` version is 0.27 or newer,
//!   or unknown.
//!
//! ## Safety
//! Only the call (`method(args)`), the selector impl, the unused selector type and imports
//! change. The all-Delta translation changes what up-down counters export (delta → cumulative),
//! which the note says. Comments inside removed code are reported in a note.

use std::collections::BTreeSet;

use syn::visit::Visit;

use crate::engine::context::PackageInfo;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::item_edit::{ident_used_outside, use_items};
use crate::engine::source::SourceFile;
use crate::engine::syntax::{
    comments_in, ident_str, macro_fragments, range_of, range_of_span, ImportMap,
};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::imports::ImportPlan;
use crate::otel::user_selector::{
    chain_root, impls_of, is_param, method, note_comments, pattern_kinds, remove_impl,
    remove_imports_if_unused, remove_unused_type, selector_type_path, UserImpl, KINDS,
};

pub struct TemporalityTransform;

const SELECTOR_TRAIT: &[&str] = &[
    "opentelemetry_sdk",
    "metrics",
    "reader",
    "TemporalitySelector",
];
const DEFAULT_SELECTOR: &[&str] = &[
    "opentelemetry_sdk",
    "metrics",
    "reader",
    "DefaultTemporalitySelector",
];
const OLD_ENUM: &[&str] = &["opentelemetry_sdk", "metrics", "data", "Temporality"];
const INSTRUMENT_KIND: &[&str] = &["opentelemetry_sdk", "metrics", "InstrumentKind"];

/// Chain roots whose temporality calls this transform rewrites.
const ROOTS: &[&[&str]] = &[
    &["opentelemetry_otlp", "new_pipeline"],
    &["opentelemetry_otlp", "MetricExporter", "builder"],
    &["opentelemetry_sdk", "metrics", "ManualReader", "builder"],
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Value {
    Cumulative,
    Delta,
}

/// A 0.27 `Temporality` and what each kind exports under it (0.27 `temporality_preference`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Preset {
    Cumulative,
    Delta,
    LowMemory,
}

impl Preset {
    const ALL: [Preset; 3] = [Preset::Cumulative, Preset::Delta, Preset::LowMemory];

    fn name(self) -> &'static str {
        match self {
            Preset::Cumulative => "Cumulative",
            Preset::Delta => "Delta",
            Preset::LowMemory => "LowMemory",
        }
    }

    fn value_for(self, kind: &str) -> Value {
        match (self, kind) {
            (Preset::Cumulative, _) => Value::Cumulative,
            (Preset::Delta, "UpDownCounter" | "ObservableUpDownCounter") => Value::Cumulative,
            (Preset::Delta, _) => Value::Delta,
            (Preset::LowMemory, "Counter" | "Histogram") => Value::Delta,
            (Preset::LowMemory, _) => Value::Cumulative,
        }
    }

    /// Kinds (among those the selector decides) where this preset differs from `map`.
    fn distance(self, map: &[Option<Value>; 7]) -> usize {
        KINDS
            .iter()
            .zip(map)
            .filter(|(k, v)| v.is_some_and(|v| v != self.value_for(k)))
            .count()
    }
}

/// What a selector (or a selector expression) translates to.
#[derive(Debug, Clone)]
enum Translation {
    /// Exact: the preset exports what the selector did.
    Exact(Preset),
    /// Delta for every kind: `Temporality::Delta`, but up-down counters become cumulative.
    AllDelta,
    /// Not translatable; the closest preset for the finding, and why.
    Unknown { closest: Preset, why: String },
}

/// A user `impl TemporalitySelector for T` in this file.
struct SelectorImpl<'a> {
    ty: String,
    item: &'a syn::ItemImpl,
    translation: Translation,
}

impl Transform for TemporalityTransform {
    fn id(&self) -> &'static str {
        "temporality"
    }

    fn description(&self) -> &'static str {
        "temporality selectors / `with_delta_temporality()` → `.with_temporality(Temporality::…)` on the exporter builder"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn needles(&self) -> &'static [&'static str] {
        &["Temporality", "_temporality"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_sdk", "opentelemetry_otlp"]
    }

    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        package.is_some_and(|p| {
            p.version_below("opentelemetry_sdk", 0, 27)
                || p.version_below("opentelemetry-otlp", 0, 27)
        })
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let file = cx.file;
        let syntax = cx.syntax();
        let imports = cx.imports();
        let sdk = cx.crate_code_name("opentelemetry_sdk");

        let impls = selector_impls(syntax, imports);
        let mut calls = Calls {
            imports,
            file,
            sites: Vec::new(),
        };
        calls.visit_file(syntax);

        let mut plan = ImportPlan::at(
            file,
            syntax,
            calls.sites.first().map_or(0, |s| s.call_range.start),
        );
        // `use …::data::Temporality;` is rewritten in place (it is private in 0.27), so the new
        // calls can keep writing `Temporality`; otherwise the plan picks the spelling.
        let old_enum_use = use_items(syntax).into_iter().find_map(|u| {
            data_segment_range(file, &u.tree)
                .filter(|_| imports.local_name_of(OLD_ENUM) == Some("Temporality"))
        });
        let mut enum_path: Option<String> = None;
        let mut excluded: Vec<TextRange> = Vec::new();
        let mut used_impls: BTreeSet<String> = BTreeSet::new();
        for site in &calls.sites {
            if !site.known_root {
                out.finding(
                    site.method_range,
                    Severity::Warning,
                    format!(
                        "`{}` on a receiver this tool cannot identify as an OTLP metrics pipeline or exporter builder",
                        site.method
                    ),
                    "0.27 sets temporality on the exporter builder: `MetricExporter::builder().with_tonic()….with_temporality(Temporality::Delta).build()?` (selectors are gone)",
                );
                continue;
            }
            let translation = match &site.arg {
                None => Translation::Exact(Preset::Delta),
                Some(arg) => translate_arg(arg, imports, &impls, &mut used_impls),
            };
            let preset = match &translation {
                Translation::Exact(p) => *p,
                Translation::AllDelta => {
                    out.finding(
                        site.call_range,
                        Severity::Note,
                        "the selector returned Delta for every instrument kind; 0.27's `Temporality::Delta` keeps UpDownCounter and ObservableUpDownCounter cumulative",
                        "nothing to do unless a backend relies on delta up-down counters (0.27 has no selector for that)",
                    );
                    Preset::Delta
                }
                Translation::Unknown { closest, why } => {
                    out.finding(
                        site.call_range,
                        Severity::Error,
                        format!("temporality selector not translated: {why}"),
                        format!(
                            "0.27 has no selectors: replace the call with `.with_temporality(Temporality::{})` (the closest preset; `Delta` keeps up-down counters cumulative, `LowMemory` is delta only for Counter and Histogram) and remove the `impl TemporalitySelector`",
                            closest.name()
                        ),
                    );
                    continue;
                }
            };
            let comments = comments_in(file, site.call_range);
            if !comments.is_empty() {
                note_comments(&mut out, file, site.call_range, &comments);
            }
            let path = enum_path
                .get_or_insert_with(|| match old_enum_use {
                    Some(_) => "Temporality".to_string(),
                    None => plan.name(&format!("{sdk}::metrics::Temporality")),
                })
                .clone();
            out.replace(
                site.call_range,
                format!("with_temporality({path}::{})", preset.name()),
            );
            excluded.push(site.call_range);
        }

        let mut reported: Vec<TextRange> = Vec::new();
        // Impls: translatable ones go (0.27 has no trait to implement); others are reported
        // unless a call site already reported them.
        for imp in &impls {
            match &imp.translation {
                Translation::Unknown { closest, why } => {
                    reported.push(range_of(file, imp.item));
                    if !used_impls.contains(&imp.ty) {
                        out.finding(
                            range_of(file, &imp.item.self_ty),
                            Severity::Error,
                            format!("`impl TemporalitySelector for {}` cannot compile on 0.27 and was not translated: {why}", imp.ty),
                            format!("remove the impl and pass `.with_temporality(Temporality::{})` (the closest preset) to the exporter builder where the selector was used", closest.name()),
                        );
                    }
                }
                _ => excluded.push(remove_impl(&mut out, file, imp.item)),
            }
        }
        // Selector types that nothing else uses go with their impls (private ones only: a
        // public type may be named from other files).
        for imp in impls
            .iter()
            .filter(|i| !matches!(i.translation, Translation::Unknown { .. }))
        {
            let removed = remove_unused_type(&mut out, file, syntax, &imp.ty, imp.item, &excluded);
            excluded.extend(removed);
        }

        // Old names used anywhere else cannot compile.
        reported.extend(excluded.iter().copied());
        let mut stray = StrayNames {
            imports,
            file,
            excluded: &reported,
            hits: Vec::new(),
        };
        stray.visit_file(syntax);
        for (range, what) in stray.hits {
            out.finding(
                range,
                Severity::Error,
                format!("`{what}` no longer exists in opentelemetry_sdk 0.27"),
                "temporality is a value now: `MetricExporter::builder()….with_temporality(Temporality::Cumulative | Temporality::Delta | Temporality::LowMemory)` (or `ManualReader::builder().with_temporality(..)`); Cumulative is the default",
            );
        }

        // Imports: the selector API cannot compile, the rest may have become unused.
        if let Some(range) = old_enum_use {
            if enum_path.is_some() || ident_used_outside(file, syntax, "Temporality", &excluded) {
                out.replace(range, "Temporality");
            } else {
                plan.remove_if_unused(&OLD_ENUM.join("::"));
            }
        } else if imports.local_name_of(OLD_ENUM).is_some() {
            plan.remove_if_unused(&OLD_ENUM.join("::"));
        }
        remove_imports_if_unused(
            &mut plan,
            imports,
            &[
                SELECTOR_TRAIT,
                DEFAULT_SELECTOR,
                INSTRUMENT_KIND,
                &["opentelemetry_sdk", "metrics", "data"],
                &["opentelemetry_sdk", "metrics", "reader"],
            ],
        );
        plan.finish(&mut out);
        out
    }
}

/// The range of `data::Temporality` in `…::metrics::data::Temporality` (a single path, no group).
fn data_segment_range(file: &SourceFile, tree: &syn::UseTree) -> Option<TextRange> {
    match tree {
        syn::UseTree::Path(p) if p.ident == "data" => match &*p.tree {
            syn::UseTree::Name(n) if n.ident == "Temporality" => Some(range_of(file, p)),
            _ => None,
        },
        syn::UseTree::Path(p) => data_segment_range(file, &p.tree),
        _ => None,
    }
}

fn selector_impls<'a>(syntax: &'a syn::File, imports: &ImportMap) -> Vec<SelectorImpl<'a>> {
    impls_of(syntax, imports, SELECTOR_TRAIT)
        .into_iter()
        .map(|UserImpl { ty, item }| SelectorImpl {
            ty,
            item,
            translation: analyse_impl(item, imports),
        })
        .collect()
}

fn analyse_impl(imp: &syn::ItemImpl, imports: &ImportMap) -> Translation {
    let unknown = |why: &str, closest: Preset| Translation::Unknown {
        closest,
        why: why.to_string(),
    };
    let Some((f, kind_param)) = method(imp, "temporality") else {
        return unknown("the impl has no `temporality` method", Preset::Cumulative);
    };
    let closest_guess = guess_from_tokens(&f.block);
    let [syn::Stmt::Expr(body, None)] = f.block.stmts.as_slice() else {
        return unknown(
            "its `temporality` is more than one expression",
            closest_guess,
        );
    };
    let mut map: [Option<Value>; 7] = [None; 7];
    if let Some(v) = constant(body, imports) {
        map = [Some(v); 7];
    } else if let syn::Expr::Match(m) = body {
        if !is_param(&m.expr, kind_param.as_deref()) {
            return unknown(
                "it matches on something other than the instrument kind",
                closest_guess,
            );
        }
        for arm in &m.arms {
            if arm.guard.is_some() {
                return unknown("a match arm has a guard", closest_guess);
            }
            let Some(v) = constant(&arm.body, imports) else {
                return unknown("a match arm does not return a constant", closest_guess);
            };
            let Some(kinds) = pattern_kinds(&arm.pat, imports) else {
                return unknown(
                    "a match arm's pattern is not a set of instrument kinds",
                    closest_guess,
                );
            };
            for k in kinds {
                if map[k].is_none() {
                    map[k] = Some(v);
                }
            }
        }
    } else {
        return unknown(
            "its `temporality` is neither a constant nor a `match` on the kind",
            closest_guess,
        );
    }
    if map.iter().flatten().all(|v| *v == Value::Delta) && (map[1].is_some() || map[4].is_some()) {
        return Translation::AllDelta;
    }
    if let Some(p) = Preset::ALL.iter().find(|p| p.distance(&map) == 0) {
        return Translation::Exact(*p);
    }
    let closest = *Preset::ALL
        .iter()
        .min_by_key(|p| p.distance(&map))
        .expect("presets");
    unknown(
        "its per-kind mapping matches no 0.27 `Temporality` preset",
        closest,
    )
}

/// `Temporality::Delta` / `::Cumulative` (the 0.2x enum, resolved through imports), possibly in
/// a block or parentheses.
fn constant(expr: &syn::Expr, imports: &ImportMap) -> Option<Value> {
    match expr {
        syn::Expr::Path(p) if p.qself.is_none() => {
            let mut base: Vec<&str> = OLD_ENUM.to_vec();
            base.push("Delta");
            if imports.is(&p.path, &base) {
                return Some(Value::Delta);
            }
            base.pop();
            base.push("Cumulative");
            imports.is(&p.path, &base).then_some(Value::Cumulative)
        }
        syn::Expr::Paren(p) => constant(&p.expr, imports),
        syn::Expr::Block(b) => match b.block.stmts.as_slice() {
            [syn::Stmt::Expr(e, None)] => constant(e, imports),
            _ => None,
        },
        _ => None,
    }
}

/// For selectors with logic: Delta when the body mentions only `Delta`, else Cumulative.
fn guess_from_tokens(block: &syn::Block) -> Preset {
    let text = quote::ToTokens::to_token_stream(block).to_string();
    if text.contains("Delta") && !text.contains("Cumulative") {
        Preset::Delta
    } else {
        Preset::Cumulative
    }
}

fn translate_arg(
    arg: &syn::Expr,
    imports: &ImportMap,
    impls: &[SelectorImpl<'_>],
    used: &mut BTreeSet<String>,
) -> Translation {
    let unknown = |why: String| Translation::Unknown {
        closest: Preset::Cumulative,
        why,
    };
    let Some(path) = selector_type_path(arg) else {
        return unknown(
            "the selector is not a type's constructor this tool can follow (a variable or a call)"
                .into(),
        );
    };
    if imports.is(&path, DEFAULT_SELECTOR) {
        return Translation::Exact(Preset::Cumulative);
    }
    if let Some(name) = path.get_ident().map(ident_str) {
        if let Some(imp) = impls.iter().find(|i| i.ty == name) {
            used.insert(name);
            return imp.translation.clone();
        }
    }
    let shown = quote::ToTokens::to_token_stream(&path)
        .to_string()
        .replace(' ', "");
    unknown(format!("`{shown}` is not a selector defined in this file"))
}

/// A temporality call found in the file.
struct Site {
    method: String,
    method_range: TextRange,
    /// `method(args)`: what gets replaced.
    call_range: TextRange,
    /// `None` for `with_delta_temporality()`.
    arg: Option<syn::Expr>,
    known_root: bool,
}

struct Calls<'i> {
    imports: &'i ImportMap,
    file: &'i SourceFile,
    sites: Vec<Site>,
}

impl<'ast> Visit<'ast> for Calls<'_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let name = ident_str(&call.method);
        let arg = match (name.as_str(), call.args.len()) {
            ("with_delta_temporality", 0) => Some(None),
            ("with_temporality_selector", 1) => Some(Some(call.args[0].clone())),
            _ => None,
        };
        if let Some(arg) = arg {
            // A chain rooted in another API's call is not ours; a receiver that is a variable
            // may be, and gets a warning.
            let known_root = match chain_root(&call.receiver) {
                Some(p) if ROOTS.iter().any(|r| self.imports.is(p, r)) => true,
                Some(_) => {
                    syn::visit::visit_expr_method_call(self, call);
                    return;
                }
                None => false,
            };
            let method_range = range_of_span(self.file, call.method.span());
            let close = range_of_span(self.file, call.paren_token.span.close());
            self.sites.push(Site {
                method: name,
                method_range,
                call_range: TextRange::new(method_range.start, close.end),
                arg,
                known_root,
            });
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        macro_fragments(mac).visit_with(self);
    }
}

/// Paths to the removed selector API outside the rewritten ranges.
struct StrayNames<'a> {
    imports: &'a ImportMap,
    file: &'a SourceFile,
    excluded: &'a [TextRange],
    hits: Vec<(TextRange, &'static str)>,
}

impl<'ast> Visit<'ast> for StrayNames<'_> {
    fn visit_item_use(&mut self, _: &'ast syn::ItemUse) {}

    fn visit_path(&mut self, path: &'ast syn::Path) {
        for (full, name) in [
            (SELECTOR_TRAIT, "TemporalitySelector"),
            (DEFAULT_SELECTOR, "DefaultTemporalitySelector"),
        ] {
            if self.imports.is(path, full) {
                let r = range_of(self.file, path);
                if !self.excluded.iter().any(|e| e.contains_range(r)) {
                    self.hits.push((r, name));
                }
            }
        }
        syn::visit::visit_path(self, path);
    }
}
