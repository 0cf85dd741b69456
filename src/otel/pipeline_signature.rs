//! Functions whose signature takes or returns an old OTLP pipeline, and struct fields holding one
//! or an old exporter builder (`fn customize(p:
//! OtlpTracePipeline) -> OtlpTracePipeline`, `fn metrics() -> OtlpMetricPipeline<..>`, issue
//! 15 shape 5). The pipeline types are gone in 0.27; their nameable counterparts are the SDK's
//! provider builders. The functions the pipeline transforms cannot rewrite with their callers
//! (`placement::pipeline_creator`, `placement::otlp_creator`, `pipeline_customizer`) get one
//! finding per old type in the signature with the exact 0.27 signature and every caller, so the
//! function and its callers can be changed together by hand.

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::syntax::{comments_in, range_of, ParsedRust};
use syn::visit::Visit;

use super::exporter::Signal;

/// What the package facts know of a function of this file that other files may call.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CallersElsewhere {
    pub name: String,
    /// Every use of its name in the workspace (`src/main.rs:12`).
    pub callers: Vec<String>,
    /// Public API of a publishable library: other crates may call it.
    pub public_api: bool,
    /// Other functions of the workspace have the same name: `callers` holds every use of it.
    pub shared_name: bool,
}

/// Reports every function of the file whose parameter or return type is `signal`'s old
/// pipeline type, but those whose signature (range) is in `rewritten`; `elsewhere` lists the
/// callers the package facts found for functions other files may call. Returns the ranges of
/// the types reported.
pub fn report_pipeline_signatures(
    rust: ParsedRust<'_>,
    signal: Signal,
    rewritten: &[TextRange],
    elsewhere: &[CallersElsewhere],
    out: &mut Changes,
) -> Vec<TextRange> {
    let mut functions = Functions::default();
    functions.visit_file(rust.syntax);
    let mut reported = Vec::new();
    for sig in functions.signatures {
        if rewritten.contains(&range_of(rust.file, sig)) {
            continue;
        }
        let Some(found) = pipeline_types_in(rust, sig, signal) else {
            continue;
        };
        let split = match found.types.as_slice() {
            [(param, Role::Parameter), (_, Role::Return)] => functions
                .bodies
                .iter()
                .find(|(s, _)| std::ptr::eq(*s, sig))
                .and_then(|(_, body)| customizer_options(rust, sig, *param, body))
                .and_then(|options| builders_of(signal, &options)),
            _ => None,
        };
        let new_signature = new_signature(rust, sig, signal, &found);
        let known = elsewhere.iter().find(|e| sig.ident == e.name);
        let callers = match known {
            Some(known) if known.callers.is_empty() => "no caller in the workspace".to_string(),
            Some(known) if known.shared_name => format!(
                "uses of its name, which other functions of the workspace share: {}",
                known.callers.join(", ")
            ),
            Some(known) => format!("callers: {}", known.callers.join(", ")),
            None => {
                let callers = callers_of(rust, sig);
                let callers = if callers.is_empty() {
                    "no caller in this file".to_string()
                } else {
                    format!("callers in this file: line {}", callers.join(", line "))
                };
                format!("{callers}; callers in other files are not listed")
            }
        };
        let public_api = if known.is_some_and(|k| k.public_api) {
            "; it is public API of a publishable library, which other crates may call: set `rewrite-public-api = true` in otel-migrate.toml to have the tool rewrite it and the workspace's callers"
        } else {
            ""
        };
        for (range, role) in &found.types {
            let help = match &split {
                Some(builders) => format!(
                    "{builders}, and change every caller with it ({callers}){public_api}"
                ),
                None => format!(
                    "give it the 0.27 signature `{new_signature}`{}, and change every caller with it ({callers}){public_api}",
                    if found.creates {
                        " (build the exporter inside with `?` and install it on the provider builder; the caller ends with `.build()`)"
                    } else {
                        ""
                    }
                ),
            };
            let role = match role {
                Role::Parameter => "takes",
                Role::Return => "returns",
            };
            out.finding(
                *range,
                Severity::Error,
                format!(
                    "`{}` {role} `opentelemetry_otlp::{}`, which does not exist in opentelemetry-otlp 0.27; the function and its callers were not rewritten",
                    sig.ident,
                    signal.old_pipeline_type()
                ),
                help,
            );
            reported.push(*range);
        }
    }
    reported
}

