//! A user's own selector types (`impl TemporalitySelector for T`, `impl AggregationSelector for
//! T`), which 0.27 replaced with values (`Temporality`) and views: finding the impls, reading the
//! per-kind `match` in them, naming the type a selector argument constructs, and removing the
//! type once its impl is translated and nothing else uses it.

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::item_edit::{delete_item, ident_used_outside};
use crate::engine::source::SourceFile;
use crate::engine::syntax::{comments_in, ident_str, range_of, ImportMap};

use super::imports::ImportPlan;

const INSTRUMENT_KIND: &[&str] = &["opentelemetry_sdk", "metrics", "InstrumentKind"];

/// `InstrumentKind` variants (0.26 order; 0.21 has no `Gauge`).
pub const KINDS: [&str; 7] = [
    "Counter",
    "UpDownCounter",
    "Histogram",
    "ObservableCounter",
    "ObservableUpDownCounter",
    "Gauge",
    "ObservableGauge",
];

/// A user `impl <selector trait> for T` (`T` a plain type name) in the file.
pub struct UserImpl<'a> {
    pub ty: String,
    pub item: &'a syn::ItemImpl,
}

/// The impls of the selector trait at `trait_path` (resolved through imports), at any module
/// depth.
pub fn impls_of<'a>(
    syntax: &'a syn::File,
    imports: &ImportMap,
    trait_path: &[&str],
) -> Vec<UserImpl<'a>> {
    all_items(syntax)
        .into_iter()
        .filter_map(|item| {
            let syn::Item::Impl(imp) = item else {
                return None;
            };
            let Some((None, path, _)) = &imp.trait_ else {
                return None;
            };
            if !imports.is(path, trait_path) {
                return None;
            }
            Some(UserImpl {
                ty: simple_type_name(&imp.self_ty)?,
                item: imp,
            })
        })
        .collect()
}

/// The impl's method `name` and the name of its (kind) parameter.
pub fn method<'a>(
    imp: &'a syn::ItemImpl,
    name: &str,
) -> Option<(&'a syn::ImplItemFn, Option<String>)> {
    let f = imp.items.iter().find_map(|i| match i {
        syn::ImplItem::Fn(f) if f.sig.ident == name => Some(f),
        _ => None,
    })?;
    let param = f.sig.inputs.iter().find_map(|a| match a {
        syn::FnArg::Typed(t) => match &*t.pat {
            syn::Pat::Ident(i) => Some(ident_str(&i.ident)),
            _ => None,
        },
        _ => None,
    });
    Some((f, param))
}

/// Whether `expr` is the parameter `param` (the `match` scrutinee of a per-kind selector).
pub fn is_param(expr: &syn::Expr, param: Option<&str>) -> bool {
    matches!(expr, syn::Expr::Path(p) if p.path.get_ident().is_some_and(|i| Some(ident_str(i).as_str()) == param))
}

/// Items at any module depth (not inside functions).
pub fn all_items(syntax: &syn::File) -> Vec<&syn::Item> {
    fn walk<'a>(items: &'a [syn::Item], out: &mut Vec<&'a syn::Item>) {
        for i in items {
            out.push(i);
            if let syn::Item::Mod(m) = i {
                if let Some((_, inner)) = &m.content {
                    walk(inner, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&syntax.items, &mut out);
    out
}

fn simple_type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p)
            if p.qself.is_none()
                && p.path.segments.len() == 1
                && p.path.segments[0].arguments.is_none() =>
        {
            Some(ident_str(&p.path.segments[0].ident))
        }
        _ => None,
    }
}

/// Indices into [`KINDS`] a pattern matches; `_` and bindings match every kind.
pub fn pattern_kinds(pat: &syn::Pat, imports: &ImportMap) -> Option<Vec<usize>> {
    match pat {
        syn::Pat::Wild(_) => Some((0..KINDS.len()).collect()),
        syn::Pat::Ident(i)
            if i.subpat.is_none() && !KINDS.contains(&ident_str(&i.ident).as_str()) =>
        {
            Some((0..KINDS.len()).collect())
        }
        syn::Pat::Path(p) => {
            let last = ident_str(&p.path.segments.last()?.ident);
            let idx = KINDS.iter().position(|k| *k == last)?;
            let mut full: Vec<&str> = INSTRUMENT_KIND.to_vec();
            full.push(KINDS[idx]);
            imports.is(&p.path, &full).then(|| vec![idx])
        }
        syn::Pat::Or(o) => {
            let mut all = Vec::new();
            for c in &o.cases {
                all.extend(pattern_kinds(c, imports)?);
            }
            Some(all)
        }
        syn::Pat::Paren(p) => pattern_kinds(&p.pat, imports),
        _ => None,
    }
}

