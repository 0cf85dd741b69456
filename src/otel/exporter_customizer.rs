//! An exporter builder passed through a customizing helper: `.with_exporter(customize(
//! new_exporter().tonic(), &cfg))` with `fn customize(b: TonicExporterBuilder, cfg: &Cfg) ->
//! TonicExporterBuilder { b.with_endpoint(&cfg.endpoint) }` (also `HttpExporterBuilder`).
//!
//! 0.27's exporter builder types cannot be named in a signature, so the helper becomes generic
//! over the option traits, `fn customize<B: WithExportConfig + WithTonicConfig>(b: B, cfg:
//! &Cfg) -> B`, which the span, metric and log builders all satisfy; the call passes
//! `SpanExporter::builder().with_tonic()` and the site builds what it returns.
//! Followed only when the body provably type-checks on 0.27: every value it yields is the
//! parameter with options whose name and argument did not change (no `with_export_config`,
//! whose endpoint became an `Option`), and the parameter is used nowhere else.

use crate::engine::edit::TextRange;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{comments_in, range_of, text_of, ParsedRust};

use super::chain::{count_ident, Chain};
use super::exporter::{
    unchanged_option_trait, ExporterConfig, KeptIn, LocalPart, PartEdit, Transport,
    BUILDER_TYPE_PARAM,
};
use super::exporter_local::{old_builder_path, yielded_values};

/// A helper that takes an old exporter builder and only sets options on it.
struct Customizer<'a> {
    transport: Transport,
    /// The position of the builder parameter.
    index: usize,
    param: &'a syn::PatType,
    ret: &'a syn::Type,
}

/// `helper` as a customizer this reader can prove will type-check when made generic.
fn customizer<'a>(rust: ParsedRust<'_>, helper: &'a syn::ItemFn) -> Option<Customizer<'a>> {
    let sig = &helper.sig;
    if sig.asyncness.is_some()
        || !sig.generics.params.is_empty()
        || sig.generics.where_clause.is_some()
        || count_ident(helper, BUILDER_TYPE_PARAM) > 0
    {
        return None;
    }
    let syn::ReturnType::Type(_, ret) = &sig.output else {
        return None;
    };
    let transport = builder_transport(rust, ret)?;
    // The one parameter of the builder's type, by position.
    let mut typed = sig
        .inputs
        .iter()
        .enumerate()
        .filter_map(|(i, input)| match input {
            syn::FnArg::Typed(t) => builder_transport(rust, &t.ty).map(|tr| (i, t, tr)),
            syn::FnArg::Receiver(_) => None,
        });
    let (index, param, param_transport) = typed.next()?;
    if typed.next().is_some() || param_transport != transport {
        return None;
    }
    let syn::Pat::Ident(name) = &*param.pat else {
        return None;
    };
    if name.by_ref.is_some() || name.mutability.is_some() || name.subpat.is_some() {
        return None;
    }
    only_customizes(&helper.block, &name.ident.to_string(), transport).then_some(Customizer {
        transport,
        index,
        param,
        ret,
    })
}

/// The exporter of `call`, a call of the private helper `helper` of this file (called once)
/// with an old exporter builder for argument; `None` when `helper` is not a customizer this
/// reader can prove.
pub fn exporter_through_customizer(
    rust: ParsedRust<'_>,
    call: &syn::ExprCall,
    helper: &syn::ItemFn,
) -> Option<ExporterConfig> {
    let file = rust.file;
    let found = customizer(rust, helper)?;
    let (transport, index) = (found.transport, found.index);
    if !same_module(rust.syntax, helper, range_of(file, call).start, file)
        || call.args.len() != helper.sig.inputs.len()
    {
        return None;
    }
    let arg = &call.args[index];
    let inner = ExporterConfig::parse(rust, arg)?;
    // Rendered on one line, so nothing a line comment could swallow.
    let has_comments = !comments_in(file, range_of(file, call)).is_empty();
    if inner.transport != transport
        || !inner.notes.is_empty()
        || !inner.unknown.is_empty()
        || has_comments
    {
        return None;
    }
    // The call is re-written on one line around the new builder: `customize(cfg, ` + … + `)`.
    let args: Vec<&str> = call.args.iter().map(|a| text_of(file, a)).collect();
    let others_multiline = args
        .iter()
        .enumerate()
        .any(|(i, a)| i != index && a.contains('\n'));
    if others_multiline || text_of(file, &*call.func).contains('\n') {
        return None;
    }
    let before = format!(
        "{}({}",
        text_of(file, &*call.func),
        args[..index]
            .iter()
            .map(|a| format!("{a}, "))
            .collect::<String>()
    );
    let after = format!(
        "{})",
        args[index + 1..]
            .iter()
            .map(|a| format!(", {a}"))
            .collect::<String>()
    );
    let parts = signature_parts(file, helper, &found);
    Some(ExporterConfig::kept(
        transport,
        KeptIn {
            name: before,
            // The helper's options are its own; the pipeline's moved ones have no place there.
            takes_moved_options: false,
            built: false,
            ready: false,
            parts,
            traits: Vec::new(),
            widens: None,
            through: Some((Box::new(inner), after)),
        },
    ))
}

