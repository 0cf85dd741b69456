//! An exporter a pipeline takes from a struct field: `struct Telemetry { exporter:
//! TonicExporterBuilder }` (or `HttpExporterBuilder`), built as `Telemetry { exporter:
//! new_exporter().tonic()… }` (also `Self { .. }`, and the field init shorthand of a local
//! holding the builder), then `….with_exporter(self.exporter)` (issue 15 shape 5).
//!
//! 0.27's exporter builder types cannot be named, so the field holds the built exporter of the
//! one signal its one read feeds (`SpanExporter`, `MetricExporter`, `LogExporter`): every
//! construction builds it with `?` (its function returns `anyhow::Result`, `eyre::Result`, a
//! `Box<dyn Error>` or the signal's error), and the pipeline site takes it as it is (the
//! pipeline's moved options, the metrics temporality, go into every construction's chain: only
//! constants, which mean the same there).
//!
//! Followed only where every site is provably in this file and changes with the pipeline: the
//! struct is not `pub`, the field or the struct is private, the file declares no out-of-line
//! module, the struct derives nothing but `Debug`, no pattern takes it apart, no macro names
//! the field, the field is read once (the pipeline's exporter) and every construction sets it
//! in a function that can use `?`. Otherwise the field stays a finding
//! (`pipeline_signature::report_exporter_builder_fields`).

use syn::visit::Visit;

use crate::engine::finding::Severity;
use crate::engine::syntax::{range_of, text_of, ParsedRust};

use super::chain::{count_ident, Chain, Link};
use super::exporter::{ExporterConfig, KeptIn, LocalPart, ParseNote, PartEdit, Signal, Transport};
use super::exporter_local::exporter_in_local;
use super::pipeline_signature::{option_lands_on, struct_expressions, Lands};

/// Old exporter builder types a field may hold.
const OLD_FIELD_TYPES: &[&str] = &["TonicExporterBuilder", "HttpExporterBuilder"];

/// The exporter `with_exporter(<arg>)` takes from a struct field (`arg` is `<value>.<field>`),
/// when the field and every construction of its struct change with the pipeline; `None`
/// otherwise (the field is reported).
pub fn exporter_in_field(rust: ParsedRust<'_>, arg: &syn::Expr) -> Option<ExporterConfig> {
    let (read, optional) = field_read(rust, arg)?;
    let syn::Member::Named(name) = &read.member else {
        return None;
    };
    let name = name.to_string();
    let uses = FieldUses::of(rust, &name);
    let [(item, field)] = uses.declared.as_slice() else {
        return None;
    };
    let [only_read] = uses.reads.as_slice() else {
        return None;
    };
    if !std::ptr::eq(*only_read, read)
        || uses.taken_apart
        || uses.in_macros
        || uses.out_of_line_modules
        || !field_is_followable(item, field)
        || uses.constructions.is_empty()
    {
        return None;
    }
    let held = old_builder_held(rust, &field.ty, optional)?;
    let signal = signal_fed(rust, arg)?;
    let mut parts = vec![LocalPart {
        range: range_of(rust.file, held),
        edit: PartEdit::BuiltType,
        indent: String::new(),
    }];
    let mut traits = Vec::new();
    let mut notes = Vec::new();
    for construction in &uses.constructions {
        let value = match (optional, construction.value) {
            (false, value) => value,
            // Nothing is built: any function may set it (`Default::default`).
            (true, syn::Expr::Path(p)) if p.path.is_ident("None") => continue,
            (true, syn::Expr::Call(c)) if is_some(&c.func) && c.args.len() == 1 => &c.args[0],
            (true, _) => return None,
        };
        if !construction.can_raise(rust, signal) {
            return None;
        }
        if let Some(chain) = ExporterConfig::parse(rust, value) {
            let range = range_of(rust.file, value);
            notes.extend(construction.runtime_note(rust, read, chain.transport));
            parts.push(LocalPart {
                range,
                indent: crate::engine::source::deeper(
                    rust.file.indent_at(range.start),
                    rust.file.indent_unit(),
                ),
                edit: PartEdit::BuiltHere(Box::new(chain)),
            });
            continue;
        }
        // A local holding the builder: it stays the 0.27 builder, built where the field is set.
        let kept = exporter_in_local(rust, value)?.kept_in?;
        if kept.built {
            return None;
        }
        let grpc = kept
            .parts
            .iter()
            .any(|p| matches!(&p.edit, PartEdit::Chain(c) if c.transport == Transport::Grpc));
        if grpc {
            notes.extend(construction.runtime_note(rust, read, Transport::Grpc));
        }
        parts.extend(kept.parts);
        traits.extend(kept.traits);
        let syn::Expr::Path(local) = value else {
            return None;
        };
        let built = format!("{}.build()?", text_of(rust.file, local));
        let (range, text) = match construction.shorthand {
            true => (
                range_of(rust.file, construction.whole),
                format!("{name}: {built}"),
            ),
            false => (range_of(rust.file, value), built),
        };
        parts.push(LocalPart {
            range,
            edit: PartEdit::Text(text),
            indent: String::new(),
        });
    }
    let mut exporter = ExporterConfig::kept(
        // The site only names the field: the transport is the constructions' business.
        Transport::Grpc,
        KeptIn {
            name: text_of(rust.file, arg).to_string(),
            takes_moved_options: true,
            built: false,
            ready: true,
            parts,
            traits,
            widens: None,
            through: None,
        },
    );
    exporter.notes = notes;
    Some(exporter)
}

