//! # aggregation-selector
//!
//! ## What it does
//! OpenTelemetry 0.27 removed aggregation selectors (`AggregationSelector`,
//! `DefaultAggregationSelector`, the pipeline's `with_aggregation_selector(..)`); an aggregation
//! other than an instrument kind's default is chosen with a view on the meter provider builder.
//! `otlp-metrics-pipeline` carries a user's own `.with_aggregation_selector(MySelector)` over to
//! the `SdkMeterProvider::builder()` it writes; this transform then turns it into one view when
//! `MySelector` is a type of this file whose `impl AggregationSelector` returns a constant
//! `Aggregation` per instrument kind (a `match` on the kind, without guards, or one constant):
//! the view gives the kinds whose aggregation differs from the 0.27 default (Sum for counters
//! and up-down counters, LastValue for gauges, the explicit-bucket histogram with the default
//! boundaries for histograms — the same as 0.21–0.26's `DefaultAggregationSelector`) that
//! aggregation, and keeps each instrument's name, description and unit. The impl goes (0.27 has
//! no trait to implement), the type too when it is private and nothing else in the file uses
//! it, and the imports that became unused. 0.27 selects instruments by kind only in a closure
//! view (`Instrument::new()` has no kind criterion), so the view is a closure.
//! `manifest-features` turns on the SDK's `spec_unstable_metrics_views`, which views need.
//!
//! A selector that reads its own state (`self.histogram`, a flag, a guard) keeps its logic:
//! `impl AggregationSelector for T` becomes `impl T` (the method `pub` when `T` is), and each
//! call passing a `T` — built in the call, or a parameter of type `T` the function never binds
//! again — becomes a view moving that value in and asking it for every instrument
//! (`.with_view(move |i: &Instrument| Some(Stream::new()…aggregation(sel.aggregation(i.kind?))))`).
//! Only where the provider builder has no other view and is built in the same chain: a view
//! matching every instrument beside the user's views would add streams to theirs, whereas the
//! selector only set the default under them.
//!
//! `DefaultAggregationSelector` asked about a named kind (`DefaultAggregationSelector::new()
//! .aggregation(InstrumentKind::Counter)`, or through a local holding it) becomes that kind's
//! aggregation (`Aggregation::Sum`; see `otel::default_aggregation`).
//!
//! ## Before
//! ```rust,ignore
//! struct ExponentialHistograms;
//! impl AggregationSelector for ExponentialHistograms {
//!     fn aggregation(&self, kind: InstrumentKind) -> Aggregation {
//!         match kind {
//!             InstrumentKind::Histogram => Aggregation::Base2ExponentialHistogram {
//!                 max_size: 160, max_scale: 20, record_min_max: true,
//!             },
//!             _ => DefaultAggregationSelector::new().aggregation(kind),
//!         }
//!     }
//! }
//! // … (after otlp-metrics-pipeline)
//!     SdkMeterProvider::builder()
//!         .with_reader(reader)
//!         .with_aggregation_selector(ExponentialHistograms)
//! ```
//!
//! ## After
//! ```rust,ignore
//!     SdkMeterProvider::builder()
//!         .with_reader(reader)
//!         .with_view(|i: &Instrument| {
//!             let aggregation = match i.kind? {
//!                 InstrumentKind::Histogram => Aggregation::Base2ExponentialHistogram { max_size: 160, max_scale: 20, record_min_max: true },
//!                 _ => return None,
//!             };
//!             Some(Stream::new().name(i.name.clone()).description(i.description.clone()).unit(i.unit.clone()).aggregation(aggregation))
//!         })
//! ```
//!
//! ## Not rewritten
//! - A selector with state given to a builder that has other views or is handed on unbuilt,
//!   or whose impl is inside a module, has generics or other items, names a removed selector
//!   item, or matches on a 0.21 `InstrumentKind` (no `Gauge` yet); an invalid constant
//!   (non-increasing bucket boundaries, a `max_scale` outside -10..=20): an `error` finding at
//!   every call passing the type, with the view to write; the impl stays for the user to
//!   translate (all of a type's calls are rewritten or none is).
//! - A selector defined in another file, or passed as a local variable or a call: `error`
//!   finding.
//! - `DefaultAggregationSelector` asked with a kind known only at run time, or a local holding
//!   it that is also used otherwise: left to `residue`.
//! - `with_aggregation_selector` anywhere but on the provider builder `otlp-metrics-pipeline`
//!   wrote (an old pipeline it reported, a reader, an exporter): left to the transform or
//!   `residue` report that covers it.
//! - Crates whose source `opentelemetry_sdk` version is 0.27 or newer, or unknown.
//!
//! ## Safety
//! Only the call (`with_aggregation_selector(..)` → `with_view(..)`), the translated impl (or
//! its `trait … for` words), the unused selector type, the default selector's queries and
//! imports change. The view matches exactly the kinds whose
//! aggregation was not the default, and copies the instrument's name, description and unit
//! into its stream as the SDK's default stream does. Comments inside removed code are reported
//! in a note.

