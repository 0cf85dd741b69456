//! An exporter a pipeline takes from a local: `let exporter = new_exporter().tonic()…;` (also
//! `let mut` with later `exporter = exporter.with_x(..)`, also under `if`), or
//! `let exporter = match proto { … => new_exporter().http()….into(), … }` (or `if`/`else`),
//! then `….with_exporter(exporter)` in the same function. An arm of such a choice may itself
//! keep its builder in a local of its block (`{ let mut builder = new_exporter()…; builder = if
//! … { builder.with_timeout(t) } else { builder }; builder.into() }`).
//!
//! Followed only where provable: the local is bound in a block enclosing the site, every
//! statement between uses it in a way this reader understands (a reassignment with options
//! that keep their name on 0.27), and the statement holding the site names it exactly once.
//! A single chain stays a 0.27 builder in the local and is built at the site (so the site's
//! error handling applies to `.build()`); a `match`/`if` builds in every arm (0.27 builder
//! types differ per transport) and the local holds the `Result` the site unwraps.

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::syntax::{range_of, ImportMap, ParsedRust};

use super::chain::{
    count_ident, follow_local, mentions_local, uses_in_consumer, Chain, FollowedLocal,
};
use super::exporter::{
    unchanged_option_trait, ExporterConfig, KeptIn, LocalPart, PartEdit, Transport,
};
use super::exporter_variant_match::refinement;
use super::local_binding::{binding_of, binds, pat_ident};

/// Old exporter builder types a local may be annotated with (the annotation goes): the
/// transports' builders and [`OLD_BUILDER_ENUMS`].
const OLD_TRANSPORT_BUILDERS: &[&str] = &["TonicExporterBuilder", "HttpExporterBuilder"];

/// The old enums over the transports' builders (`Tonic(..)`, `Http(..)` variants).
const OLD_BUILDER_ENUMS: &[&str] = &[
    "SpanExporterBuilder",
    "MetricsExporterBuilder",
    "LogExporterBuilder",
];

/// The exporter a pipeline's `with_exporter(<arg>)` takes from a local, when `arg` names one
/// (`exporter` or `exporter.into()`) whose value this reader can follow; `None` otherwise (the
/// caller reports the exporter as built elsewhere).
pub fn exporter_in_local(rust: ParsedRust<'_>, arg: &syn::Expr) -> Option<ExporterConfig> {
    exporter_in_local_with(rust, arg, &|init| exporter_value(rust, init))
}

/// What a local's initializer holds: a chosen exporter (`true`) or one builder, and the parts
/// that rewrite it; `None` when it is not an exporter this reader follows.
pub type InitValue<'r> = dyn Fn(&syn::Expr) -> Option<(bool, Vec<LocalPart>)> + 'r;

/// [`exporter_in_local`] with the reader of the local's initializer.
pub fn exporter_in_local_with(
    rust: ParsedRust<'_>,
    arg: &syn::Expr,
    init_value: &InitValue<'_>,
) -> Option<ExporterConfig> {
    let name = local_name(arg)?;
    let (stmts, j, k) = binding_of(rust, &name, range_of(rust.file, arg).start)?;
    follow(rust, stmts, j, k, &name, init_value)
}