/// Whether only this file can build the struct or read the field, and the field's type can
/// change without changing what the struct implements.
fn field_is_followable(item: &syn::ItemStruct, field: &syn::Field) -> bool {
    let private = |v: &syn::Visibility| matches!(v, syn::Visibility::Inherited);
    !matches!(item.vis, syn::Visibility::Public(_))
        && (private(&item.vis) || private(&field.vis))
        && item.attrs.iter().all(derives_debug_at_most)
        && field.attrs.iter().all(|a| a.path().is_ident("doc"))
}

/// `<value>.<field>` as the pipeline's exporter, or an optional field's value: `<value>.<field>
/// .unwrap()` / `.expect(..)`, or `x` bound by an enclosing `if let Some(x) = <value>.<field>`
/// and named once in its block (`true`).
fn field_read<'a>(rust: ParsedRust<'a>, arg: &'a syn::Expr) -> Option<(&'a syn::ExprField, bool)> {
    match arg {
        syn::Expr::Field(read) => Some((read, false)),
        syn::Expr::MethodCall(m) if m.method == "unwrap" || m.method == "expect" => {
            match &*m.receiver {
                syn::Expr::Field(read) => Some((read, true)),
                _ => None,
            }
        }
        syn::Expr::Path(p) => {
            let name = p.path.get_ident()?.to_string();
            let mut finder = IfLetSome {
                name: &name,
                at: range_of(rust.file, arg),
                file: rust.file,
                found: None,
            };
            finder.visit_file(rust.syntax);
            finder.found.map(|read| (read, true))
        }
        _ => None,
    }
}

/// The innermost `if let Some(<name>) = <value>.<field> { … }` whose block holds `at` and names
/// `name` once.
struct IfLetSome<'a, 'n> {
    name: &'n str,
    at: crate::engine::edit::TextRange,
    file: &'n crate::engine::source::SourceFile,
    found: Option<&'a syn::ExprField>,
}

impl<'a> Visit<'a> for IfLetSome<'a, '_> {
    fn visit_expr_if(&mut self, i: &'a syn::ExprIf) {
        if let syn::Expr::Let(l) = &*i.cond {
            let block = range_of(self.file, &i.then_branch);
            let binds = matches!(&*l.pat, syn::Pat::TupleStruct(t)
                if is_some_path(&t.path) && t.elems.len() == 1
                    && matches!(&t.elems[0], syn::Pat::Ident(p)
                        if p.ident == self.name && p.by_ref.is_none() && p.subpat.is_none()));
            if binds
                && block.start <= self.at.start
                && self.at.end <= block.end
                && count_ident(&i.then_branch, self.name) == 1
            {
                if let syn::Expr::Field(read) = &*l.expr {
                    self.found = Some(read);
                }
            }
        }
        syn::visit::visit_expr_if(self, i);
    }
}

fn is_some_path(path: &syn::Path) -> bool {
    path.is_ident("Some")
}

fn is_some(func: &syn::Expr) -> bool {
    matches!(func, syn::Expr::Path(p) if p.qself.is_none() && is_some_path(&p.path))
}