use std::collections::BTreeSet;

use syn::visit::Visit;

use crate::engine::context::PackageInfo;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{
    comments_in, ident_str, macro_fragments, range_of, range_of_span, ImportMap,
};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::default_aggregation::{rewrite_queries, DEFAULT_BOUNDARIES, DEFAULT_SELECTOR};
use crate::otel::imports::ImportPlan;
use crate::otel::user_selector::{
    chain_root, impls_of, is_param, method, note_comments, pattern_kinds, remove_impl,
    remove_imports_if_unused, remove_unused_type, selector_type_path, KINDS,
};

mod stateful;

use stateful::{make_inherent, render_stateful_view, StatefulSelectors};

pub struct AggregationSelectorTransform;

const SELECTOR_TRAIT: &[&str] = &[
    "opentelemetry_sdk",
    "metrics",
    "reader",
    "AggregationSelector",
];
const AGGREGATION: &[&str] = &["opentelemetry_sdk", "metrics", "Aggregation"];

/// The provider builders `otlp-metrics-pipeline` writes (0.27 paths).
const ROOTS: &[&[&str]] = &[
    &[
        "opentelemetry_sdk",
        "metrics",
        "SdkMeterProvider",
        "builder",
    ],
    &[
        "opentelemetry_sdk",
        "metrics",
        "MeterProviderBuilder",
        "default",
    ],
];

/// A constant `Aggregation` read from a selector, its values kept as written.
#[derive(Debug, Clone, PartialEq)]
enum Constant {
    /// The kind's default (`Aggregation::Default`, `DefaultAggregationSelector`'s choice).
    Default,
    /// `Drop`, `Sum`, `LastValue`.
    Unit(String),
    ExplicitBucketHistogram {
        boundaries: Vec<(String, f64)>,
        record_min_max: String,
    },
    Base2ExponentialHistogram {
        max_size: String,
        max_scale: String,
        record_min_max: String,
    },
}

impl Constant {
    /// Whether 0.27 chooses this aggregation for `kind` without a view.
    fn is_default_for(&self, kind: &str) -> bool {
        match self {
            Constant::Default => true,
            Constant::Unit(u) => match u.as_str() {
                "Sum" => matches!(
                    kind,
                    "Counter" | "UpDownCounter" | "ObservableCounter" | "ObservableUpDownCounter"
                ),
                "LastValue" => matches!(kind, "Gauge" | "ObservableGauge"),
                _ => false,
            },
            Constant::ExplicitBucketHistogram {
                boundaries,
                record_min_max,
            } => {
                kind == "Histogram"
                    && record_min_max == "true"
                    && boundaries.iter().map(|b| b.1).eq(DEFAULT_BOUNDARIES)
            }
            Constant::Base2ExponentialHistogram { .. } => false,
        }
    }

    fn render(&self, aggregation: &str) -> String {
        match self {
            Constant::Default => format!("{aggregation}::Default"),
            Constant::Unit(u) => format!("{aggregation}::{u}"),
            Constant::ExplicitBucketHistogram {
                boundaries,
                record_min_max,
            } => {
                let values: Vec<&str> = boundaries.iter().map(|b| b.0.as_str()).collect();
                format!(
                    "{aggregation}::ExplicitBucketHistogram {{ boundaries: vec![{}], record_min_max: {record_min_max} }}",
                    values.join(", ")
                )
            }
            Constant::Base2ExponentialHistogram {
                max_size,
                max_scale,
                record_min_max,
            } => format!(
                "{aggregation}::Base2ExponentialHistogram {{ max_size: {max_size}, max_scale: {max_scale}, record_min_max: {record_min_max} }}"
            ),
        }
    }
}

