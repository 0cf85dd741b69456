//! An exporter a pipeline takes from a helper function of the same file:
//! `fn exporter(cfg: &Cfg) -> TonicExporterBuilder { new_exporter().tonic()… }` (also
//! `-> HttpExporterBuilder`, `-> SpanExporterBuilder` with `.into()`, `-> impl Into<…>`, a
//! `match`/`if` choosing the transport) called as `.with_exporter(exporter(&cfg))`.
//!
//! 0.27's exporter builder types cannot be named in a signature, so the helper becomes a
//! function returning the built exporter (`Result<SpanExporter, TraceError>`, the metric and log
//! ones likewise) with `.build()` inside, and the site unwraps it with its own error handling.
//! Followed only when the helper and its one call change together: a private free function
//! whose name occurs nowhere else in the file, in a file that declares no out-of-line module
//! (which could call it through `super::`), with its value in its tail expression.

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::syntax::{ident_str, range_of, text_of, ImportMap, ParsedRust};

use super::chain::{count_ident, Chain};
use super::exporter::{ExporterConfig, KeptIn, LocalPart, PartEdit, Transport};
use super::exporter_local::{exporter_in_local, exporter_value, old_builder_path};

/// The exporter `with_exporter(<arg>)` takes: from a local ([`exporter_in_local`]) or from a
/// helper function's call (this module); `None` when neither can be followed.
pub fn exporter_in_local_or_helper(
    rust: ParsedRust<'_>,
    arg: &syn::Expr,
) -> Option<ExporterConfig> {
    exporter_in_local(rust, arg).or_else(|| exporter_from_helper(rust, arg))
}

/// `helper(args)` (or `helper(args).into()`) naming a helper this module can follow.
fn exporter_from_helper(rust: ParsedRust<'_>, arg: &syn::Expr) -> Option<ExporterConfig> {
    let file = rust.file;
    let call = match arg {
        syn::Expr::MethodCall(m) if m.method == "into" && m.args.is_empty() => &*m.receiver,
        e => e,
    };
    let syn::Expr::Call(c) = call else {
        return None;
    };
    let syn::Expr::Path(p) = &*c.func else {
        return None;
    };
    let name = p.path.get_ident().map(ident_str)?;
    let mut fns = Functions {
        name: &name,
        found: Vec::new(),
        out_of_line_modules: false,
    };
    fns.visit_file(rust.syntax);
    let [helper] = fns.found.as_slice() else {
        return None;
    };
    if fns.out_of_line_modules
        || !matches!(helper.vis, syn::Visibility::Inherited)
        || helper.sig.asyncness.is_some()
        || count_ident(rust.syntax, &name) != 2
    {
        return None;
    }
    let syn::ReturnType::Type(_, ret) = &helper.sig.output else {
        return None;
    };
    if !returns_old_builder(rust.imports, ret) {
        return None;
    }
    let Some(syn::Stmt::Expr(tail, None)) = helper.block.stmts.last() else {
        return None;
    };
    let (_, chains) = exporter_value(file, rust.imports, tail)?;
    let mut parts = vec![LocalPart {
        range: range_of(file, &**ret),
        edit: PartEdit::BuiltResult,
        indent: String::new(),
    }];
    parts.extend(chains);
    Some(ExporterConfig::kept(
        // The site only names the call: the transport is the helper's business.
        Transport::Grpc,
        KeptIn {
            name: text_of(file, call).to_string(),
            takes_moved_options: false,
            built: true,
            parts,
            traits: Vec::new(),
        },
    ))
}

/// `TonicExporterBuilder`, `HttpExporterBuilder`, `SpanExporterBuilder` (and siblings), or
/// `impl Into<one of those>`.
fn returns_old_builder(imports: &ImportMap, ty: &syn::Type) -> bool {
    match ty {
        syn::Type::ImplTrait(t) => t.bounds.iter().any(|b| match b {
            syn::TypeParamBound::Trait(tb) => {
                let last = tb.path.segments.last();
                last.is_some_and(|s| s.ident == "Into")
                    && last.is_some_and(|s| match &s.arguments {
                        syn::PathArguments::AngleBracketed(a) => a.args.iter().any(|g| {
                            matches!(g, syn::GenericArgument::Type(t) if returns_old_builder(imports, t))
                        }),
                        _ => false,
                    })
            }
            _ => false,
        }),
        syn::Type::Path(p) => p.qself.is_none() && old_builder_path(imports, &p.path),
        _ => false,
    }
}

/// The free functions named `name` (top level and inline modules), and whether the file
/// declares a module in another file.
struct Functions<'a, 'n> {
    name: &'n str,
    found: Vec<&'a syn::ItemFn>,
    out_of_line_modules: bool,
}

impl<'a> Visit<'a> for Functions<'a, '_> {
    fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
        if f.sig.ident == self.name {
            self.found.push(f);
        }
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_item_mod(&mut self, m: &'a syn::ItemMod) {
        if m.content.is_none() {
            self.out_of_line_modules = true;
        }
        syn::visit::visit_item_mod(self, m);
    }
}

/// The locals and helpers whose exporter a pipeline takes (`with_exporter(<local or call>)` on
/// a chain rooted at `opentelemetry_otlp::new_pipeline()`): the ranges their rewrite replaces,
/// so other passes leave them to the pipeline transforms.
pub fn exporter_values_taken(rust: ParsedRust<'_>) -> Vec<TextRange> {
    let mut v = PipelineExporterArgs {
        imports: rust.imports,
        args: Vec::new(),
    };
    v.visit_file(rust.syntax);
    v.args
        .into_iter()
        .filter_map(|a| exporter_in_local_or_helper(rust, a)?.kept_in)
        .flat_map(|k| k.parts.into_iter().map(|p| p.range))
        .collect()
}

struct PipelineExporterArgs<'a, 'i> {
    imports: &'i ImportMap,
    args: Vec<&'a syn::Expr>,
}

impl<'a> Visit<'a> for PipelineExporterArgs<'a, '_> {
    fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
        if ident_str(&m.method) == "with_exporter" && m.args.len() == 1 {
            let chain = Chain::read(&m.receiver);
            if chain
                .root_path()
                .is_some_and(|r| self.imports.is(r, &["opentelemetry_otlp", "new_pipeline"]))
            {
                self.args.push(&m.args[0]);
            }
        }
        syn::visit::visit_expr_method_call(self, m);
    }
}
