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

use super::shared::{builder_param, generic_root, returns_early, BUILDER_PARAM};
use super::{ok_value, same_file_helper};
use crate::otel::chain::count_ident;
use crate::otel::exporter::{ExporterConfig, LocalPart, PartEdit, Transport, BUILDER_TYPE_PARAM};
use crate::otel::exporter_customizer::{builder_transport, same_module};
use crate::otel::exporter_local::yielded_values;
use crate::otel::local_binding::pat_ident;

/// The parts that rewrite `arm` (`helper(args)?`, `.expect(..)`, `.unwrap()`) and its helper;
/// `None` when either is not the shape above.
pub fn unwrapped_helper_arm(rust: ParsedRust<'_>, arm: &syn::Expr) -> Option<Vec<LocalPart>> {
    let file = rust.file;
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
    let syn::Expr::Call(call) = call else {
        return None;
    };
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
    if sig.asyncness.is_some()
        || sig.variadic.is_some()
        || !sig.generics.params.is_empty()
        || sig.generics.where_clause.is_some()
        || count_ident(helper, BUILDER_PARAM) > 0
        || count_ident(helper, BUILDER_TYPE_PARAM) > 0
        || returns_early(&helper.block)
    {
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