/// The 0.27 option traits the reassignments of a followed local call (`exporter =
/// exporter.with_tls_config(..)` needs `WithTonicConfig`); `None` when one calls an option 0.27
/// does not keep under its name.
fn reassignment_traits(followed: &FollowedLocal<'_>) -> Option<Vec<&'static str>> {
    let mut traits = Vec::new();
    for link in followed.reassignments.iter().flat_map(|r| &r.links) {
        let t = unchanged_option_trait(&link.name)?;
        if !traits.contains(&t) {
            traits.push(t);
        }
    }
    Some(traits)
}

/// `p.with_exporter(exporter)` (`call`, the value of a branch) where `exporter` is a local of
/// the branch's own block, bound to one old chain and then only extended with options 0.27
/// keeps (`if tls { exporter = exporter.with_tls_config(..) }`): the local becomes the 0.27
/// builder and the call builds it (`exporter.build()`, the branch's value).
pub fn builder_kept_in_branch(
    rust: ParsedRust<'_>,
    call: &syn::ExprMethodCall,
) -> Option<Vec<LocalPart>> {
    let file = rust.file;
    let arg = call.args.first()?;
    let name = local_name(arg)?;
    let (stmts, j, k) = binding_of(rust, &name, range_of(file, arg).start)?;
    let consumer_is_the_call = matches!(&stmts[k], syn::Stmt::Expr(syn::Expr::MethodCall(m), None) if std::ptr::eq(m, call));
    let followed = follow_local(stmts, j + 1, &name);
    if !consumer_is_the_call || followed.consumer != Some(k) || count_ident(call, &name) != 1 {
        return None;
    }
    let syn::Stmt::Local(local) = &stmts[j] else {
        return None;
    };
    let init = local.init.as_ref().filter(|i| i.diverge.is_none())?;
    pat_ident(&local.pat)?;
    let traits = reassignment_traits(&followed)?;
    let (range, chain) = exporter_chain(rust, &init.expr)?;
    Some(vec![
        LocalPart {
            range,
            indent: crate::engine::source::deeper(file.indent_at(range.start), file.indent_unit()),
            edit: PartEdit::Builder(Box::new(chain), traits),
        },
        LocalPart {
            range: range_of(file, call),
            indent: String::new(),
            edit: PartEdit::Build(name),
        },
    ])
}

/// `exporter` or `exporter.into()`: the local's name.
pub fn local_name(arg: &syn::Expr) -> Option<String> {
    let chain = Chain::read(arg);
    match chain.names().as_slice() {
        [] | ["into"] => chain.root_local(),
        _ => None,
    }
}

/// The local bound at `stmts[j]`, consumed by `stmts[k]`.
fn follow(
    rust: ParsedRust<'_>,
    stmts: &[syn::Stmt],
    j: usize,
    k: usize,
    name: &str,
    init_value: &InitValue<'_>,
) -> Option<ExporterConfig> {
    let file = rust.file;
    let syn::Stmt::Local(local) = &stmts[j] else {
        return None;
    };
    let init = local.init.as_ref().filter(|i| i.diverge.is_none())?;
    // A `match` on the old enum's variants right after the choice (`exporter_variant_match`).
    let is_old_enum = |imports: &ImportMap, path: &syn::Path| {
        OLD_BUILDER_ENUMS
            .iter()
            .any(|t| imports.is(path, &["opentelemetry_otlp", t]))
    };
    let refined = stmts
        .get(j + 1)
        .filter(|_| j + 1 < k)
        .and_then(|s| refinement(rust, s, name, &init.expr, &is_old_enum));
    let followed = follow_local(stmts, j + 1 + usize::from(refined.is_some()), name);
    if followed.consumer != Some(k) || uses_in_consumer(&stmts[k], name) != 1 {
        return None;
    }
    let traits = reassignment_traits(&followed)?;
    let mut parts = Vec::new();
    if let syn::Pat::Type(t) = &local.pat {
        if !names_old_builder(rust.imports, &t.ty) {
            return None;
        }
        parts.push(LocalPart {
            range: TextRange::new(range_of(file, &*t.pat).end, range_of(file, &*t.ty).end),
            edit: PartEdit::Delete,
            indent: String::new(),
        });
    }
    let (choice, mut chains) = init_value(&init.expr)?;
    // A choice yields a `Result`, which the exporter options cannot extend.
    if choice && !followed.reassignments.is_empty() {
        return None;
    }
    if let Some(refined) = refined {
        if !choice {
            return None;
        }
        for part in &mut chains {
            let PartEdit::Chain(chain) = &part.edit else {
                return None;
            };
            if let Some(r) = refined.for_transport(chain.transport) {
                part.edit = PartEdit::Refined(chain.clone(), r.clone());
            }
        }
        parts.push(LocalPart {
            range: refined.statement,
            edit: PartEdit::Delete,
            indent: String::new(),
        });
        // The local is no longer reassigned.
        if let Some(m) = pat_ident(&local.pat).and_then(|p| p.mutability) {
            let after = range_of(file, &m).end;
            let ws = file.text[after..].len() - file.text[after..].trim_start().len();
            parts.push(LocalPart {
                range: TextRange::new(range_of(file, &m).start, after + ws),
                edit: PartEdit::Delete,
                indent: String::new(),
            });
        }
    }
    parts.extend(chains);
    Some(kept(name, choice, parts, traits))
}

/// An expression whose value is an old exporter: one chain (`false`), or a `match`/`if` whose
/// arms are chains or diverge (`true`); the parts that re-render the chains.
pub fn exporter_value(rust: ParsedRust<'_>, expr: &syn::Expr) -> Option<(bool, Vec<LocalPart>)> {
    exporter_value_with(rust, expr, &|_| None)
}

/// The parts that rewrite a choice's arm this module does not read itself (an arm calling a
/// helper, `exporter_helper::fallible`); `None` when the arm is not one.
pub type ArmReader<'r> = dyn Fn(&syn::Expr) -> Option<Vec<LocalPart>> + 'r;

/// [`exporter_value`] with a reader of the arms this module does not know.
pub fn exporter_value_with(
    rust: ParsedRust<'_>,
    expr: &syn::Expr,
    other_arm: &ArmReader<'_>,
) -> Option<(bool, Vec<LocalPart>)> {
    let file = rust.file;
    let part = |(range, chain): (TextRange, ExporterConfig)| LocalPart {
        range,
        indent: crate::engine::source::deeper(file.indent_at(range.start), file.indent_unit()),
        edit: PartEdit::Chain(Box::new(chain)),
    };
    if let Some(chain) = exporter_chain(rust, expr) {
        return Some((false, vec![part(chain)]));
    }
    let mut arms = Vec::new();
    if !choice_arms(expr, &mut arms) {
        return None;
    }
    let mut parts = Vec::new();
    for arm in arms {
        match exporter_chain(rust, arm) {
            Some(chain) => parts.push(part(chain)),
            None if diverges(arm) => {}
            None => parts.extend(builder_in_arm(rust, expr, arm).or_else(|| other_arm(arm))?),
        }
    }
    (!parts.is_empty()).then_some((true, parts))
}

/// An arm `{ let mut builder = new_exporter()…; builder = if … { builder.with_x(..) } else {
/// builder }; …; builder.into() }` whose value `tail` is a builder kept in a local of its block,
/// extended by reassignments with options that keep their name on 0.27: the parts that make the
/// local the 0.27 builder (its reassignments stay as written) and the arm build it.
fn builder_in_arm(
    rust: ParsedRust<'_>,
    choice: &syn::Expr,
    tail: &syn::Expr,
) -> Option<Vec<LocalPart>> {
    let file = rust.file;
    let name = local_name(tail)?;
    let mut finder = BlockOfTail { tail, found: None };
    finder.visit_expr(choice);
    let stmts = &finder.found?.stmts;
    let k = stmts.len() - 1;
    let j = stmts[..k].iter().rposition(|s| binds(s, &name))?;
    let syn::Stmt::Local(local) = &stmts[j] else {
        return None;
    };
    let init = local.init.as_ref().filter(|i| i.diverge.is_none())?;
    if pat_ident(&local.pat).is_none() || count_ident(tail, &name) != 1 {
        return None;
    }
    let mut traits = Vec::new();
    for stmt in stmts[j + 1..k].iter().filter(|s| mentions_local(*s, &name)) {
        for method in self_extension(stmt, &name)? {
            traits.push(unchanged_option_trait(&method)?);
        }
    }
    let (range, chain) = exporter_chain(rust, &init.expr)?;
    let mut parts = vec![
        LocalPart {
            range,
            indent: crate::engine::source::deeper(file.indent_at(range.start), file.indent_unit()),
            edit: PartEdit::Builder(Box::new(chain), traits),
        },
        LocalPart {
            range: range_of(file, tail),
            indent: String::new(),
            edit: PartEdit::Build(name),
        },
    ];
    // A `: TonicExporterBuilder` annotation goes with the old type.
    if let syn::Pat::Type(t) = &local.pat {
        if !names_old_builder(rust.imports, &t.ty) {
            return None;
        }
        parts.push(LocalPart {
            range: TextRange::new(range_of(file, &*t.pat).end, range_of(file, &*t.ty).end),
            edit: PartEdit::Delete,
            indent: String::new(),
        });
    }
    Some(parts)
}

/// `name = <value>;` where every value the right side yields (through `if`/`match` arms) is
/// `name` with option links, and `name` occurs nowhere else: the methods of those links.
fn self_extension(stmt: &syn::Stmt, name: &str) -> Option<Vec<String>> {
    let syn::Stmt::Expr(syn::Expr::Assign(a), Some(_)) = stmt else {
        return None;
    };
    let syn::Expr::Path(lhs) = &*a.left else {
        return None;
    };
    let values = yielded_values(&a.right)?;
    if !lhs.path.is_ident(name) || values.is_empty() || count_ident(&*a.right, name) != values.len()
    {
        return None;
    }
    let mut methods = Vec::new();
    for value in values {
        let chain = Chain::read(value);
        if chain.root_local().as_deref() != Some(name) {
            return None;
        }
        methods.extend(chain.links.iter().map(|l| l.name.clone()));
    }
    Some(methods)
}

pub fn kept(
    name: &str,
    built: bool,
    parts: Vec<LocalPart>,
    traits: Vec<&'static str>,
) -> ExporterConfig {
    // The site only names the local: the transport is the local's business.
    ExporterConfig::kept(
        Transport::Grpc,
        KeptIn {
            name: name.to_string(),
            takes_moved_options: true,
            built,
            ready: false,
            parts,
            traits,
            widens: None,
            through: None,
        },
    )
}

/// The builder inside a conversion into the old enums (`MetricsExporterBuilder::from(b)`,
/// `SpanExporterBuilder::Tonic(b)`, `b.into()`), which 0.27 no longer has.
pub fn unwrap_old_enum<'e>(imports: &ImportMap, expr: &'e syn::Expr) -> Option<&'e syn::Expr> {
    match expr {
        syn::Expr::MethodCall(m) if m.method == "into" && m.args.is_empty() => Some(&*m.receiver),
        syn::Expr::Call(c) if c.args.len() == 1 && converts_to_old_builder(imports, &c.func) => {
            Some(&c.args[0])
        }
        _ => None,
    }
}