/// Reports every struct field of the file holding `signal`'s old pipeline; returns the ranges
/// of the types reported.
pub fn report_pipeline_fields(
    rust: ParsedRust<'_>,
    signal: Signal,
    out: &mut Changes,
) -> Vec<TextRange> {
    let new_type = format!("`{}`", signal.provider_builder_path());
    report_old_fields(
        rust,
        signal.old_pipeline_type(),
        &[],
        |_| new_type.clone(),
        out,
    )
}

/// Reports every struct field of the file holding an old exporter builder
/// (`TonicExporterBuilder`, `HttpExporterBuilder`): its 0.27 type is the built exporter of the
/// signal whose pipeline the field feeds in this file (`.with_exporter(<value>.<field>)`), each
/// construction saying whether its function can use `?`; but those whose type is among
/// `followed` (a pipeline's rewrite changes them, `exporter_field`). Returns the ranges of the
/// types reported.
pub fn report_exporter_builder_fields(
    rust: ParsedRust<'_>,
    followed: &[TextRange],
    out: &mut Changes,
) -> Vec<TextRange> {
    let mut reported = Vec::new();
    for (old, transport) in [
        ("TonicExporterBuilder", "with_tonic"),
        ("HttpExporterBuilder", "with_http"),
    ] {
        let new_type = |field: &str| {
            let uses = pipelines_fed_by(rust, field);
            let signals: Vec<Signal> = uses.iter().map(|(_, s)| *s).collect();
            match signals.first() {
                Some(first) if signals.iter().all(|s| s == first) => {
                    let exporter = match first {
                        Signal::Span => "SpanExporter",
                        Signal::Metric => "MetricExporter",
                        Signal::Log => "LogExporter",
                    };
                    let lines: Vec<String> = uses.iter().map(|(l, _)| l.to_string()).collect();
                    format!(
                        "`opentelemetry_otlp::{exporter}` (it feeds the pipeline at line {}), built with `{exporter}::builder().{transport}()…build()?`",
                        lines.join(", line ")
                    )
                }
                _ => format!(
                    "`opentelemetry_otlp::SpanExporter` (or `MetricExporter`, `LogExporter`, by the signal it serves; 0.27's exporter builder types cannot be named), built with `SpanExporter::builder().{transport}()…build()?`"
                ),
            }
        };
        reported.extend(report_old_fields(rust, old, followed, new_type, out));
    }
    reported
}

/// The lines (1-based) of the pipelines of the file given `<value>.<field>` as exporter, with
/// their signal.
fn pipelines_fed_by(rust: ParsedRust<'_>, field: &str) -> Vec<(usize, Signal)> {
    struct Uses<'r> {
        rust: ParsedRust<'r>,
        field: &'r str,
        found: Vec<(usize, Signal)>,
    }
    impl<'a> Visit<'a> for Uses<'_> {
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            let arg = match m.args.first() {
                Some(syn::Expr::MethodCall(inner)) if inner.method == "into" => &*inner.receiver,
                Some(arg) => arg,
                None => return syn::visit::visit_expr_method_call(self, m),
            };
            let named = matches!(arg, syn::Expr::Field(f) if match &f.member {
                syn::Member::Named(n) => n == self.field,
                syn::Member::Unnamed(i) => i.index.to_string() == self.field,
            });
            if m.method == "with_exporter" && named {
                let chain = super::chain::Chain::read_call(m);
                let signal = chain.links.iter().find_map(|l| match l.name.as_str() {
                    "tracing" => Some(Signal::Span),
                    "metrics" => Some(Signal::Metric),
                    "logging" => Some(Signal::Log),
                    _ => None,
                });
                if let Some(signal) = signal {
                    let at = range_of(self.rust.file, m).start;
                    self.found.push((self.rust.file.line_col(at).0, signal));
                }
            }
            syn::visit::visit_expr_method_call(self, m);
        }
    }
    let mut uses = Uses {
        rust,
        field,
        found: Vec::new(),
    };
    uses.visit_file(rust.syntax);
    uses.found
}

