//! Stateful selectors: a user's `AggregationSelector` whose choice reads its own state becomes
//! an inherent method (`impl T { pub fn aggregation(..) }`) that a view moving the value in asks
//! per instrument.

use std::collections::{BTreeMap, BTreeSet};

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, range_of, range_of_span, tokens_mention, ImportMap};
use crate::engine::transform::Outcome;
use crate::otel::default_aggregation::DEFAULT_SELECTOR;
use crate::otel::imports::ImportPlan;
use crate::otel::user_selector::{all_items, method, selector_type_path, UserImpl};

use super::{constant, stream_with, view_names, Calls, Site, Translation, SELECTOR_TRAIT};

/// Selector types whose impl reads state (`self.histogram`) and that the views call instead:
/// the impl becomes inherent (`impl T`), and every site passing a `T` takes a view asking it.
/// All of a type's sites are rewritten or none is (then the impl stays, reported).
pub(super) struct StatefulSelectors {
    /// Converted types by the start of each site that passes one.
    sites: BTreeMap<usize, String>,
    /// Why a stateful type was not converted.
    pub(super) refused: BTreeMap<String, String>,
}

impl StatefulSelectors {
    pub(super) fn decide(
        calls: &Calls<'_>,
        impls: &[(UserImpl<'_>, Translation)],
        syntax: &syn::File,
        imports: &ImportMap,
        gauge_kind: bool,
    ) -> StatefulSelectors {
        let mut refused = BTreeMap::new();
        let mut candidates = BTreeSet::new();
        for (imp, translation) in impls {
            // A constant 0.27 rejects stays reported for what it is.
            if translation.is_err() && !rejects_a_constant(imp.item, imports) {
                match keeps_as_inherent(imp.item, syntax, imports, gauge_kind) {
                    Ok(()) => candidates.insert(imp.ty.clone()),
                    Err(why) => refused.insert(imp.ty.clone(), why).is_none(),
                };
            }
        }
        let mut sites = BTreeMap::new();
        for site in &calls.sites {
            // A parameter's name reads as a unit-struct path too: its declared type wins.
            let ty = site.parameter_type.clone().or_else(|| {
                selector_type_path(&site.arg).and_then(|p| p.get_ident().map(ident_str))
            });
            let Some(ty) = ty.filter(|t| candidates.contains(t)) else {
                continue;
            };
            if calls.sealed.contains(&site.call_range.start) {
                sites.insert(site.call_range.start, ty);
            } else {
                refused.entry(ty).or_insert_with(|| {
                    "a provider builder it is given to also has views, or is not built where the selector is set (a view matching every instrument would add streams to theirs)".to_string()
                });
            }
        }
        sites.retain(|_, ty| !refused.contains_key(ty));
        StatefulSelectors { sites, refused }
    }

    pub(super) fn of_site(&self, site: &Site) -> Option<&str> {
        self.sites.get(&site.call_range.start).map(String::as_str)
    }

    pub(super) fn converts(&self, ty: &str) -> bool {
        self.sites.values().any(|t| t == ty)
    }

    /// `; kept as a trait impl: <why>` for a stateful type not converted, else nothing.
    pub(super) fn why_not(&self, ty: &str) -> String {
        self.refused
            .get(ty)
            .map(|why| format!("; nor can it become an inherent method a view calls: {why}"))
            .unwrap_or_default()
    }
}

/// Whether a stateful selector impl can become `impl T { fn aggregation(..) }` as written: one
/// method, at the file's top level, no generics, naming no removed selector item in its body,
/// and (for a `match` on the kind) an SDK whose `InstrumentKind` already has 0.27's variants.
fn keeps_as_inherent(
    imp: &syn::ItemImpl,
    syntax: &syn::File,
    imports: &ImportMap,
    gauge_kind: bool,
) -> Result<(), String> {
    if !syntax
        .items
        .iter()
        .any(|i| matches!(i, syn::Item::Impl(x) if std::ptr::eq(x, imp)))
    {
        return Err("the impl is inside a module".into());
    }
    if !imp.generics.params.is_empty()
        || imp.items.len() != 1
        || method(imp, "aggregation").is_none()
    {
        return Err("the impl has generics or items besides `aggregation`".into());
    }
    let mut removed = vec!["AggregationSelector", "DefaultAggregationSelector"];
    removed.extend(imports.local_name_of(SELECTOR_TRAIT));
    removed.extend(imports.local_name_of(DEFAULT_SELECTOR));
    let body = quote::ToTokens::to_token_stream(&imp.items[0]);
    if tokens_mention(&body, &removed) {
        return Err("its body names a removed selector item".into());
    }
    let inherent_twin = all_items(syntax).into_iter().any(|i| {
        matches!(i, syn::Item::Impl(other) if other.trait_.is_none()
            && !std::ptr::eq(other, imp)
            && quote::ToTokens::to_token_stream(&other.self_ty).to_string() == quote::ToTokens::to_token_stream(&imp.self_ty).to_string()
            && method(other, "aggregation").is_some())
    });
    if inherent_twin {
        return Err("the type already has an inherent `aggregation` method".into());
    }
    if !gauge_kind {
        return Err("the source SDK's `InstrumentKind` has no `Gauge`, which a `match` on 0.27's kinds must cover".into());
    }
    Ok(())
}

/// Whether the impl's `aggregation` returns a constant 0.27 would ignore (see [`constant`]).
fn rejects_a_constant(imp: &syn::ItemImpl, imports: &ImportMap) -> bool {
    struct Rejected<'i> {
        imports: &'i ImportMap,
        param: Option<String>,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Rejected<'_> {
        fn visit_expr(&mut self, e: &'ast syn::Expr) {
            self.found |= constant(e, self.imports, self.param.as_deref()).is_err();
            syn::visit::visit_expr(self, e);
        }
    }
    let Some((f, param)) = method(imp, "aggregation") else {
        return false;
    };
    let mut v = Rejected {
        imports,
        param,
        found: false,
    };
    v.visit_block(&f.block);
    v.found
}

/// `impl AggregationSelector for T` → `impl T`; the method becomes `pub` when `T` is, so code
/// that called it through the trait still can.
pub(super) fn make_inherent(
    out: &mut Outcome,
    file: &SourceFile,
    syntax: &syn::File,
    imp: &syn::ItemImpl,
    ty: &str,
) {
    let Some((_, path, for_token)) = &imp.trait_ else {
        return;
    };
    let start = range_of(file, path).start;
    let mut end = range_of_span(file, for_token.span).end;
    let text = file.text.as_bytes();
    while end < text.len() && matches!(text[end], b' ' | b'\t') {
        end += 1;
    }
    out.replace(TextRange::new(start, end), "");
    let public = all_items(syntax).into_iter().any(|i| match i {
        syn::Item::Struct(s) => s.ident == ty && matches!(s.vis, syn::Visibility::Public(_)),
        syn::Item::Enum(e) => e.ident == ty && matches!(e.vis, syn::Visibility::Public(_)),
        _ => false,
    });
    if let Some((f, _)) = method(imp, "aggregation") {
        if public && matches!(f.vis, syn::Visibility::Inherited) {
            out.replace(TextRange::empty(range_of(file, &f.sig).start), "pub ");
        }
    }
}

/// `{ let selector = <arg>; move |i: &Instrument| { … selector.aggregation(i.kind?) … } }`: the
/// selector's own per-kind choice, its state moved into the view as `with_aggregation_selector`
/// moved it into the reader.
pub(super) fn render_stateful_view(
    arg: &str,
    sdk: &str,
    plan: &mut ImportPlan<'_>,
    indent: &str,
    le: &str,
) -> String {
    let (instrument, stream) = view_names(plan, sdk);
    let unit = plan.indent_unit();
    let closure = |selector: &str, indent: &str| {
        let body = crate::engine::source::deeper(indent, unit);
        let answer = stream_with(&stream, &format!("{selector}.aggregation(i.kind?)"));
        format!("move |i: &{instrument}| {{{le}{body}{answer}{le}{indent}}}")
    };
    // A variable moves into the closure as it is; anything else is evaluated once, first.
    if syn::parse_str::<syn::Ident>(arg).is_ok() {
        return closure(arg, indent);
    }
    let inner = crate::engine::source::deeper(indent, unit);
    format!(
        "{{{le}{inner}let selector = {arg};{le}{inner}{}{le}{indent}}}",
        closure("selector", &inner)
    )
}