/// An old exporter chain, with a trailing `.into()` (into the old `SpanExporterBuilder` & co.)
/// that the new chain drops: the range it replaces and its model.
fn exporter_chain(rust: ParsedRust<'_>, expr: &syn::Expr) -> Option<(TextRange, ExporterConfig)> {
    let inner = unwrap_old_enum(rust.imports, expr).unwrap_or(expr);
    let cfg = ExporterConfig::parse(rust, inner)?;
    Some((range_of(rust.file, expr), cfg))
}

/// The values a `match` or `if`/`else` chooses between (a block's tail expression, through
/// nested choices); `false` when one arm has no value this reader can see.
fn choice_arms<'a>(expr: &'a syn::Expr, out: &mut Vec<&'a syn::Expr>) -> bool {
    match expr {
        syn::Expr::Match(m) => m.arms.iter().all(|a| value(&a.body, out)),
        syn::Expr::If(i) => {
            let Some((_, else_branch)) = &i.else_branch else {
                return false;
            };
            block_value(&i.then_branch, out) && value(else_branch, out)
        }
        _ => false,
    }
}

fn value<'a>(expr: &'a syn::Expr, out: &mut Vec<&'a syn::Expr>) -> bool {
    match expr {
        syn::Expr::Block(b) if b.label.is_none() => block_value(&b.block, out),
        syn::Expr::Match(_) | syn::Expr::If(_) => choice_arms(expr, out),
        e => {
            out.push(e);
            true
        }
    }
}