/// Reports every struct field of the file whose type is `opentelemetry_otlp::{old}`, but those
/// whose type is among `followed`; `new_type` says what the field (by name) holds on 0.27.
/// Returns the ranges of the types reported.
pub fn report_old_fields(
    rust: ParsedRust<'_>,
    old: &str,
    followed: &[TextRange],
    new_type: impl Fn(&str) -> String,
    out: &mut Changes,
) -> Vec<TextRange> {
    let mut structs = Structs::default();
    structs.visit_file(rust.syntax);
    let mut reported = Vec::new();
    for item in structs.items {
        for (i, field) in item.fields.iter().enumerate() {
            let syn::Type::Path(p) = &field.ty else {
                continue;
            };
            if p.qself.is_some()
                || !rust.imports.is(&p.path, &["opentelemetry_otlp", old])
                || followed.contains(&range_of(rust.file, &field.ty))
            {
                continue;
            }
            let name = field
                .ident
                .as_ref()
                .map_or_else(|| i.to_string(), ToString::to_string);
            let built = constructions_of(rust, &item.ident);
            let built = if built.is_empty() {
                "no construction in this file".to_string()
            } else {
                format!("constructed in this file at line {}", built.join(", line "))
            };
            let range = range_of(rust.file, &field.ty);
            out.finding(
                range,
                Severity::Error,
                format!(
                    "field `{name}` of `{}` holds `opentelemetry_otlp::{old}`, which does not exist in opentelemetry-otlp 0.27; the struct and its uses were not rewritten",
                    item.ident
                ),
                format!(
                    "give the field the 0.27 type {}, and change where the struct is built ({built}; other files are not listed) and where the field is used",
                    new_type(&name)
                ),
            );
            reported.push(range);
        }
    }
    reported
}

/// Every struct expression `Name { .. }` in the file: its line (1-based), and in which
/// function, saying whether that function returns a `Result` (the exporter's `build()?` fits
/// there) or not.
fn constructions_of(rust: ParsedRust<'_>, name: &syn::Ident) -> Vec<String> {
    struct_expressions(rust, &[name])
        .into_iter()
        .map(|(e, function)| (syn::spanned::Spanned::span(e), function))
        .map(|(span, function)| {
            let range = crate::engine::syntax::range_of_span(rust.file, span);
            let line = rust.file.line_col(range.start).0;
            let Some(sig) = function else {
                return line.to_string();
            };
            let returns_result = match &sig.output {
                syn::ReturnType::Type(_, ty) => matches!(&**ty, syn::Type::Path(p)
                    if p.path.segments.last().is_some_and(|s| s.ident == "Result")),
                syn::ReturnType::Default => false,
            };
            let how = if returns_result {
                "which returns a `Result`: `…build()?` there, if its error type converts from the exporter's"
            } else {
                "which returns no `Result`: build the exporter where an error can be handled and pass it in"
            };
            format!("{line} (in `{}`, {how})", sig.ident)
        })
        .collect()
}

/// Every struct expression of the file naming one of `structs` (or `Self` inside an `impl` of
/// one), with the function it is in (`None` in a closure, whose `?` is its own, and outside
/// functions).
pub fn struct_expressions<'a>(
    rust: ParsedRust<'a>,
    structs: &[&syn::Ident],
) -> Vec<(&'a syn::ExprStruct, Option<&'a syn::Signature>)> {
    struct Expressions<'s, 'a> {
        structs: &'s [&'s syn::Ident],
        function: Option<&'a syn::Signature>,
        self_type: Option<&'a syn::Ident>,
        found: Vec<(&'a syn::ExprStruct, Option<&'a syn::Signature>)>,
    }
    impl<'a> Visit<'a> for Expressions<'_, 'a> {
        fn visit_item_impl(&mut self, i: &'a syn::ItemImpl) {
            let self_type = match &*i.self_ty {
                syn::Type::Path(p) => p.path.segments.last().map(|s| &s.ident),
                _ => None,
            };
            let outer = std::mem::replace(&mut self.self_type, self_type);
            syn::visit::visit_item_impl(self, i);
            self.self_type = outer;
        }
        fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
            let outer = self.function.replace(&f.sig);
            syn::visit::visit_item_fn(self, f);
            self.function = outer;
        }
        fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
            let outer = self.function.replace(&f.sig);
            syn::visit::visit_impl_item_fn(self, f);
            self.function = outer;
        }
        fn visit_expr_closure(&mut self, c: &'a syn::ExprClosure) {
            let outer = self.function.take();
            syn::visit::visit_expr_closure(self, c);
            self.function = outer;
        }
        fn visit_expr_struct(&mut self, e: &'a syn::ExprStruct) {
            let named = match e.path.segments.last() {
                Some(s) if s.ident == "Self" && e.path.segments.len() == 1 => self.self_type,
                Some(s) => Some(&s.ident),
                None => None,
            };
            if named.is_some_and(|n| self.structs.contains(&n)) {
                self.found.push((e, self.function));
            }
            syn::visit::visit_expr_struct(self, e);
        }
    }
    let mut found = Expressions {
        structs,
        function: None,
        self_type: None,
        found: Vec::new(),
    };
    found.visit_file(rust.syntax);
    found.found
}