/// The type named by a selector expression: `T`, `T {}`, `T::new()`, `T::default()`, and the
/// same inside `Box::new(..)`.
pub fn selector_type_path(arg: &syn::Expr) -> Option<syn::Path> {
    match arg {
        syn::Expr::Path(p) if p.qself.is_none() => Some(p.path.clone()),
        syn::Expr::Struct(s) if s.qself.is_none() => Some(s.path.clone()),
        syn::Expr::Paren(p) => selector_type_path(&p.expr),
        syn::Expr::Call(c) => {
            let syn::Expr::Path(f) = &*c.func else {
                return None;
            };
            let segs = &f.path.segments;
            let last = &segs.last()?.ident;
            if c.args.len() == 1 && segs.len() == 2 && segs[0].ident == "Box" && last == "new" {
                return selector_type_path(&c.args[0]);
            }
            if !c.args.is_empty() || segs.len() < 2 || !(last == "new" || last == "default") {
                return None;
            }
            let mut ty = f.path.clone();
            ty.segments.pop();
            let kept = ty.segments.pop()?.into_value();
            ty.segments.push(kept);
            Some(ty)
        }
        _ => None,
    }
}

/// The root call's path of a method chain: `root().a().b()` → `root`.
pub fn chain_root(mut expr: &syn::Expr) -> Option<&syn::Path> {
    loop {
        match expr {
            syn::Expr::MethodCall(m) => expr = &m.receiver,
            syn::Expr::Paren(p) => expr = &p.expr,
            syn::Expr::Call(c) => {
                return match &*c.func {
                    syn::Expr::Path(p) if p.qself.is_none() => Some(&p.path),
                    _ => None,
                }
            }
            _ => return None,
        }
    }
}

/// A `note` listing the comments inside code that was removed.
pub fn note_comments(
    out: &mut Changes,
    file: &SourceFile,
    range: TextRange,
    comments: &[TextRange],
) {
    let texts: Vec<&str> = comments.iter().map(|c| file.slice(*c)).collect();
    out.finding(
        range,
        Severity::Note,
        format!("removed code contained comments: {}", texts.join(" ")),
        "carry these comments over by hand if they still apply",
    );
}

/// Removes a translated selector impl (0.27 has no trait to implement), with a note naming the
/// comments it held; returns its range.
pub fn remove_impl(out: &mut Changes, file: &SourceFile, imp: &syn::ItemImpl) -> TextRange {
    let range = range_of(file, imp);
    let comments = comments_in(file, range);
    if !comments.is_empty() {
        note_comments(out, file, range, &comments);
    }
    out.edit(delete_item(file, imp));
    range
}

/// Asks `plan` to remove the imports of `paths` (resolved) the file has, once unused.
pub fn remove_imports_if_unused(plan: &mut ImportPlan<'_>, imports: &ImportMap, paths: &[&[&str]]) {
    for path in paths {
        if imports.local_name_of(path).is_some() {
            plan.remove_if_unused(&path.join("::"));
        }
    }
}

/// Removes the type `ty` (a private struct or enum of the file) with its other impls when
/// nothing outside `excluded` (the rewritten and removed ranges) names it; a public type may be
/// named from other files and stays. Returns the ranges removed, which callers add to theirs.
pub fn remove_unused_type(
    out: &mut Changes,
    file: &SourceFile,
    syntax: &syn::File,
    ty: &str,
    translated: &syn::ItemImpl,
    excluded: &[TextRange],
) -> Vec<TextRange> {
    let Some((item, vis)) = all_items(syntax).into_iter().find_map(|i| match i {
        syn::Item::Struct(s) if s.ident == ty => Some((i, &s.vis)),
        syn::Item::Enum(e) if e.ident == ty => Some((i, &e.vis)),
        _ => None,
    }) else {
        return Vec::new();
    };
    if !matches!(vis, syn::Visibility::Inherited) {
        return Vec::new();
    }
    // The type's other impls (`impl Default for T`, `impl T { fn new() }`) go with it.
    let other_impls: Vec<&syn::ItemImpl> = all_items(syntax)
        .into_iter()
        .filter_map(|i| match i {
            syn::Item::Impl(imp)
                if !std::ptr::eq(imp, translated)
                    && simple_type_name(&imp.self_ty).as_deref() == Some(ty) =>
            {
                Some(imp)
            }
            _ => None,
        })
        .collect();
    let mut removed = vec![range_of(file, item)];
    removed.extend(other_impls.iter().map(|i| range_of(file, *i)));
    let mut others = excluded.to_vec();
    others.extend(removed.iter().copied());
    if ident_used_outside(file, syntax, ty, &others) {
        return Vec::new();
    }
    out.edit(delete_item(file, item));
    for i in other_impls {
        out.edit(delete_item(file, i));
    }
    removed
}
