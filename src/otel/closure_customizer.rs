//! Functions that hand their trace pipeline to a closure their caller passes, before they install
//! it (`fn init<F>(resource: Resource, customize: F) -> Result<TracerProvider, TraceError> where
//! F: FnOnce(OtlpTracePipeline<SpanExporterBuilder>) -> OtlpTracePipeline<SpanExporterBuilder>`
//! with `pipeline = customize(pipeline); pipeline.install_batch(rt)`), and the pass-through
//! functions callers hand them (`fn identity(p: OtlpTracePipeline<..>) -> OtlpTracePipeline<..>
//! { p }`), issue 15 shape 5.
//!
//! 0.27 has no pipeline to hand over; what takes the settings now is the provider builder
//! (`opentelemetry_sdk::trace::Builder`). So the bound takes and returns the builder, the call
//! sits between the builder and its `.build()` (`placement::trace_sites`), and the pass-through
//! functions take and return the builder too: the change init-tracing-opentelemetry made by hand
//! for 0.27. A caller's closure written against the pipeline would no longer compile, so the
//! function is followed only when every caller in the workspace hands it `|p| p` or a
//! pass-through rewritten with it (`transforms/closure_facts.rs`).

use crate::engine::edit::TextRange;
use crate::engine::syntax::{ident_str, range_of, ParsedRust};

use super::chain::count_ident;
use super::exporter::Signal;
use super::exporter_helper::top_level_fn;
use super::imports::ImportPlan;

/// A top-level function of the file with a parameter the trace pipeline goes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosureCustomizer {
    /// The function's name.
    pub function: String,
    /// The closure parameter's name and position.
    pub param: String,
    pub index: usize,
    /// The function's body: where calls of `param` are the closure's.
    pub body: TextRange,
    /// The old pipeline types of the closure's bound (its argument and its result).
    pub types: Vec<TextRange>,
    /// How often the body names the parameter.
    pub uses: usize,
}

/// A top-level function of the file returning the pipeline it takes, unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassThrough {
    pub name: String,
    pub signature: TextRange,
    /// The old pipeline types of its parameter and result.
    pub types: Vec<TextRange>,
}

/// The file's top-level functions of the closure customizer's form.
pub fn closure_customizers(rust: ParsedRust<'_>) -> Vec<ClosureCustomizer> {
    top_level_fns(rust)
        .filter_map(|f| closure_customizer(rust, f))
        .collect()
}

/// The file's top-level pass-through functions.
pub fn pass_throughs(rust: ParsedRust<'_>) -> Vec<PassThrough> {
    top_level_fns(rust)
        .filter_map(|f| pass_through(rust, f))
        .collect()
}

/// The edits of rewritten functions: each old pipeline type becomes the provider builder.
pub fn builder_type_edits(
    types: impl IntoIterator<Item = TextRange>,
    names: &mut ImportPlan<'_>,
) -> Vec<(TextRange, String)> {
    // Each type under its own `#[cfg]`: a gated function's import is gated alike.
    let edits = types
        .into_iter()
        .map(|r| {
            names.code_at(r.start);
            (r, names.name(Signal::Span.provider_builder_path()))
        })
        .collect();
    names.code_at_site();
    edits
}

/// Whether `arg`, handed to a closure customizer, still fits once it takes the provider builder:
/// `|p| p`, or a path (or a reference to one) that `is_pass_through` accepts.
pub fn accepted_argument(arg: &syn::Expr, is_pass_through: &dyn Fn(&syn::Path) -> bool) -> bool {
    match arg {
        syn::Expr::Closure(c) => {
            let [syn::Pat::Ident(p)] = c.inputs.iter().collect::<Vec<_>>().as_slice() else {
                return false;
            };
            matches!(&*c.body, syn::Expr::Path(b) if b.qself.is_none() && b.path.is_ident(&p.ident))
        }
        syn::Expr::Path(p) if p.qself.is_none() => {
            p.path
                .segments
                .last()
                .is_some_and(|s| s.arguments.is_none())
                && is_pass_through(&p.path)
        }
        syn::Expr::Reference(r) => accepted_argument(&r.expr, is_pass_through),
        _ => false,
    }
}