/// The old exporter builder type a field holds (`TonicExporterBuilder`, or inside `Option<..>`
/// when `optional`): the type the built exporter replaces.
fn old_builder_held<'t>(
    rust: ParsedRust<'_>,
    ty: &'t syn::Type,
    optional: bool,
) -> Option<&'t syn::Type> {
    let syn::Type::Path(p) = ty else {
        return None;
    };
    if p.qself.is_some() {
        return None;
    }
    if optional {
        let last = p.path.segments.last()?;
        let syn::PathArguments::AngleBracketed(a) = &last.arguments else {
            return None;
        };
        let [syn::GenericArgument::Type(inner)] = a.args.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        let is_option = rust.imports.is(&p.path, &["std", "option", "Option"])
            || (p.path.segments.len() == 1 && last.ident == "Option");
        return is_option
            .then(|| old_builder_held(rust, inner, false))
            .flatten();
    }
    OLD_FIELD_TYPES
        .iter()
        .any(|t| rust.imports.is(&p.path, &["opentelemetry_otlp", t]))
        .then_some(ty)
}

/// Doc comments, lint levels and `#[derive(Debug)]`: the built exporters implement `Debug`,
/// not `Clone`, `Default` or serde's traits.
fn derives_debug_at_most(attr: &syn::Attribute) -> bool {
    let path = attr.path();
    if path.is_ident("doc") || path.is_ident("allow") || path.is_ident("expect") {
        return true;
    }
    if !path.is_ident("derive") {
        return false;
    }
    let Ok(derived) = attr.parse_args_with(
        syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
    ) else {
        return false;
    };
    derived.iter().all(|p| p.is_ident("Debug"))
}

/// The signal of the pipeline whose `with_exporter(..)` takes `arg`, when the options it
/// moves onto the exporter (the metrics temporality) are constants, which mean the same where
/// the struct is constructed.
fn signal_fed(rust: ParsedRust<'_>, arg: &syn::Expr) -> Option<Signal> {
    struct Site<'e> {
        arg: &'e syn::Expr,
        found: Option<Option<Signal>>,
    }
    impl<'a> Visit<'a> for Site<'_> {
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            // The outermost call first: its chain is the whole pipeline.
            let chain = Chain::read_call(m);
            let takes_arg = |l: &Link<'_>| {
                l.name == "with_exporter"
                    && l.call
                        .args
                        .first()
                        .is_some_and(|a| std::ptr::eq(a, self.arg))
            };
            if self.found.is_none() && chain.links.iter().any(takes_arg) {
                let signal = pipeline_signal(&chain);
                let moved = chain.links.iter().filter(|l| {
                    signal.is_some_and(|s| option_lands_on(s, &l.name) == Some(Lands::Exporter))
                        && l.name != "with_exporter"
                });
                let constant = moved.flat_map(|l| l.call.args.iter()).all(is_constant);
                self.found = Some(signal.filter(|_| constant));
            }
            syn::visit::visit_expr_method_call(self, m);
        }
    }
    let mut site = Site { arg, found: None };
    site.visit_file(rust.syntax);
    site.found.flatten()
}

/// The signal an old pipeline chain (`new_pipeline().tracing()…`) exports.
pub fn pipeline_signal(chain: &Chain<'_>) -> Option<Signal> {
    chain.links.iter().find_map(|l| match l.name.as_str() {
        "tracing" => Some(Signal::Span),
        "metrics" => Some(Signal::Metric),
        "logging" => Some(Signal::Log),
        _ => None,
    })
}

/// One struct expression setting the field.
struct Construction<'a> {
    /// The field's `name: value` (or shorthand `name`).
    whole: &'a syn::FieldValue,
    value: &'a syn::Expr,
    shorthand: bool,
    /// The function it is in (`None`: a closure, a constant, a static).
    function: Option<&'a syn::Signature>,
}

