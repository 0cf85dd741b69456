//! An exporter helper that may fail, unwrapped in an arm of the choice a pipeline takes its
//! exporter from: `let exporter = if let Some(t) = token { lightstep(&t)? } else {
//! new_exporter().tonic() };` with `fn lightstep(token: &str) -> Result<TonicExporterBuilder,
//! Error> { let mut md = MetadataMap::new(); md.insert("…", token.parse()?); let exporter =
//! new_exporter().tonic().with_metadata(md); Ok(exporter) }` (issue 15, shapes 2 and 3).
//!
//! The helper becomes generic over the 0.27 option traits, as a shared helper does
//! ([`super::shared`]): `fn lightstep<B: WithExportConfig + WithTonicConfig>(builder: B, token:
//! &str) -> Result<B, Error>`. Its error type stays (its own `?` keep converting as before), and
//! the arm passes its signal's builder and builds what comes back, like the choice's other arms:
//! `lightstep(SpanExporter::builder().with_tonic(), &t)?.build()`.
//! Followed only when the helper provably type-checks that way and changes with its one call: a
//! private function of this file named only by the arm (`same_file_helper`), with no `return`,
//! every value it yields `Ok(<v>)` where `<v>` is one `new_exporter().tonic()` (`.http()`) chain
//! of options the traits keep, or a local of its body bound to one and named nowhere else; the
//! arm unwraps the call with `?`, `.expect(..)` or `.unwrap()`.

use crate::engine::edit::TextRange;
use crate::engine::syntax::{comments_in, ident_str, range_of, text_of, ParsedRust};

use super::shared::{
    builder_param, generic_root, may_become_generic, written_signature, BUILDER_PARAM,
};
use super::{ok_value, same_file_helper};
use crate::otel::chain::count_ident;
use crate::otel::exporter::{ExporterConfig, LocalPart, PartEdit, Transport};
use crate::otel::exporter_customizer::{builder_transport, same_module};
use crate::otel::exporter_local::yielded_values;
use crate::otel::local_binding::pat_ident;

/// `helper(args)` inside an arm that unwraps it (`?`, `.expect(..)`, `.unwrap()`): the call.
fn unwrapped_call(arm: &syn::Expr) -> Option<&syn::ExprCall> {
    let call = match arm {
        syn::Expr::Try(t) => &*t.expr,
        syn::Expr::MethodCall(m)
            if (m.method == "expect" && m.args.len() == 1)
                || (m.method == "unwrap" && m.args.is_empty()) =>
        {
            &*m.receiver
        }
        _ => return None,
    };
    match call {
        syn::Expr::Call(c) => Some(c),
        _ => None,
    }
}

/// For a pipeline that could not follow its exporter local `arg`: each helper of this file an
/// arm of the local's choice unwraps that has the generic form but was not followed (called
/// elsewhere too, public), with that form's signature and the functions naming it.
pub fn unfollowed_arm_helpers(rust: ParsedRust<'_>, arg: &syn::Expr) -> Vec<(String, Vec<String>)> {
    let file = rust.file;
    let Some(name) = crate::otel::exporter_local::local_name(arg) else {
        return Vec::new();
    };
    let Some((stmts, j, _)) =
        crate::otel::local_binding::binding_of(rust, &name, range_of(file, arg).start)
    else {
        return Vec::new();
    };
    let syn::Stmt::Local(syn::Local {
        init: Some(init), ..
    }) = &stmts[j]
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for arm in yielded_values(&init.expr).unwrap_or_default() {
        let Some(call) = unwrapped_call(arm) else {
            continue;
        };
        let syn::Expr::Path(p) = &*call.func else {
            continue;
        };
        let Some(helper) = p.path.get_ident().map(ident_str) else {
            continue;
        };
        let Some(item) = super::top_level_fn(rust.syntax, &helper) else {
            continue;
        };
        let Some((transport, _)) = helper_parts(rust, item) else {
            continue;
        };
        let Some(builder) = sig_builder(item) else {
            continue;
        };
        let sig = written_signature(rust, item, range_of(file, builder), transport);
        out.push((sig, users(rust, item)));
    }
    out
}

/// The builder type in a helper's `Result<…>` return type.
fn sig_builder(item: &syn::ItemFn) -> Option<&syn::Type> {
    match &item.sig.output {
        syn::ReturnType::Type(_, ret) => result_builder(ret),
        syn::ReturnType::Default => None,
    }
}

/// The functions of the file other than `helper` that name it (`Type::method` for a method);
/// named by function, so the text stays true whatever earlier transforms did to the lines.
fn users(rust: ParsedRust<'_>, helper: &syn::ItemFn) -> Vec<String> {
    let name = ident_str(&helper.sig.ident);
    let mut out = Vec::new();
    for item in &rust.syntax.items {
        match item {
            syn::Item::Fn(f) if !std::ptr::eq(f, helper) && count_ident(f, &name) > 0 => {
                out.push(format!("`{}`", f.sig.ident));
            }
            syn::Item::Fn(_) => {}
            syn::Item::Impl(i) => {
                let ty = text_of(rust.file, &*i.self_ty);
                let methods = i.items.iter().filter_map(|m| match m {
                    syn::ImplItem::Fn(f) if count_ident(f, &name) > 0 => Some(&f.sig.ident),
                    _ => None,
                });
                out.extend(methods.map(|m| format!("`{ty}::{m}`")));
            }
            other if count_ident(other, &name) > 0 => out.push("another item".to_string()),
            _ => {}
        }
    }
    out
}