fn lines_of(rust: ParsedRust<'_>, spans: Vec<proc_macro2::Span>) -> Vec<String> {
    spans
        .into_iter()
        .map(|span| {
            let range = crate::engine::syntax::range_of_span(rust.file, span);
            rust.file.line_col(range.start).0.to_string()
        })
        .collect()
}

/// Every struct of the file.
#[derive(Default)]
struct Structs<'a> {
    items: Vec<&'a syn::ItemStruct>,
}

impl<'a> Visit<'a> for Structs<'a> {
    fn visit_item_struct(&mut self, item: &'a syn::ItemStruct) {
        self.items.push(item);
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
    Parameter,
    Return,
}

pub struct Found {
    /// The old pipeline types of the signature, in source order.
    pub types: Vec<(TextRange, Role)>,
    /// Returned without being taken: the function creates the pipeline, so its 0.27 form
    /// builds an exporter and can fail.
    pub creates: bool,
}

/// The old pipeline types of `signal` in `sig`, if any.
pub fn pipeline_types_in(
    rust: ParsedRust<'_>,
    sig: &syn::Signature,
    signal: Signal,
) -> Option<Found> {
    let is_pipeline = |ty: &syn::Type| match ty {
        syn::Type::Path(p) if p.qself.is_none() => rust
            .imports
            .is(&p.path, &["opentelemetry_otlp", signal.old_pipeline_type()]),
        _ => false,
    };
    let mut types: Vec<(TextRange, Role)> = sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(t) if is_pipeline(&t.ty) => {
                Some((range_of(rust.file, &*t.ty), Role::Parameter))
            }
            _ => None,
        })
        .collect();
    let takes = !types.is_empty();
    let mut returns = false;
    if let syn::ReturnType::Type(_, ret) = &sig.output {
        if is_pipeline(ret) {
            types.push((range_of(rust.file, &**ret), Role::Return));
            returns = true;
        }
    }
    (!types.is_empty()).then_some(Found {
        types,
        creates: returns && !takes,
    })
}

/// The signature with each old pipeline type replaced by its 0.27 counterpart.
fn new_signature(
    rust: ParsedRust<'_>,
    sig: &syn::Signature,
    signal: Signal,
    found: &Found,
) -> String {
    let whole = range_of(rust.file, sig);
    let mut text = String::new();
    let mut at = whole.start;
    for (range, role) in &found.types {
        text.push_str(rust.file.slice(TextRange::new(at, range.start)));
        let builder = signal.provider_builder_path();
        match role {
            Role::Return if found.creates => {
                text.push_str(&format!("Result<{builder}, {}>", signal.build_error_path()));
            }
            _ => text.push_str(builder),
        }
        at = range.end;
    }
    text.push_str(rust.file.slice(TextRange::new(at, whole.end)));
    if !comments_in(rust.file, whole).is_empty() {
        return text;
    }
    // One line, for the finding: a signature `rustfmt` spread over lines read back as written.
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( ", "(")
        .replace(", )", ")")
}

/// The lines (1-based) of every call in the file of a function (by path) or a method (by
/// method name) named like `sig`.
fn callers_of(rust: ParsedRust<'_>, sig: &syn::Signature) -> Vec<String> {
    struct Calls<'n> {
        name: &'n syn::Ident,
        method: bool,
        spans: Vec<proc_macro2::Span>,
    }
    impl<'a> Visit<'a> for Calls<'_> {
        fn visit_expr_call(&mut self, c: &'a syn::ExprCall) {
            if let syn::Expr::Path(p) = &*c.func {
                if p.path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == *self.name)
                {
                    self.spans.push(syn::spanned::Spanned::span(c));
                }
            }
            syn::visit::visit_expr_call(self, c);
        }
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            if self.method && m.method == *self.name {
                self.spans.push(m.method.span());
            }
            syn::visit::visit_expr_method_call(self, m);
        }
    }
    let mut calls = Calls {
        name: &sig.ident,
        method: sig.receiver().is_some(),
        spans: Vec::new(),
    };
    calls.visit_file(rust.syntax);
    lines_of(rust, calls.spans)
}