/// The file's top-level functions whose name no other top-level function has (a name defined
/// twice, under different `cfg`s, is not followed).
fn top_level_fns<'a>(rust: ParsedRust<'a>) -> impl Iterator<Item = &'a syn::ItemFn> {
    rust.syntax.items.iter().filter_map(move |i| match i {
        syn::Item::Fn(f) => top_level_fn(rust.syntax, &ident_str(&f.sig.ident)),
        _ => None,
    })
}

fn is_pipeline(rust: ParsedRust<'_>, ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none()
        && rust.imports.is(&p.path, &["opentelemetry_otlp", Signal::Span.old_pipeline_type()]))
}

fn closure_customizer(rust: ParsedRust<'_>, f: &syn::ItemFn) -> Option<ClosureCustomizer> {
    let sig = &f.sig;
    let mut found = sig.inputs.iter().enumerate().filter_map(|(index, input)| {
        let syn::FnArg::Typed(t) = input else {
            return None;
        };
        let syn::Pat::Ident(p) = &*t.pat else {
            return None;
        };
        let types = match &*t.ty {
            syn::Type::ImplTrait(it) => pipeline_fn_bound(rust, &it.bounds)?,
            syn::Type::Path(tp) if tp.qself.is_none() => {
                let generic = tp.path.get_ident()?;
                generic_bound(rust, sig, generic)?
            }
            _ => return None,
        };
        Some(ClosureCustomizer {
            function: ident_str(&sig.ident),
            param: ident_str(&p.ident),
            index,
            body: range_of(rust.file, &*f.block),
            types,
            uses: count_ident(&*f.block, &ident_str(&p.ident)),
        })
    });
    // One closure parameter: which call is which is then plain.
    match (found.next(), found.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// The old pipeline types of the bound `Fn*(Pipeline) -> Pipeline` among `bounds`.
fn pipeline_fn_bound<'a>(
    rust: ParsedRust<'_>,
    bounds: impl IntoIterator<Item = &'a syn::TypeParamBound>,
) -> Option<Vec<TextRange>> {
    bounds.into_iter().find_map(|b| {
        let syn::TypeParamBound::Trait(t) = b else {
            return None;
        };
        let last = t.path.segments.last()?;
        if !["FnOnce", "FnMut", "Fn"].contains(&ident_str(&last.ident).as_str()) {
            return None;
        }
        let syn::PathArguments::Parenthesized(args) = &last.arguments else {
            return None;
        };
        let mut inputs = args.inputs.iter();
        let (Some(input), None) = (inputs.next(), inputs.next()) else {
            return None;
        };
        let syn::ReturnType::Type(_, output) = &args.output else {
            return None;
        };
        (is_pipeline(rust, input) && is_pipeline(rust, output))
            .then(|| vec![range_of(rust.file, input), range_of(rust.file, &**output)])
    })
}

/// The pipeline bound of generic parameter `generic` of `sig` (inline or in the `where`).
fn generic_bound(
    rust: ParsedRust<'_>,
    sig: &syn::Signature,
    generic: &syn::Ident,
) -> Option<Vec<TextRange>> {
    let inline = sig.generics.params.iter().find_map(|p| match p {
        syn::GenericParam::Type(t) if t.ident == *generic => Some(&t.bounds),
        _ => None,
    })?;
    let in_where = sig.generics.where_clause.iter().flat_map(|w| {
        w.predicates.iter().filter_map(|p| match p {
            syn::WherePredicate::Type(t)
                if matches!(&t.bounded_ty, syn::Type::Path(b) if b.path.is_ident(generic)) =>
            {
                Some(&t.bounds)
            }
            _ => None,
        })
    });
    pipeline_fn_bound(rust, inline.iter().chain(in_where.flatten()))
}

fn pass_through(rust: ParsedRust<'_>, f: &syn::ItemFn) -> Option<PassThrough> {
    let sig = &f.sig;
    if !sig.generics.params.is_empty() {
        return None;
    }
    let [syn::FnArg::Typed(t)] = sig.inputs.iter().collect::<Vec<_>>().as_slice() else {
        return None;
    };
    let (syn::Pat::Ident(p), syn::ReturnType::Type(_, output)) = (&*t.pat, &sig.output) else {
        return None;
    };
    let [syn::Stmt::Expr(syn::Expr::Path(body), None)] = f.block.stmts.as_slice() else {
        return None;
    };
    let passes = body.qself.is_none() && body.path.is_ident(&p.ident);
    (passes && is_pipeline(rust, &t.ty) && is_pipeline(rust, output)).then(|| PassThrough {
        name: ident_str(&sig.ident),
        signature: range_of(rust.file, sig),
        types: vec![range_of(rust.file, &*t.ty), range_of(rust.file, &**output)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::syntax::with_parsed;

    const HEAD: &str = "use opentelemetry_otlp::{OtlpTracePipeline, SpanExporterBuilder};\n";

    fn found(src: &str) -> (Vec<String>, Vec<String>) {
        with_parsed(&format!("{HEAD}{src}"), |rust| {
            let closures = closure_customizers(rust)
                .into_iter()
                .map(|c| format!("{}({})", c.function, c.param))
                .collect();
            let pass = pass_throughs(rust).into_iter().map(|p| p.name).collect();
            (closures, pass)
        })
    }

    #[test]
    fn bounds_inline_in_the_where_clause_and_impl_trait_are_read() {
        let src = "fn a<F: FnOnce(OtlpTracePipeline<SpanExporterBuilder>) -> OtlpTracePipeline<SpanExporterBuilder>>(f: F) {}\n\
                   fn b<F>(r: u8, t: F) where F: FnMut(OtlpTracePipeline) -> OtlpTracePipeline + Send {}\n\
                   fn c(t: impl Fn(OtlpTracePipeline) -> OtlpTracePipeline) {}\n\
                   fn identity(p: OtlpTracePipeline<SpanExporterBuilder>) -> OtlpTracePipeline<SpanExporterBuilder> { p }\n";
        let (closures, pass) = found(src);
        assert_eq!(closures, ["a(f)", "b(t)", "c(t)"]);
        assert_eq!(pass, ["identity"]);
    }

    #[test]
    fn near_misses_are_not_read() {
        let src = "fn a<F: FnOnce(OtlpTracePipeline) -> u8>(f: F) {}\n\
                   fn b<F: FnOnce(OtlpTracePipeline, u8) -> OtlpTracePipeline>(f: F) {}\n\
                   fn c<F: FnOnce(Other) -> Other>(f: F) {}\n\
                   fn d(p: OtlpTracePipeline) -> OtlpTracePipeline { p.with_x() }\n\
                   fn e(p: OtlpTracePipeline, q: OtlpTracePipeline) -> OtlpTracePipeline { p }\n";
        assert_eq!(found(src), (Vec::new(), Vec::new()));
        // A user type of that name.
        let user = with_parsed(
            "struct OtlpTracePipeline;\nfn f(p: OtlpTracePipeline) -> OtlpTracePipeline { p }\n",
            |rust| pass_throughs(rust).len(),
        );
        assert_eq!(user, 0);
    }

    #[test]
    fn arguments_that_fit_the_builder() {
        let pass = |p: &syn::Path| p.segments.last().is_some_and(|s| s.ident == "identity");
        let fits = |src: &str| accepted_argument(&syn::parse_str(src).unwrap(), &pass);
        assert!(fits("|p| p"));
        assert!(fits("identity"));
        assert!(fits("otlp::identity"));
        assert!(!fits("|p| p.with_trace_config(cfg)"));
        assert!(!fits("other"));
        assert!(!fits("|p, q| p"));
    }
}