/// The parts that rewrite `arm` (`helper(args)?`, `.expect(..)`, `.unwrap()`) and its helper;
/// `None` when either is not the shape above.
pub fn unwrapped_helper_arm(rust: ParsedRust<'_>, arm: &syn::Expr) -> Option<Vec<LocalPart>> {
    let file = rust.file;
    let call = unwrapped_call(arm)?;
    let syn::Expr::Path(p) = &*call.func else {
        return None;
    };
    let name = ident_str(p.path.get_ident()?);
    let helper = same_file_helper(rust, &name)?;
    let (whole, at) = (range_of(file, arm), range_of(file, call));
    let args: Vec<&str> = call.args.iter().map(|a| text_of(file, a)).collect();
    // The call is re-written on one line around the new builder: nothing a comment could lose.
    if !same_module(rust.syntax, helper, at.start, file)
        || call.args.len() != helper.sig.inputs.len()
        || !comments_in(file, whole).is_empty()
        || args.iter().any(|a| a.contains('\n'))
    {
        return None;
    }
    let (transport, mut parts) = helper_parts(rust, helper)?;
    let before = format!("{name}(");
    let unwrap = file.slice(TextRange::new(at.end, whole.end));
    let after: String = args.iter().map(|a| format!(", {a}")).collect();
    parts.push(LocalPart {
        range: whole,
        indent: String::new(),
        edit: PartEdit::PassedTo(
            Box::new(ExporterConfig::new(transport)),
            before,
            format!("{after}){unwrap}.build()"),
        ),
    });
    Some(parts)
}

/// The edits that make `helper` generic (its type parameter, its builder parameter, `B` in its
/// `Result`, `builder` for each `new_exporter().tonic()`) and its transport.
fn helper_parts(rust: ParsedRust<'_>, helper: &syn::ItemFn) -> Option<(Transport, Vec<LocalPart>)> {
    let file = rust.file;
    let sig = &helper.sig;
    if !may_become_generic(helper) {
        return None;
    }
    let syn::ReturnType::Type(_, ret) = &sig.output else {
        return None;
    };
    let builder = result_builder(ret)?;
    let transport = builder_transport(rust, builder)?;
    let Some(syn::Stmt::Expr(tail, None)) = helper.block.stmts.last() else {
        return None;
    };
    let values = yielded_values(tail)?;
    if values.is_empty() {
        return None;
    }
    let part = |range: TextRange, edit: PartEdit| LocalPart {
        range,
        edit,
        indent: String::new(),
    };
    let ident_end = range_of(file, &sig.ident).end;
    let (param_at, param) = builder_param(rust, sig);
    let mut parts = vec![
        part(
            TextRange::new(ident_end, ident_end),
            PartEdit::TypeParams(transport),
        ),
        part(param_at, PartEdit::Text(param)),
        part(range_of(file, builder), PartEdit::TypeParam),
    ];
    for value in values {
        let value = ok_value(value)?;
        let root = generic_root(rust, value, transport)
            .or_else(|| local_root(rust, helper, value, transport))?;
        parts.push(part(root, PartEdit::Text(BUILDER_PARAM.to_string())));
    }
    Some((transport, parts))
}

/// The builder type `T` of `Result<T, E>` (any `Result`, also a one-parameter alias).
fn result_builder(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else {
        return None;
    };
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(a) = &last.arguments else {
        return None;
    };
    match a.args.first() {
        Some(syn::GenericArgument::Type(t)) if last.ident == "Result" && p.qself.is_none() => {
            Some(t)
        }
        _ => None,
    }
}

/// `value`, a local of `helper`'s body bound once (`let exporter = new_exporter().tonic()…;`)
/// and named nowhere else: the root of its chain.
fn local_root(
    rust: ParsedRust<'_>,
    helper: &syn::ItemFn,
    value: &syn::Expr,
    transport: Transport,
) -> Option<TextRange> {
    let syn::Expr::Path(p) = value else {
        return None;
    };
    let name = ident_str(p.path.get_ident()?);
    if count_ident(&*helper.block, &name) != 2 {
        return None;
    }
    let init = helper.block.stmts.iter().find_map(|s| match s {
        syn::Stmt::Local(l) if matches!(&l.pat, syn::Pat::Ident(_)) => {
            let bound = pat_ident(&l.pat).is_some_and(|i| i.ident == name);
            bound.then_some(l.init.as_ref()).flatten()
        }
        _ => None,
    })?;
    if init.diverge.is_some() {
        return None;
    }
    generic_root(rust, &init.expr, transport)
}