fn block_value<'a>(block: &'a syn::Block, out: &mut Vec<&'a syn::Expr>) -> bool {
    match block.stmts.last() {
        Some(syn::Stmt::Expr(e, None)) => value(e, out),
        _ => false,
    }
}

/// The values `expr` can yield through blocks' tails and `match`/`if` arms, arms that never
/// yield (`return …`, `panic!(..)`) left out; `None` when one has no value this reader sees.
pub fn yielded_values(expr: &syn::Expr) -> Option<Vec<&syn::Expr>> {
    let mut out = Vec::new();
    if !value(expr, &mut out) {
        return None;
    }
    out.retain(|e| !diverges(e));
    Some(out)
}

/// An arm that never yields a value (`panic!(..)`, `unreachable!()`, `return …`, anyhow's and
/// eyre's `bail!(..)`, which return an error).
fn diverges(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Return(_) => true,
        syn::Expr::Macro(m) => m.mac.path.segments.last().is_some_and(|last| {
            ["panic", "unreachable", "todo", "unimplemented", "bail"]
                .iter()
                .any(|n| last.ident == n)
        }),
        _ => false,
    }
}

/// `SpanExporterBuilder::from` (and its metrics and logs siblings), or a transport's variant of
/// those enums (`SpanExporterBuilder::Tonic(..)`, `::Http(..)`), which 0.27 no longer has.
fn converts_to_old_builder(imports: &ImportMap, func: &syn::Expr) -> bool {
    let syn::Expr::Path(p) = func else {
        return false;
    };
    let mut ty = p.path.clone();
    let Some(last) = ty.segments.pop().map(|s| s.into_value().ident) else {
        return false;
    };
    if let Some(s) = ty.segments.pop() {
        ty.segments.push(s.into_value());
    }
    let old_enum = || {
        OLD_BUILDER_ENUMS
            .iter()
            .any(|t| imports.is(&ty, &["opentelemetry_otlp", t]))
    };
    p.qself.is_none()
        && match last.to_string().as_str() {
            "from" => old_builder_path(imports, &ty),
            "Tonic" | "Http" => old_enum(),
            _ => false,
        }
}

pub fn old_builder_path(imports: &ImportMap, path: &syn::Path) -> bool {
    OLD_TRANSPORT_BUILDERS
        .iter()
        .chain(OLD_BUILDER_ENUMS)
        .any(|t| imports.is(path, &["opentelemetry_otlp", t]))
}

/// Whether `ty` is one of the old `opentelemetry_otlp` exporter builder types.
fn names_old_builder(imports: &ImportMap, ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else {
        return false;
    };
    p.qself.is_none() && old_builder_path(imports, &p.path)
}

/// The block whose tail expression is `tail`.
struct BlockOfTail<'a, 't> {
    tail: &'t syn::Expr,
    found: Option<&'a syn::Block>,
}

impl<'a> Visit<'a> for BlockOfTail<'a, '_> {
    fn visit_block(&mut self, b: &'a syn::Block) {
        if matches!(b.stmts.last(), Some(syn::Stmt::Expr(e, None)) if std::ptr::eq(e, self.tail)) {
            self.found = Some(b);
        }
        syn::visit::visit_block(self, b);
    }
}