impl Construction<'_> {
    /// A gRPC exporter built outside an `async fn`: tonic's channel needs a Tokio runtime when
    /// it is built, which the install at `read` had and this construction may not.
    fn runtime_note(
        &self,
        rust: ParsedRust<'_>,
        read: &syn::ExprField,
        transport: Transport,
    ) -> Option<ParseNote> {
        if transport != Transport::Grpc || self.function?.asyncness.is_some() {
            return None;
        }
        let install = rust.file.line_col(range_of(rust.file, read).start).0;
        Some(ParseNote {
            range: range_of(rust.file, self.value),
            severity: Severity::Note,
            message: format!(
                "the gRPC exporter is now built here, where the struct is constructed, not where the pipeline was installed (line {install})"
            ),
            suggestion: "tonic's channel needs a Tokio runtime when it is built: construct the struct inside the runtime, as the install was".into(),
        })
    }

    /// Whether its function's error type takes the built exporter's error through `?`.
    fn can_raise(&self, rust: ParsedRust<'_>, signal: Signal) -> bool {
        let Some(syn::ReturnType::Type(_, ty)) = self.function.map(|f| &f.output) else {
            return false;
        };
        let syn::Type::Path(p) = &**ty else {
            return false;
        };
        let Some(last) = p.path.segments.last() else {
            return false;
        };
        let args: Vec<&syn::Type> = match &last.arguments {
            syn::PathArguments::AngleBracketed(a) => a
                .args
                .iter()
                .filter_map(|a| match a {
                    syn::GenericArgument::Type(t) => Some(t),
                    _ => None,
                })
                .collect(),
            _ => return false,
        };
        match args.as_slice() {
            // `anyhow::Result<T>`, `TraceResult<T>` and the like.
            [_] => RESULT_ALIASES
                .iter()
                .chain(signal_aliases(signal))
                .any(|alias| rust.imports.is(&p.path, alias)),
            [_, error] if last.ident == "Result" => takes_any_error(rust, error, signal),
            _ => false,
        }
    }
}

/// `Result` aliases whose error takes any `std::error::Error + Send + Sync`.
const RESULT_ALIASES: &[&[&str]] = &[
    &["anyhow", "Result"],
    &["eyre", "Result"],
    &["color_eyre", "Result"],
    &["color_eyre", "eyre", "Result"],
];

/// The signal's own `Result` aliases (old and 0.27 spellings).
fn signal_aliases(signal: Signal) -> &'static [&'static [&'static str]] {
    match signal {
        Signal::Span => &[&["opentelemetry", "trace", "TraceResult"]],
        Signal::Metric => &[
            &["opentelemetry", "metrics", "Result"],
            &["opentelemetry_sdk", "metrics", "MetricResult"],
        ],
        Signal::Log => &[],
    }
}

/// The signal's own error types (old and 0.27 spellings).
fn signal_errors(signal: Signal) -> &'static [&'static [&'static str]] {
    match signal {
        Signal::Span => &[&["opentelemetry", "trace", "TraceError"]],
        Signal::Metric => &[
            &["opentelemetry", "metrics", "MetricsError"],
            &["opentelemetry_sdk", "metrics", "MetricError"],
        ],
        Signal::Log => &[],
    }
}

/// `anyhow::Error`, `eyre::Report`, `Box<dyn Error …>`, or the signal's error.
fn takes_any_error(rust: ParsedRust<'_>, error: &syn::Type, signal: Signal) -> bool {
    let syn::Type::Path(p) = error else {
        return false;
    };
    let named = [
        &["anyhow", "Error"][..],
        &["eyre", "Report"],
        &["color_eyre", "Report"],
        &["color_eyre", "eyre", "Report"],
    ];
    if named
        .iter()
        .chain(signal_errors(signal))
        .any(|e| rust.imports.is(&p.path, e))
    {
        return true;
    }
    // `Box<dyn Error>`, `Box<dyn std::error::Error + Send + Sync>`.
    let Some(boxed) = p.path.segments.last().filter(|s| s.ident == "Box") else {
        return false;
    };
    let syn::PathArguments::AngleBracketed(a) = &boxed.arguments else {
        return false;
    };
    matches!(a.args.first(), Some(syn::GenericArgument::Type(syn::Type::TraitObject(t)))
        if t.bounds.iter().any(|b| matches!(b, syn::TypeParamBound::Trait(t)
            if t.path.segments.last().is_some_and(|s| s.ident == "Error"))))
}