/// What a selector impl translates to: the aggregation of each of [`KINDS`] that is not the
/// 0.27 default, or why it cannot be translated.
type Translation = Result<[Option<Constant>; 7], String>;

impl Transform for AggregationSelectorTransform {
    fn id(&self) -> &'static str {
        "aggregation-selector"
    }

    fn description(&self) -> &'static str {
        "a user's aggregation selector on the meter provider builder → a view choosing the same aggregation per instrument kind"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn needles(&self) -> &'static [&'static str] {
        &["with_aggregation_selector", "AggregationSelector"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_sdk"]
    }

    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        package.is_some_and(|p| p.version_below("opentelemetry_sdk", 0, 27))
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let (file, syntax, imports) = (cx.file, cx.syntax(), cx.imports());
        let sdk = cx.crate_code_name("opentelemetry_sdk");
        let mut calls = Calls {
            imports,
            file,
            sites: Vec::new(),
            functions: Vec::new(),
            sealed: BTreeSet::new(),
        };
        calls.visit_file(syntax);
        let impls: Vec<_> = impls_of(syntax, imports, SELECTOR_TRAIT)
            .into_iter()
            .map(|i| {
                let translation = analyse_impl(i.item, imports);
                (i, translation)
            })
            .collect();
        let mut plan = ImportPlan::at(
            file,
            syntax,
            calls.sites.first().map_or(0, |s| s.call_range.start),
        );
        let impl_ranges: Vec<TextRange> =
            impls.iter().map(|(i, _)| range_of(file, i.item)).collect();
        if rewrite_queries(
            &mut out,
            file,
            syntax,
            imports,
            &mut plan,
            &sdk,
            &impl_ranges,
        ) {
            remove_imports_if_unused(
                &mut plan,
                imports,
                &[
                    DEFAULT_SELECTOR,
                    &["opentelemetry_sdk", "metrics", "reader"],
                ],
            );
        }
        if calls.sites.is_empty() && impls.is_empty() {
            plan.finish(&mut out);
            return out;
        }
        let gauge_kind = !cx
            .package
            .is_some_and(|p| p.version_below("opentelemetry_sdk", 0, 22));
        let stateful = StatefulSelectors::decide(&calls, &impls, syntax, imports, gauge_kind);
        let mut excluded: Vec<TextRange> = Vec::new();
        let mut translated: BTreeSet<String> = BTreeSet::new();
        let mut reported: BTreeSet<String> = BTreeSet::new();
        for site in &calls.sites {
            let arg_text = file.slice(range_of(file, &site.arg));
            if let Some(ty) = stateful.of_site(site) {
                let indent = file.indent_at(site.call_range.start).to_string();
                let view = render_stateful_view(
                    arg_text,
                    &sdk,
                    &mut plan,
                    &indent,
                    file.line_ending.as_str(),
                );
                out.replace(site.call_range, format!("with_view({view})"));
                excluded.push(site.call_range);
                translated.insert(ty.to_string());
                continue;
            }
            let found = selector_type_path(&site.arg).and_then(|p| {
                let name = p.get_ident().map(ident_str)?;
                impls.iter().find(|(i, _)| i.ty == name)
            });
            let map = match found {
                Some((_, Ok(map))) => map,
                Some((imp, Err(why))) => {
                    reported.insert(imp.ty.clone());
                    out.finding(
                        site.call_range,
                        Severity::Error,
                        format!(
                            "aggregation selector `{}` not translated into a view: {why}{}",
                            imp.ty,
                            stateful.why_not(&imp.ty)
                        ),
                        view_suggestion(arg_text),
                    );
                    continue;
                }
                None => {
                    out.finding(
                        site.call_range,
                        Severity::Error,
                        match site.parameter_type.as_deref().and_then(|t| Some((t, stateful.refused.get(t)?))) {
                            Some((ty, why)) => format!("aggregation selector `{arg_text}` (a `{ty}`, whose selector reads state) not translated into a view: {why}"),
                            None => format!("aggregation selector `{arg_text}` not translated into a view: it is not a type of this file constructed in place or a parameter of such a type (a variable, a call, or a type defined elsewhere)"),
                        },
                        view_suggestion(arg_text),
                    );
                    continue;
                }
            };
            let comments = comments_in(file, site.call_range);
            if !comments.is_empty() {
                note_comments(&mut out, file, site.call_range, &comments);
            }
            if map.iter().all(Option::is_none) {
                // The selector chose every kind's default: nothing to say in 0.27.
                out.replace(TextRange::new(site.receiver_end, site.call_range.end), "");
            } else {
                let indent = file.indent_at(site.call_range.start).to_string();
                let le = file.line_ending.as_str();
                let view = render_view(map, &sdk, &mut plan, &indent, le);
                out.replace(site.call_range, format!("with_view({view})"));
            }
            excluded.push(site.call_range);
            if let Some(name) =
                selector_type_path(&site.arg).and_then(|p| p.get_ident().map(ident_str))
            {
                translated.insert(name);
            }
        }

        // Stateful selectors keep their `aggregation` as an inherent method the views call.
        for (imp, _) in impls.iter().filter(|(i, _)| stateful.converts(&i.ty)) {
            make_inherent(&mut out, file, syntax, imp.item, &imp.ty);
        }

        // Impls no rewritten call used cannot compile either: say which view to write instead.
        for (imp, translation) in &impls {
            if translated.contains(&imp.ty) || reported.contains(&imp.ty) {
                continue;
            }
            let Some((_, trait_path, _)) = &imp.item.trait_ else {
                continue;
            };
            let (why, suggestion) = match translation {
                Ok(map) => (
                    "it is not passed to a pipeline this tool rewrote".to_string(),
                    format!(
                        "0.27 chooses aggregations with views (feature `spec_unstable_metrics_views`): remove the impl and, on the meter provider builder of the reader or exporter it was given to, add `.with_view({})`",
                        one_line(&render_view(map, &sdk, &mut ImportPlan::at(file, syntax, 0), "", "\n"))
                    ),
                ),
                Err(why) => (
                    format!("{why}{}", stateful.why_not(&imp.ty)),
                    view_suggestion(&format!("/* the {} value */", imp.ty)),
                ),
            };
            out.item_finding(
                &SELECTOR_TRAIT.join("::"),
                range_of(file, trait_path),
                Severity::Error,
                format!("`impl AggregationSelector for {}` cannot compile on 0.27 and was not translated: {why}", imp.ty),
                suggestion,
            );
        }

        // Translated impls go (0.27 has no trait to implement); their types too when unused.
        let removed = |ty: &str| translated.contains(ty) && !stateful.converts(ty);
        for (imp, _) in impls.iter().filter(|(i, _)| removed(&i.ty)) {
            excluded.push(remove_impl(&mut out, file, imp.item));
        }
        for (imp, _) in impls.iter().filter(|(i, _)| removed(&i.ty)) {
            let removed = remove_unused_type(&mut out, file, syntax, &imp.ty, imp.item, &excluded);
            excluded.extend(removed);
        }
        if !translated.is_empty() {
            remove_imports_if_unused(
                &mut plan,
                imports,
                &[
                    SELECTOR_TRAIT,
                    DEFAULT_SELECTOR,
                    AGGREGATION,
                    &["opentelemetry_sdk", "metrics", "InstrumentKind"],
                    &["opentelemetry_sdk", "metrics", "reader"],
                ],
            );
        }
        plan.finish(&mut out);
        out
    }
}