/// Every function and method signature of the file, and the bodies of those that have one.
#[derive(Default)]
struct Functions<'a> {
    signatures: Vec<&'a syn::Signature>,
    bodies: Vec<(&'a syn::Signature, &'a syn::Block)>,
}

impl<'a> Visit<'a> for Functions<'a> {
    fn visit_signature(&mut self, sig: &'a syn::Signature) {
        self.signatures.push(sig);
    }
    fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
        self.bodies.push((&f.sig, &f.block));
        syn::visit::visit_item_fn(self, f);
    }
    fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
        self.bodies.push((&f.sig, &f.block));
        syn::visit::visit_impl_item_fn(self, f);
    }
}

/// The 0.27 builder an option of an old metrics or logs pipeline now goes on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Lands {
    /// `MeterProviderBuilder` / `logs::Builder`.
    Provider,
    /// `PeriodicReaderBuilder<E, RT>` (metrics: interval, timeout).
    Reader,
    /// The exporter builder, which 0.27 cannot name in a signature.
    Exporter,
    /// `BatchLogProcessor::builder(exporter, rt)` (logs: the batch config).
    Processor,
}

/// Where `option` of `signal`'s old pipeline goes on 0.27 (`None`: not an option of it).
pub fn option_lands_on(signal: Signal, option: &str) -> Option<Lands> {
    match (signal, option) {
        (Signal::Metric | Signal::Log, "with_resource") => Some(Lands::Provider),
        (Signal::Metric, "with_aggregation_selector") => Some(Lands::Provider),
        (Signal::Metric, "with_period" | "with_timeout") => Some(Lands::Reader),
        (
            Signal::Metric,
            "with_temporality_selector" | "with_delta_temporality" | "with_temporality",
        )
        | (Signal::Metric | Signal::Log, "with_exporter") => Some(Lands::Exporter),
        (Signal::Log, "with_batch_config") => Some(Lands::Processor),
        _ => None,
    }
}

/// The options a customizer (`fn c(p: <pipeline>, ..) -> <pipeline> { p.<options> }`, the
/// pipeline parameter's type at `param`) sets, in order; `None` for any other body.
pub fn customizer_options(
    rust: ParsedRust<'_>,
    sig: &syn::Signature,
    param: TextRange,
    body: &syn::Block,
) -> Option<Vec<String>> {
    let [syn::Stmt::Expr(tail, None)] = body.stmts.as_slice() else {
        return None;
    };
    let chain = super::chain::Chain::read(tail);
    let name = sig.inputs.iter().find_map(|input| match input {
        syn::FnArg::Typed(t) if range_of(rust.file, &*t.ty) == param => match &*t.pat {
            syn::Pat::Ident(p) => Some(p.ident.to_string()),
            _ => None,
        },
        _ => None,
    })?;
    (!chain.links.is_empty() && chain.root_local()? == name)
        .then(|| chain.links.iter().map(|l| l.name.clone()).collect())
}