/// Everything the file does with fields named `name` and the structs declaring one.
struct FieldUses<'a> {
    name: &'a str,
    /// Structs with a named field `name`, and that field.
    declared: Vec<(&'a syn::ItemStruct, &'a syn::Field)>,
    /// `<value>.name`, anywhere.
    reads: Vec<&'a syn::ExprField>,
    /// Struct expressions of a declaring struct (by name, or `Self` in its `impl`).
    constructions: Vec<Construction<'a>>,
    /// A struct expression of a declaring struct without the field, or a pattern of one.
    taken_apart: bool,
    /// A macro's tokens name the field (uses this reader cannot see).
    in_macros: bool,
    out_of_line_modules: bool,
    struct_names: Vec<&'a syn::Ident>,
}

impl<'a> FieldUses<'a> {
    fn of(rust: ParsedRust<'a>, name: &'a str) -> FieldUses<'a> {
        let mut uses = FieldUses {
            name,
            declared: Vec::new(),
            reads: Vec::new(),
            constructions: Vec::new(),
            taken_apart: false,
            in_macros: false,
            out_of_line_modules: false,
            struct_names: Vec::new(),
        };
        // Declarations first: constructions may come before them in the file.
        let mut declarations = Declarations {
            name,
            found: Vec::new(),
        };
        declarations.visit_file(rust.syntax);
        uses.declared = declarations.found;
        uses.struct_names = uses.declared.iter().map(|(s, _)| &s.ident).collect();
        uses.visit_file(rust.syntax);
        for (e, function) in struct_expressions(rust, &uses.struct_names) {
            let set = e
                .fields
                .iter()
                .find(|f| matches!(&f.member, syn::Member::Named(n) if n == name));
            match set {
                Some(f) => uses.constructions.push(Construction {
                    whole: f,
                    value: &f.expr,
                    shorthand: f.colon_token.is_none(),
                    function,
                }),
                None => uses.taken_apart = true,
            }
        }
        uses
    }

    /// Whether a pattern's `path` may name one of the declaring structs (`Self` may).
    fn names_declaring(&self, path: &syn::Path) -> bool {
        path.segments
            .last()
            .is_some_and(|last| last.ident == "Self" || self.struct_names.contains(&&last.ident))
    }
}

impl<'a> Visit<'a> for FieldUses<'a> {
    fn visit_item_mod(&mut self, m: &'a syn::ItemMod) {
        self.out_of_line_modules |= m.content.is_none();
        syn::visit::visit_item_mod(self, m);
    }
    fn visit_expr_field(&mut self, e: &'a syn::ExprField) {
        if matches!(&e.member, syn::Member::Named(n) if n == self.name) {
            self.reads.push(e);
        }
        syn::visit::visit_expr_field(self, e);
    }
    fn visit_pat_struct(&mut self, p: &'a syn::PatStruct) {
        self.taken_apart |= self.names_declaring(&p.path);
        syn::visit::visit_pat_struct(self, p);
    }
    fn visit_macro(&mut self, m: &'a syn::Macro) {
        self.in_macros |= count_ident(&m.tokens, self.name) > 0;
    }
}

/// The structs of the file with a named field `name`.
struct Declarations<'a, 'n> {
    name: &'n str,
    found: Vec<(&'a syn::ItemStruct, &'a syn::Field)>,
}

impl<'a> Visit<'a> for Declarations<'a, '_> {
    fn visit_item_struct(&mut self, s: &'a syn::ItemStruct) {
        let field = s
            .fields
            .iter()
            .find(|f| f.ident.as_ref().is_some_and(|i| i == self.name));
        if let Some(field) = field {
            self.found.push((s, field));
        }
        syn::visit::visit_item_struct(self, s);
    }
}