/// The suggestion for a selector this transform cannot translate: the closure view to write,
/// which keeps the selector's own per-kind choice (state included).
fn view_suggestion(arg: &str) -> String {
    format!(
        "0.27 chooses aggregations with views on the provider builder (feature `spec_unstable_metrics_views`): make `aggregation` an inherent method of the selector type (`impl AggregationSelector for T` → `impl T`; `DefaultAggregationSelector::new().aggregation(kind)` → `Aggregation::Default`) and give the meter provider builder `.with_view({{ let selector = {arg}; move |i: &Instrument| Some(Stream::new().name(i.name.clone()).description(i.description.clone()).unit(i.unit.clone()).aggregation(selector.aggregation(i.kind?))) }})` instead of the selector"
    )
}

/// Rendered code on one line, for a suggestion (the aggregation constants hold no strings).
fn one_line(code: &str) -> String {
    code.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How the view code names `Instrument` and `Stream` at this site.
fn view_names(plan: &mut ImportPlan<'_>, sdk: &str) -> (String, String) {
    (
        plan.name(&format!("{sdk}::metrics::Instrument")),
        plan.name(&format!("{sdk}::metrics::Stream")),
    )
}

/// A view's answer for instrument `i`: a stream with `aggregation` (an expression) that keeps
/// the instrument's name, description and unit, as the SDK's default stream does.
fn stream_with(stream: &str, aggregation: &str) -> String {
    format!("Some({stream}::new().name(i.name.clone()).description(i.description.clone()).unit(i.unit.clone()).aggregation({aggregation}))")
}

/// `|i: &Instrument| { let aggregation = match i.kind? { … }; Some(Stream::new()…) }`.
fn render_view(
    map: &[Option<Constant>; 7],
    sdk: &str,
    plan: &mut ImportPlan<'_>,
    indent: &str,
    le: &str,
) -> String {
    let (instrument, stream) = view_names(plan, sdk);
    let kind = plan.name(&format!("{sdk}::metrics::InstrumentKind"));
    let aggregation = plan.name(&format!("{sdk}::metrics::Aggregation"));
    // One arm per distinct aggregation, its kinds in `KINDS` order.
    let mut arms: Vec<(Vec<&str>, &Constant)> = Vec::new();
    for (k, constant) in KINDS.iter().zip(map) {
        let Some(c) = constant else { continue };
        match arms.iter_mut().find(|(_, a)| *a == c) {
            Some((kinds, _)) => kinds.push(k),
            None => arms.push((vec![k], c)),
        }
    }
    let unit = plan.indent_unit();
    let inner = crate::engine::source::deeper(indent, unit);
    let arm_indent = crate::engine::source::deeper(&inner, unit);
    let mut text =
        format!("|i: &{instrument}| {{{le}{inner}let aggregation = match i.kind? {{{le}");
    for (kinds, c) in arms {
        let pattern: Vec<String> = kinds.iter().map(|k| format!("{kind}::{k}")).collect();
        text.push_str(&format!(
            "{arm_indent}{} => {},{le}",
            pattern.join(" | "),
            c.render(&aggregation)
        ));
    }
    text.push_str(&format!("{arm_indent}_ => return None,{le}{inner}}};{le}"));
    text.push_str(&format!(
        "{inner}{}{le}{indent}}}",
        stream_with(&stream, "aggregation")
    ));
    text
}

fn analyse_impl(imp: &syn::ItemImpl, imports: &ImportMap) -> Translation {
    let Some((f, param)) = method(imp, "aggregation") else {
        return Err("the impl has no `aggregation` method".into());
    };
    let param = param.as_deref();
    let [syn::Stmt::Expr(body, None)] = f.block.stmts.as_slice() else {
        return Err("its `aggregation` is more than one expression".into());
    };
    let mut map: [Option<Constant>; 7] = Default::default();
    if let Some(c) = constant(body, imports, param)? {
        map = std::array::from_fn(|_| Some(c.clone()));
    } else if let syn::Expr::Match(m) = unwrapped(body) {
        if !is_param(&m.expr, param) {
            return Err("it matches on something other than the instrument kind".into());
        }
        let mut decided = [false; 7];
        for arm in &m.arms {
            if arm.guard.is_some() {
                return Err("a match arm has a guard".into());
            }
            let Some(c) = constant(&arm.body, imports, param)? else {
                return Err(
                    "a match arm does not return a constant `Aggregation` (it reads state or calls a function)".into(),
                );
            };
            let Some(kinds) = pattern_kinds(&arm.pat, imports) else {
                return Err("a match arm's pattern is not a set of instrument kinds".into());
            };
            for k in kinds {
                if !decided[k] {
                    decided[k] = true;
                    map[k] = Some(c.clone());
                }
            }
        }
    } else {
        return Err("its `aggregation` is neither a constant nor a `match` on the kind".into());
    }
    for (k, c) in KINDS.iter().zip(map.iter_mut()) {
        if c.as_ref().is_some_and(|c| c.is_default_for(k)) {
            *c = None;
        }
    }
    Ok(map)
}

fn unwrapped(expr: &syn::Expr) -> &syn::Expr {
    match expr {
        syn::Expr::Paren(p) => unwrapped(&p.expr),
        syn::Expr::Block(b) => match b.block.stmts.as_slice() {
            [syn::Stmt::Expr(e, None)] => unwrapped(e),
            _ => expr,
        },
        _ => expr,
    }
}

/// A constant `Aggregation` (resolved through imports), `Ok(None)` when `expr` is not one, an
/// error when it is one 0.27 would reject.
fn constant(
    expr: &syn::Expr,
    imports: &ImportMap,
    param: Option<&str>,
) -> Result<Option<Constant>, String> {
    let variant = |path: &syn::Path| -> Option<String> {
        let last = ident_str(&path.segments.last()?.ident);
        let mut full: Vec<&str> = AGGREGATION.to_vec();
        full.push(&last);
        imports.is(path, &full).then_some(last)
    };
    match unwrapped(expr) {
        syn::Expr::Path(p) if p.qself.is_none() => Ok(match variant(&p.path).as_deref() {
            Some("Default") => Some(Constant::Default),
            Some(v @ ("Drop" | "Sum" | "LastValue")) => Some(Constant::Unit(v.to_string())),
            _ => None,
        }),
        // `DefaultAggregationSelector::new().aggregation(kind)`: the kind's default.
        syn::Expr::MethodCall(m)
            if m.method == "aggregation"
                && m.args.len() == 1
                && is_param(&m.args[0], param)
                && selector_type_path(&m.receiver)
                    .is_some_and(|p| imports.is(&p, DEFAULT_SELECTOR)) =>
        {
            Ok(Some(Constant::Default))
        }
        syn::Expr::Struct(s) if s.qself.is_none() && s.rest.is_none() => {
            let Some(v) = variant(&s.path) else {
                return Ok(None);
            };
            let field = |name: &str| {
                s.fields.iter().find_map(|f| match &f.member {
                    syn::Member::Named(i) if i == name => Some(&f.expr),
                    _ => None,
                })
            };
            match v.as_str() {
                "ExplicitBucketHistogram" if s.fields.len() == 2 => {
                    let (Some(b), Some(r)) = (field("boundaries"), field("record_min_max")) else {
                        return Ok(None);
                    };
                    let (Some(boundaries), Some(record_min_max)) = (float_vec(b), boolean(r))
                    else {
                        return Ok(None);
                    };
                    if boundaries.windows(2).any(|w| w[0].1 >= w[1].1) {
                        return Err(
                            "its bucket boundaries do not increase (0.27 ignores such a view)"
                                .into(),
                        );
                    }
                    Ok(Some(Constant::ExplicitBucketHistogram {
                        boundaries,
                        record_min_max,
                    }))
                }
                "Base2ExponentialHistogram" if s.fields.len() == 3 => {
                    let (Some(size), Some(scale), Some(r)) = (
                        field("max_size").and_then(number),
                        field("max_scale").and_then(number),
                        field("record_min_max").and_then(boolean),
                    ) else {
                        return Ok(None);
                    };
                    if !(-10.0..=20.0).contains(&scale.1) {
                        return Err(format!(
                            "its `max_scale` {} is outside -10..=20 (0.27 ignores such a view)",
                            scale.0
                        ));
                    }
                    Ok(Some(Constant::Base2ExponentialHistogram {
                        max_size: size.0,
                        max_scale: scale.0,
                        record_min_max: r,
                    }))
                }
                _ => Ok(None),
            }
        }
        _ => Ok(None),
    }
}

/// A numeric literal, possibly negated: its text and value.
fn number(expr: &syn::Expr) -> Option<(String, f64)> {
    match expr {
        syn::Expr::Lit(l) => {
            let value = match &l.lit {
                syn::Lit::Int(i) => i.base10_parse::<i64>().ok()? as f64,
                syn::Lit::Float(f) => f.base10_parse::<f64>().ok()?,
                _ => return None,
            };
            Some((quote::ToTokens::to_token_stream(&l.lit).to_string(), value))
        }
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => {
            let (text, value) = number(&u.expr)?;
            Some((format!("-{text}"), -value))
        }
        syn::Expr::Paren(p) => number(&p.expr),
        _ => None,
    }
}

/// `vec![1.0, 2.5, …]` of numeric literals.
fn float_vec(expr: &syn::Expr) -> Option<Vec<(String, f64)>> {
    let syn::Expr::Macro(m) = expr else {
        return None;
    };
    if !m.mac.path.is_ident("vec") {
        return None;
    }
    let items = m
        .mac
        .parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        .ok()?;
    items.iter().map(number).collect()
}

fn boolean(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Bool(b),
            ..
        }) => Some(b.value.to_string()),
        _ => None,
    }
}