/// What a metrics or logs customizer setting `options` becomes on 0.27, when that is not the
/// provider builder in and out (`None`: it is, or an option is unknown).
fn builders_of(signal: Signal, options: &[String]) -> Option<String> {
    let lands: Vec<(&str, Lands)> = options
        .iter()
        .map(|o| Some((o.as_str(), option_lands_on(signal, o)?)))
        .collect::<Option<_>>()?;
    let builder = |l: Lands| {
        match (l, signal) {
        (Lands::Provider, _) => format!("`{}`", signal.provider_builder_path()),
        (Lands::Reader, _) => "`opentelemetry_sdk::metrics::PeriodicReaderBuilder<MetricExporter, RT>` (the caller hands it `PeriodicReader::builder(exporter, runtime)`)".to_string(),
        (Lands::Exporter, Signal::Metric) => "the exporter builder (`MetricExporter::builder().with_tonic()…`; it cannot be named in a signature, and `with_temporality` belongs to no config trait, so set it where the exporter is built, or return the built `MetricExporter`)".to_string(),
        (Lands::Exporter, _) => "the exporter builder (`LogExporter::builder().with_tonic()…`; it cannot be named in a signature: set it where the exporter is built, or return the built `LogExporter`)".to_string(),
        (Lands::Processor, _) => "`BatchLogProcessor::builder(exporter, runtime)` (`.with_batch_config(..)`, handed to the provider builder's `with_log_processor`)".to_string(),
    }
    };
    let mut kinds: Vec<Lands> = lands.iter().map(|(_, l)| *l).collect();
    kinds.dedup();
    kinds.sort_by_key(|l| *l as u8);
    kinds.dedup();
    match kinds.as_slice() {
        [Lands::Provider] => None,
        [one] => Some(format!(
            "its options all go on {} in 0.27, not on the provider builder: make it take and return that builder",
            builder(*one)
        )),
        _ => {
            let each: Vec<String> = lands
                .iter()
                .map(|(o, l)| format!("`{o}` → {}", builder(*l)))
                .collect();
            Some(format!(
                "its options go on different 0.27 builders, so no one signature fits: split it into one function per builder ({})",
                each.join("; ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::syntax::with_parsed;

    fn help_of(src: &str, signal: Signal) -> Vec<String> {
        with_parsed(src, |rust| {
            let mut out = Changes::default();
            report_pipeline_signatures(rust, signal, &[], &[], &mut out);
            out.findings
                .iter()
                .map(|f| f.suggestion.clone().unwrap_or_default())
                .collect()
        })
    }

    #[test]
    fn a_customizer_takes_and_returns_the_provider_builder() {
        let help = help_of(
            "use opentelemetry_otlp::OtlpTracePipeline;\n\
             fn customize(\n    p: OtlpTracePipeline,\n) -> OtlpTracePipeline { p }\n\
             fn main() { let _ = customize(todo!()); }\n",
            Signal::Span,
        );
        assert_eq!(help.len(), 2, "{help:?}");
        assert!(help[0].contains("`fn customize(p: opentelemetry_sdk::trace::Builder) -> opentelemetry_sdk::trace::Builder`"), "{}", help[0]);
        assert!(
            help[0].contains("callers in this file: line 5;"),
            "{}",
            help[0]
        );
    }

    #[test]
    fn a_function_creating_the_pipeline_returns_a_result() {
        let help = help_of(
            "fn metrics() -> opentelemetry_otlp::OtlpMetricPipeline<Tokio, Exp> {\n\
             opentelemetry_otlp::new_pipeline().metrics(Tokio) }\n",
            Signal::Metric,
        );
        assert_eq!(help.len(), 1, "{help:?}");
        assert!(help[0].contains("`fn metrics() -> Result<opentelemetry_sdk::metrics::MeterProviderBuilder, opentelemetry_sdk::metrics::MetricError>`"), "{}", help[0]);
        // `.metrics(Tokio)` is a method, not a call of the function.
        assert!(help[0].contains("no caller in this file"), "{}", help[0]);
    }

    #[test]
    fn a_field_gets_its_new_type_and_the_constructions() {
        with_parsed(
            "use opentelemetry_otlp::TonicExporterBuilder;\n\
             struct Telemetry { exporter: TonicExporterBuilder, other: Option<TonicExporterBuilder> }\n\
             struct Mine(opentelemetry_otlp::TonicExporterBuilder);\n\
             fn make() -> Telemetry { Telemetry { exporter: todo!(), other: None } }\n",
            |rust| {
                let mut out = Changes::default();
                let new_type = |_: &str| "`X`".to_string();
                let reported = report_old_fields(rust, "TonicExporterBuilder", &[], new_type, &mut out);
                assert_eq!(reported.len(), 2, "{:?}", out.findings);
                let help = out.findings[0].suggestion.clone().unwrap_or_default();
                assert!(help.contains("the 0.27 type `X`"), "{help}");
                assert!(
                    help.contains("constructed in this file at line 4 (in `make`, which returns no `Result`"),
                    "{help}"
                );
                assert!(out.findings[1].message.contains("field `0` of `Mine`"));
            },
        );
    }

    #[test]
    fn an_exporter_builder_field_gets_the_exporter_of_the_pipeline_it_feeds() {
        with_parsed(
            "use opentelemetry_otlp::{HttpExporterBuilder, TonicExporterBuilder};\n\
             struct T { a: TonicExporterBuilder, b: HttpExporterBuilder }\n\
             impl T {\n\
                 fn new() -> anyhow::Result<T> { Ok(T { a: todo!(), b: todo!() }) }\n\
                 fn go(self) { opentelemetry_otlp::new_pipeline().metrics(Tokio).with_exporter(self.a).build(); }\n\
             }\n",
            |rust| {
                let mut out = Changes::default();
                assert_eq!(report_exporter_builder_fields(rust, &[], &mut out).len(), 2);
                let help: Vec<String> = out
                    .findings
                    .iter()
                    .map(|f| f.suggestion.clone().unwrap_or_default())
                    .collect();
                assert!(help[0].contains("`opentelemetry_otlp::MetricExporter` (it feeds the pipeline at line 5), built with `MetricExporter::builder().with_tonic()"), "{}", help[0]);
                assert!(help[0].contains("line 4 (in `new`, which returns a `Result`"), "{}", help[0]);
                // Fed to no pipeline of the file: the signal is the reader's call.
                assert!(help[1].contains("(or `MetricExporter`, `LogExporter`"), "{}", help[1]);
                assert!(help[1].contains("`SpanExporter::builder().with_http()"), "{}", help[1]);
            },
        );
    }

    #[test]
    fn a_customizer_finding_names_the_builder_of_its_options() {
        let head = "use opentelemetry_otlp::OtlpMetricPipeline as P;\n";
        let help = |body: &str| {
            help_of(
                &format!("{head}fn c(p: P<R, E>) -> P<R, E> {{ {body} }}\n"),
                Signal::Metric,
            )
        };
        // Provider options: the provider builder in and out, as before.
        let provider = help("p.with_resource(r())");
        assert!(
            provider[0].contains("`fn c(p: opentelemetry_sdk::metrics::MeterProviderBuilder)"),
            "{}",
            provider[0]
        );
        // The exporter's temporality: set where the exporter is built.
        let exporter = help("p.with_delta_temporality()");
        assert!(
            exporter[0].contains("its options all go on the exporter builder"),
            "{}",
            exporter[0]
        );
        // An option this tool does not know, or a body that is not a chain on the pipeline:
        // the provider builder signature, as before.
        assert!(help("p.with_unknown(1)")[0].contains("give it the 0.27 signature"));
        assert!(help("other(p)")[0].contains("give it the 0.27 signature"));
        // Traces keep their own rules.
        let trace = help_of(
            "use opentelemetry_otlp::OtlpTracePipeline as P;\nfn c(p: P) -> P { p.with_period(x()) }\n",
            Signal::Span,
        );
        assert!(
            trace[0].contains("give it the 0.27 signature"),
            "{}",
            trace[0]
        );
    }

    #[test]
    fn near_misses_are_not_reported() {
        // A user type named like the pipeline, another signal's pipeline, a nested use.
        let src = "struct OtlpLogPipeline;\n\
                   fn a(p: OtlpLogPipeline) -> OtlpLogPipeline { p }\n\
                   fn b(p: opentelemetry_otlp::OtlpTracePipeline) {}\n\
                   fn c() -> Option<opentelemetry_otlp::OtlpLogPipeline> { None }\n";
        assert!(help_of(src, Signal::Log).is_empty());
    }
}