/// `let exporter = customize(new_exporter().tonic(), &cfg);` (the local a pipeline takes, see
/// `exporter_local`): the parts that make `helper` generic and the argument the 0.27 builder,
/// so the local holds it.
pub fn customizer_in_local(
    rust: ParsedRust<'_>,
    call: &syn::ExprCall,
    helper: &syn::ItemFn,
) -> Option<Vec<LocalPart>> {
    let file = rust.file;
    let found = customizer(rust, helper)?;
    if !same_module(rust.syntax, helper, range_of(file, call).start, file)
        || call.args.len() != helper.sig.inputs.len()
    {
        return None;
    }
    let arg = &call.args[found.index];
    let inner = ExporterConfig::parse(rust, arg)?;
    if inner.transport != found.transport || !inner.notes.is_empty() || !inner.unknown.is_empty() {
        return None;
    }
    let range = range_of(file, arg);
    let mut parts = signature_parts(file, helper, &found);
    parts.push(LocalPart {
        range,
        indent: crate::engine::source::deeper(file.indent_at(range.start), file.indent_unit()),
        edit: PartEdit::Builder(Box::new(inner), Vec::new()),
    });
    Some(parts)
}

/// The edits of a customizer's signature: its type parameter, and that parameter for the
/// builder's old type in its argument and return.
fn signature_parts(
    file: &SourceFile,
    helper: &syn::ItemFn,
    found: &Customizer<'_>,
) -> Vec<LocalPart> {
    let ident_end = range_of(file, &helper.sig.ident).end;
    let part = |range: TextRange, edit: PartEdit| LocalPart {
        range,
        edit,
        indent: String::new(),
    };
    vec![
        part(
            TextRange::new(ident_end, ident_end),
            PartEdit::TypeParams(found.transport),
        ),
        part(range_of(file, &*found.param.ty), PartEdit::TypeParam),
        part(range_of(file, found.ret), PartEdit::TypeParam),
    ]
}

/// For a pipeline site that could not follow `call`: when it calls a top-level function of
/// this file that customizes an old builder (public, or called more than once), the 0.27
/// signature to give it, for the finding.
pub fn generic_signature(rust: ParsedRust<'_>, call: &syn::ExprCall) -> Option<String> {
    let syn::Expr::Path(p) = &*call.func else {
        return None;
    };
    let name = p.path.get_ident()?;
    let mut fns = rust.syntax.items.iter().filter_map(|i| match i {
        syn::Item::Fn(f) if f.sig.ident == *name => Some(f),
        _ => None,
    });
    let (Some(helper), None) = (fns.next(), fns.next()) else {
        return None;
    };
    let found = customizer(rust, helper)?;
    let file = rust.file;
    let sig = range_of(file, &helper.sig);
    let mut text = file.slice(sig).to_string();
    let bound = format!(
        "<{BUILDER_TYPE_PARAM}: opentelemetry_otlp::WithExportConfig + {}>",
        found.transport.options_trait()
    );
    // Back to front, so earlier offsets stay valid.
    let mut edits = vec![
        (
            range_of(file, &helper.sig.ident).end,
            range_of(file, &helper.sig.ident).end,
            bound,
        ),
        (
            range_of(file, &*found.param.ty).start,
            range_of(file, &*found.param.ty).end,
            BUILDER_TYPE_PARAM.to_string(),
        ),
        (
            range_of(file, found.ret).start,
            range_of(file, found.ret).end,
            BUILDER_TYPE_PARAM.to_string(),
        ),
    ];
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (start, end, new) in edits {
        text.replace_range(start - sig.start..end - sig.start, &new);
    }
    let vis = match &helper.vis {
        syn::Visibility::Inherited => String::new(),
        v => format!("{} ", text_of(file, v)),
    };
    Some(format!("{vis}{text}"))
}

/// The transport of an old `TonicExporterBuilder` / `HttpExporterBuilder` type.
pub fn builder_transport(rust: ParsedRust<'_>, ty: &syn::Type) -> Option<Transport> {
    let syn::Type::Path(p) = ty else {
        return None;
    };
    if p.qself.is_some() || !old_builder_path(rust.imports, &p.path) {
        return None;
    }
    match rust.imports.resolve(&p.path).last()?.as_str() {
        "TonicExporterBuilder" => Some(Transport::Grpc),
        "HttpExporterBuilder" => Some(Transport::Http),
        _ => None,
    }
}

/// Whether `body` yields only `param` with options the 0.27 traits of `transport` keep as they
/// are, and names `param` nowhere else.
fn only_customizes(body: &syn::Block, param: &str, transport: Transport) -> bool {
    let Some(syn::Stmt::Expr(tail, None)) = body.stmts.last() else {
        return false;
    };
    let Some(values) = yielded_values(tail) else {
        return false;
    };
    let unchanged = |method: &str| {
        unchanged_option_trait(method).is_some_and(|t| {
            t == transport.options_trait() || t == "opentelemetry_otlp::WithExportConfig"
        })
    };
    let customizes = |value: &syn::Expr| {
        let chain = Chain::read(value);
        chain.root_local().as_deref() == Some(param)
            && chain.links.iter().all(|l| unchanged(&l.name))
            && chain
                .links
                .iter()
                .all(|l| l.call.args.iter().all(|a| count_ident(a, param) == 0))
    };
    !values.is_empty()
        && values.iter().all(|v| customizes(v))
        && count_ident(body, param) == values.len()
}

/// Whether `helper` and the offset `at` are in the same module of the file (the import plan
/// of the site serves both).
pub fn same_module(syntax: &syn::File, helper: &syn::ItemFn, at: usize, file: &SourceFile) -> bool {
    let top_level = syntax
        .items
        .iter()
        .any(|i| matches!(i, syn::Item::Fn(f) if std::ptr::eq(f, helper)));
    let in_inline_module = syntax.items.iter().any(|i| {
        matches!(i, syn::Item::Mod(m) if m.content.is_some() && {
            let r = range_of(file, m);
            r.start <= at && at < r.end
        })
    });
    top_level && !in_inline_module
}