/// A `with_aggregation_selector(arg)` call on a provider builder.
struct Site {
    /// `with_aggregation_selector(arg)`: what gets replaced.
    call_range: TextRange,
    /// Where the receiver ends: removing from here drops the whole link.
    receiver_end: usize,
    arg: syn::Expr,
    /// The type of `arg` when it is a parameter of the enclosing function (`p: T`, `T` a plain
    /// name) that the function never binds again.
    parameter_type: Option<String>,
}

struct Calls<'i> {
    imports: &'i ImportMap,
    file: &'i SourceFile,
    sites: Vec<Site>,
    /// The functions the visit is inside, innermost last.
    functions: Vec<FnScope>,
    /// Starts of the selector calls on a chain built in place (`….build()`) with no view.
    sealed: BTreeSet<usize>,
}

impl<'ast> Visit<'ast> for Calls<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.functions.push(FnScope::of(&f.sig, &f.block));
        syn::visit::visit_item_fn(self, f);
        self.functions.pop();
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.functions.push(FnScope::of(&f.sig, &f.block));
        syn::visit::visit_impl_item_fn(self, f);
        self.functions.pop();
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "build" && call.args.is_empty() {
            self.note_sealed(call);
        }
        if call.method == "with_aggregation_selector"
            && call.args.len() == 1
            && chain_root(&call.receiver)
                .is_some_and(|p| ROOTS.iter().any(|r| self.imports.is(p, r)))
        {
            let method = range_of_span(self.file, call.method.span());
            let close = range_of_span(self.file, call.paren_token.span.close());
            let arg = call.args[0].clone();
            let parameter_type = self.functions.last().and_then(|f| f.parameter_type(&arg));
            self.sites.push(Site {
                call_range: TextRange::new(method.start, close.end),
                receiver_end: range_of(self.file, &call.receiver).end,
                arg,
                parameter_type,
            });
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        macro_fragments(mac).visit_with(self);
    }
}