/// An expression that means the same in any function of the crate: literals, paths to items
/// (`Temporality::Delta`, `DELTA`) and calls of them (`DeltaTemporalitySelector::new()`).
fn is_constant(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Lit(_) => true,
        syn::Expr::Path(p) => {
            p.qself.is_none()
                && (p.path.segments.len() > 1
                    || p.path.get_ident().is_some_and(|i| {
                        let i = i.to_string();
                        i.chars()
                            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                    }))
        }
        syn::Expr::Call(c) => is_constant(&c.func) && c.args.iter().all(is_constant),
        syn::Expr::MethodCall(m) => is_constant(&m.receiver) && m.args.iter().all(is_constant),
        syn::Expr::Reference(r) => is_constant(&r.expr),
        syn::Expr::Paren(p) => is_constant(&p.expr),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::syntax::with_parsed;

    /// Whether the field the file's one `with_exporter(..)` takes is followed.
    fn followed(src: &str) -> bool {
        with_parsed(src, |rust| {
            let mut site = ArgOf(None);
            site.visit_file(rust.syntax);
            exporter_in_field(rust, site.0.expect("a with_exporter call")).is_some()
        })
    }

    struct ArgOf<'a>(Option<&'a syn::Expr>);

    impl<'a> Visit<'a> for ArgOf<'a> {
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            if m.method == "with_exporter" {
                self.0 = m.args.first();
            }
            syn::visit::visit_expr_method_call(self, m);
        }
    }

    const READ: &str = "fn go(t: T) { opentelemetry_otlp::new_pipeline().tracing().with_exporter(t.e).install_simple().unwrap(); }\n";

    fn with(head: &str, build: &str) -> String {
        format!("use opentelemetry_otlp::TonicExporterBuilder;\n{head}\n{build}\n{READ}")
    }

    const FIELD: &str = "struct T { e: TonicExporterBuilder }";
    const BUILD: &str =
        "fn t() -> anyhow::Result<T> { Ok(T { e: opentelemetry_otlp::new_exporter().tonic() }) }";

    #[test]
    fn a_private_field_read_once_is_followed() {
        assert!(followed(&with(FIELD, BUILD)));
        assert!(followed(&with(
            &format!("#[derive(Debug)]\n{FIELD}"),
            BUILD
        )));
        assert!(followed(&with(
            "pub(crate) struct T { e: TonicExporterBuilder }",
            BUILD
        )));
        // `Box<dyn Error>` and the signal's own error take the exporter's through `?`.
        let boxed = BUILD.replace("anyhow::Result<T>", "Result<T, Box<dyn std::error::Error>>");
        assert!(followed(&with(FIELD, &boxed)));
        let own = BUILD.replace(
            "anyhow::Result<T>",
            "Result<T, opentelemetry::trace::TraceError>",
        );
        assert!(followed(&with(FIELD, &own)));
        // An optional field's `None` builds nothing: any function may set it.
        let optional = "struct T { e: Option<TonicExporterBuilder> }";
        let some = "fn t() -> anyhow::Result<T> { Ok(T { e: Some(opentelemetry_otlp::new_exporter().tonic()) }) }
                    impl Default for T { fn default() -> Self { T { e: None } } }";
        let read = READ.replace("t.e", "t.e.unwrap()");
        let src =
            format!("use opentelemetry_otlp::TonicExporterBuilder;\n{optional}\n{some}\n{read}");
        assert!(followed(&src));
    }

    #[test]
    fn near_misses_are_not_followed() {
        // Public, so other crates may build it; deriving `Clone`; a second struct with a field
        // of that name; named in a macro; taken apart; built in a closure or where `?` does
        // not fit; the wrong error type; an out-of-line module that could build it.
        let cases = [
            with("pub struct T { pub e: TonicExporterBuilder }", BUILD),
            with(&format!("#[derive(Clone)]\n{FIELD}"), BUILD),
            with(&format!("{FIELD}\nstruct U {{ e: u8 }}"), BUILD),
            with(FIELD, &format!("{BUILD}\nfn d(t: &T) {{ println!(\"{{:?}}\", t.e); }}")),
            with(FIELD, &format!("{BUILD}\nfn d(t: T) {{ let T {{ .. }} = t; }}")),
            with(FIELD, "fn t() -> anyhow::Result<()> { let _ = || T { e: opentelemetry_otlp::new_exporter().tonic() }; Ok(()) }"),
            with(FIELD, "fn t() -> T { T { e: opentelemetry_otlp::new_exporter().tonic() } }"),
            with(FIELD, &BUILD.replace("anyhow::Result<T>", "Result<T, std::io::Error>")),
            with(&format!("mod other;\n{FIELD}"), BUILD),
        ];
        for case in cases {
            assert!(!followed(&case), "{case}");
        }
    }

    #[test]
    fn constants_mean_the_same_in_any_function() {
        let constant = |src: &str| is_constant(&syn::parse_str(src).unwrap());
        assert!(constant("Temporality::Delta"));
        assert!(constant("DeltaTemporalitySelector::new()"));
        assert!(constant("DELTA"));
        assert!(!constant("temporality"));
        assert!(!constant("self.temporality"));
        assert!(!constant("Selector::new(cfg)"));
    }
}
