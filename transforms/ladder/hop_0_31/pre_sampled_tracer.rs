//! # hop-0-31-pre-sampled-tracer
//!
//! ## What it does
//! With `--to 0.31` or newer: tracing-opentelemetry 0.32 removed the `PreSampledTracer` trait
//! (otel-ladder.md §3.4 item 2). In a function's generics, the bound goes
//! (`T: Tracer + PreSampledTracer + 'static` → `T: Tracer + 'static`) and the function's where
//! clause gains `T::Span: Send + Sync`, which the 0.32 layer asks of the tracer instead; the
//! import goes.
//!
//! ## Before
//! ```rust,ignore
//! fn otel_layer<S, T>(tracer: T) -> OpenTelemetryLayer<S, T>
//! where
//!     S: Subscriber + for<'a> LookupSpan<'a>,
//!     T: Tracer + PreSampledTracer + 'static,
//! { tracing_opentelemetry::layer().with_tracer(tracer) }
//! ```
//!
//! ## After
//! ```rust,ignore
//! fn otel_layer<S, T>(tracer: T) -> OpenTelemetryLayer<S, T>
//! where
//!     S: Subscriber + for<'a> LookupSpan<'a>,
//!     T: Tracer + 'static, T::Span: Send + Sync,
//! { tracing_opentelemetry::layer().with_tracer(tracer) }
//! ```
//!
//! ## Not rewritten
//! - `PreSampledTracer` as the only bound, on structs and impls, or anywhere else (an `impl
//!   PreSampledTracer for …`): left for `hop-0-31-removed-items`, which reports it.
//! - Packages already on 0.31 or newer, and runs without `--to 0.31+`.
//!
//! ## Safety
//! The bound only constrained what the layer needed; 0.32's layer needs `T::Span: Send + Sync`
//! instead, which the where clause now states (the compiler checks the callers).

use syn::visit::Visit;

use crate::engine::edit::{Edit, TextRange};
use crate::engine::syntax::{range_of, text_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};
use crate::otel::imports::ImportPlan;

pub struct PreSampledTracer;

const TRAIT: &[&str] = &["tracing_opentelemetry", "PreSampledTracer"];

impl Transform for PreSampledTracer {
    fn id(&self) -> &'static str {
        "hop-0-31-pre-sampled-tracer"
    }

    fn description(&self) -> &'static str {
        "hop 0.30 → 0.31: drop the PreSampledTracer bound of generic layer functions, add T::Span: Send + Sync"
    }

    super::super::hop_gate!(31);

    fn needles(&self) -> &'static [&'static str] {
        &["PreSampledTracer"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["tracing_opentelemetry"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut v = Functions {
            rust: &rust,
            out: &mut out,
            rewritten: false,
        };
        v.visit_file(rust.syntax);
        if v.rewritten {
            let mut plan = ImportPlan::at(cx.file, rust.syntax, 0);
            plan.remove_if_unused("tracing_opentelemetry::PreSampledTracer");
            plan.finish(&mut out);
        }
        out
    }
}

struct Functions<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Outcome,
    rewritten: bool,
}

type Bounds = syn::punctuated::Punctuated<syn::TypeParamBound, syn::Token![+]>;

impl Functions<'_, '_> {
    /// The range that removes the trait from `bounds` (with one `+`), when it is there and not
    /// the only bound.
    fn removal(&self, bounds: &Bounds) -> Option<TextRange> {
        let file = self.rust.file;
        let list: Vec<&syn::TypeParamBound> = bounds.iter().collect();
        let i = list.iter().position(
            |b| matches!(b, syn::TypeParamBound::Trait(t) if self.rust.imports.is(&t.path, TRAIT)),
        )?;
        if list.len() < 2 {
            return None;
        }
        Some(if i > 0 {
            TextRange::new(range_of(file, list[i - 1]).end, range_of(file, list[i]).end)
        } else {
            TextRange::new(range_of(file, list[0]).start, range_of(file, list[1]).start)
        })
    }

    fn function(&mut self, sig: &syn::Signature) {
        let g = &sig.generics;
        let mut edits: Vec<(TextRange, String)> = Vec::new();
        for p in g.type_params() {
            if let Some(r) = self.removal(&p.bounds) {
                edits.push((r, p.ident.to_string()));
            }
        }
        for pred in g.where_clause.iter().flat_map(|w| &w.predicates) {
            if let syn::WherePredicate::Type(t) = pred {
                if let Some(r) = self.removal(&t.bounds) {
                    edits.push((r, text_of(self.rust.file, &t.bounded_ty).to_string()));
                }
            }
        }
        if edits.is_empty() {
            return;
        }
        let file = self.rust.file;
        let predicates: Vec<String> = edits
            .iter()
            .map(|(_, ty)| format!("{ty}::Span: Send + Sync"))
            .collect();
        let added = match &g.where_clause {
            Some(w) if w.predicates.trailing_punct() || w.predicates.is_empty() => Edit::insert(
                range_of(file, w).end,
                format!(" {},", predicates.join(", ")),
            ),
            Some(w) => Edit::insert(
                range_of(file, w).end,
                format!(", {}", predicates.join(", ")),
            ),
            None => Edit::insert(
                range_of(file, sig).end,
                format!(" where {}", predicates.join(", ")),
            ),
        };
        for (range, _) in edits {
            self.out.replace(range, "");
        }
        self.out.edit(added);
        self.rewritten = true;
    }
}

impl<'ast> Visit<'ast> for Functions<'_, '_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.function(&f.sig);
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.function(&f.sig);
        syn::visit::visit_impl_item_fn(self, f);
    }
}