impl Calls<'_> {
    /// Records the selector call of the chain `build` ends, when the chain holds no view: a
    /// view matching every instrument then stands alone, as the selector did under no views.
    fn note_sealed(&mut self, build: &syn::ExprMethodCall) {
        let mut selector = None;
        let mut expr = &*build.receiver;
        while let syn::Expr::MethodCall(m) = expr {
            if m.method == "with_view" {
                return;
            }
            if m.method == "with_aggregation_selector" {
                selector = Some(range_of_span(self.file, m.method.span()).start);
            }
            expr = &m.receiver;
        }
        if let Some(start) = selector {
            self.sealed.insert(start);
        }
    }
}

/// A function's parameters of a plain named type, and the names its body binds again.
struct FnScope {
    parameters: Vec<(String, String)>,
    rebound: BTreeSet<String>,
}

impl FnScope {
    fn of(sig: &syn::Signature, body: &syn::Block) -> FnScope {
        let parameters = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(t) => match (&*t.pat, &*t.ty) {
                    (syn::Pat::Ident(i), syn::Type::Path(ty))
                        if i.subpat.is_none() && ty.qself.is_none() =>
                    {
                        Some((ident_str(&i.ident), ident_str(ty.path.get_ident()?)))
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect();
        struct Binds(BTreeSet<String>);
        impl<'ast> Visit<'ast> for Binds {
            fn visit_pat_ident(&mut self, i: &'ast syn::PatIdent) {
                self.0.insert(ident_str(&i.ident));
                syn::visit::visit_pat_ident(self, i);
            }
        }
        let mut binds = Binds(BTreeSet::new());
        binds.visit_block(body);
        FnScope {
            parameters,
            rebound: binds.0,
        }
    }

    /// The plain type name of the parameter `arg` names, when the body never binds that name
    /// again (no `let`, pattern or closure parameter shadows it).
    fn parameter_type(&self, arg: &syn::Expr) -> Option<String> {
        let syn::Expr::Path(p) = arg else {
            return None;
        };
        let name = ident_str(p.path.get_ident().filter(|_| p.qself.is_none())?);
        if self.rebound.contains(&name) {
            return None;
        }
        self.parameters
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, ty)| ty.clone())
    }
}
