//! # service-name
//!
//! ## What it does
//! Renames the service names a service reports to the convention `llm.{component}[.{subcomponent}]`
//! (lowercase, dots between the parts, hyphens kept inside a part: `llm.edge-agent`,
//! `llm.edge-agent.proxy`, `llm.policy-engine.cel`). The component is `[service-name] component`
//! of `otel-migrate.toml`, else the repository directory's name; a crate's subcomponent is
//! `[service-name.crates]`, else the default rule: strip a leading `llm-`, then the component and
//! `-` (`edge-agent-`), else the component's first word and `-` (`edge-`); what is left is the
//! subcomponent, nothing left means the component itself (`llm-edge-proxy` → `proxy`,
//! `llm-policy-engine-cel` → `cel`, `llm-cost-ops` → none). `[service-name.rename]` maps exact
//! literals and wins over every rule.
//!
//! Sites: the value of `KeyValue::new("service.name", ..)` and of `KeyValue::new(SERVICE_NAME, ..)`
//! with the semantic-conventions constant (through imports and aliases), `.with_service_name(..)`
//! of Jaeger/Zipkin pipelines and of 0.28's `Resource::builder()` (recognised, never emitted),
//! the default of `env::var("OTEL_SERVICE_NAME").unwrap_or(..)`/`unwrap_or_else(..)`, a
//! `const`/`static` string that flows into a site (in the same file, or through a path such as
//! `telemetry::SERVICE_NAME` from another file of the package), locals bound in the same
//! function, `env!("CARGO_PKG_NAME")` (→ the name computed for the file's crate), the
//! `.replace('-', ".")` idiom (dropped: it turns `llm-edge-agent` into `llm.edge.agent`), and the
//! string default of a config-struct field (`Default` impl or `#[serde(default = "..")]`
//! function) when the field flows into a site in the same package — together with the tests of
//! the package that assert the old default (`assert_eq!(cfg.service_name, "llm-cost-ops")`).
//! Every rename is reported as a note `renamed service name `old` → `new``.
//!
//! Deployment files (`.env`, Dockerfiles, YAML, docker-compose) that set `OTEL_SERVICE_NAME`,
//! `service.name=` in `OTEL_RESOURCE_ATTRIBUTES`, or a `key: service.name` attribute are
//! reported as notes with the new name; they are never edited.
//!
//! ## Before
//! ```rust,ignore
//! pub const SERVICE_NAME: &str = "llm-edge-agent";
//! Resource::new(vec![KeyValue::new(SERVICE_NAME_KEY, SERVICE_NAME)])
//! KeyValue::new("service.name", env!("CARGO_PKG_NAME").replace('-', "."))
//! ```
//!
//! ## After
//! ```rust,ignore
//! pub const SERVICE_NAME: &str = "llm.edge-agent";
//! Resource::new(vec![KeyValue::new(SERVICE_NAME_KEY, SERVICE_NAME)])
//! KeyValue::new("service.name", "llm.edge-agent.proxy".to_string())
//! ```
//!
//! ## Not rewritten
//! - A name that is not certain (not configured, not the component, not a workspace crate in
//!   hyphenated, `llm-`-prefixed, half-dotted or dotted form): a warning lists the candidates and
//!   the `[service-name.rename]` line that settles it.
//! - Names built with `format!` that join parts with `-` (`format!("{name}-sandbox")`): a
//!   warning, unless the template itself is in `[service-name.rename]`.
//! - `.replace('-', ".")` on a value the tool cannot see (a parameter): a warning.
//! - A constant from another crate: a note.
//! - Look-alikes that are not service names: tracer and instrumentation-scope names, metric
//!   names, `EnvFilter` directives (`llm_edge_agent=debug`), Prometheus labels, database
//!   application names, cfg features, and a struct field named `service_name` that never reaches
//!   a site (e.g. telemetry received from others).
//! - Already-conforming names.
//!
//! ## Safety
//! Only string literals change (and `env!("CARGO_PKG_NAME")`, replaced by a literal; a dropped
//! `.replace('-', ".")` becomes `.to_string()` so the type stays `String`). A renamed constant
//! also changes its other uses in the file; the note lists their lines (a tracer name or a
//! Prometheus label that shows the new name). Dashboards keyed on the old name must follow: the
//! notes list every rename and every deployment file to update.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::engine::context::{PackageInfo, Project};
use crate::engine::edit::TextRange;
use crate::engine::finding::{RawFinding, Severity};
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, macro_fragments, range_of, ImportMap};
use crate::engine::transform::{FileContext, FileKind, Outcome, Transform};
use crate::otel::naming::{Mapping, Naming};

pub struct ServiceName;

impl Transform for ServiceName {
    fn id(&self) -> &'static str {
        "service-name"
    }

    fn description(&self) -> &'static str {
        "service names → `llm.{component}[.{subcomponent}]`, per crate, configurable, reported"
    }

    fn kind(&self) -> FileKind {
        FileKind::Rust
    }

    fn scans(&self, kind: FileKind) -> bool {
        matches!(kind, FileKind::Rust | FileKind::Deployment)
    }

    fn needles(&self) -> &'static [&'static str] {
        &["service", "SERVICE", "CARGO_PKG_NAME"]
    }

    fn applies_to(&self, package: Option<&PackageInfo>) -> bool {
        package.is_none_or(PackageInfo::uses_opentelemetry)
    }

    fn wants(
        &self,
        text: &str,
        kind: FileKind,
        package: Option<&PackageInfo>,
        project: &Project,
    ) -> bool {
        // Without a site of its own, a file can only hold a constant, a default or a test
        // that a site elsewhere in the package makes relevant.
        kind != FileKind::Rust
            || may_have_site(text)
            || package.is_some_and(|p| {
                package_facts(project, p, &Naming::of_project(project)).has_flows()
            })
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let naming = Naming::of_project(cx.project);
        match cx.kind() {
            FileKind::Rust => run_rust(cx, &naming),
            FileKind::Deployment => run_deployment(cx, &naming),
            FileKind::Manifest => Outcome::default(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What a file says about service names.

/// A value that reaches a service-name site, as far as the file shows.
#[derive(Debug, Clone)]
enum Value {
    Lit {
        range: TextRange,
        value: String,
    },
    /// A path to a constant (`SERVICE_NAME`, `telemetry::SERVICE_NAME`).
    Const {
        segments: Vec<String>,
    },
    /// `env!("CARGO_PKG_NAME")`.
    PkgName {
        range: TextRange,
    },
    /// `<receiver>.replace('-', ".")`; `suffix` covers `.replace(..)`.
    Replace {
        receiver: Box<Value>,
        suffix: TextRange,
    },
    /// `<base>.field`, with the base's struct when the file shows it.
    Field {
        strukt: Option<String>,
        field: String,
    },
    /// `format!("..")` with its template literal.
    Format {
        range: TextRange,
        template: String,
    },
    Unknown,
}

#[derive(Debug, Clone)]
struct Site {
    value: Value,
    range: TextRange,
}

#[derive(Debug, Clone)]
struct ConstDef {
    /// Inline `mod` path inside the file.
    module: Vec<String>,
    name: String,
    range: TextRange,
    value: String,
}

/// A string default of a struct field: in a `Default` impl or a `#[serde(default)]` function.
#[derive(Debug, Clone)]
struct FieldDefault {
    strukt: String,
    field: String,
    value: Value,
    /// Where the default is written.
    range: TextRange,
}

#[derive(Debug, Clone)]
struct Assert {
    strukt: Option<String>,
    field: String,
    range: TextRange,
    value: String,
}

#[derive(Debug, Default)]
struct FileScan {
    sites: Vec<Site>,
    consts: Vec<ConstDef>,
    /// Lines where each constant name is used as a value.
    const_uses: BTreeMap<String, Vec<TextRange>>,
    defaults: Vec<FieldDefault>,
    asserts: Vec<Assert>,
    /// Struct name → field names.
    structs: BTreeMap<String, Vec<String>>,
    /// `mod x;` declarations (children of this file's module).
    mod_decls: BTreeSet<String>,
}

fn lit_str(e: &syn::Expr) -> Option<&syn::LitStr> {
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s),
        syn::Expr::Paren(p) => lit_str(&p.expr),
        syn::Expr::Group(g) => lit_str(&g.expr),
        syn::Expr::Reference(r) => lit_str(&r.expr),
        _ => None,
    }
}

fn last_ident(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| ident_str(&s.ident))
        .unwrap_or_default()
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Reference(r) => type_name(&r.elem),
        syn::Type::Paren(p) => type_name(&p.elem),
        syn::Type::Path(p) if p.qself.is_none() => Some(last_ident(&p.path)),
        _ => None,
    }
}

struct Scanner<'a> {
    file: &'a SourceFile,
    imports: &'a ImportMap,
    out: FileScan,
    /// Let-bound locals of the current function: name → initializer.
    locals: Vec<HashMap<String, syn::Expr>>,
    /// Parameter and local types of the current function: name → struct name.
    types: Vec<HashMap<String, String>>,
    /// The `Self` type of the enclosing impl.
    self_ty: Vec<String>,
    /// Whether we are inside an `impl Default for ..`.
    in_default_impl: Vec<bool>,
    module: Vec<String>,
    depth: usize,
    /// What the package calls the OpenTelemetry crates (`otel` for
    /// `otel = { package = "opentelemetry" }`), besides their own names.
    aliases: Vec<String>,
}

/// The OpenTelemetry crates whose paths this transform recognises.
const OTEL_CRATES: &[&str] = &[
    "opentelemetry",
    "opentelemetry_sdk",
    "opentelemetry-semantic-conventions",
];

impl<'a> Scanner<'a> {
    fn scan(
        file: &'a SourceFile,
        syntax: &syn::File,
        imports: &'a ImportMap,
        package: Option<&PackageInfo>,
    ) -> FileScan {
        let aliases = package
            .map(|p| {
                OTEL_CRATES
                    .iter()
                    .filter_map(|c| p.code_name_of(c))
                    .filter(|n| !n.starts_with("opentelemetry"))
                    .collect()
            })
            .unwrap_or_default();
        let mut s = Scanner {
            aliases,
            file,
            imports,
            out: FileScan::default(),
            locals: vec![HashMap::new()],
            types: vec![HashMap::new()],
            self_ty: Vec::new(),
            in_default_impl: vec![false],
            module: Vec::new(),
            depth: 0,
        };
        s.visit_file(syntax);
        s.out
    }

    fn range<T: Spanned + ?Sized>(&self, node: &T) -> TextRange {
        range_of(self.file, node)
    }

    fn is_semconv_service_name(&self, path: &syn::Path) -> bool {
        let r = self.imports.resolve(path);
        r.len() >= 3
            && (r[0].starts_with("opentelemetry_semantic_conventions")
                || self.aliases.contains(&r[0]))
            && (r[r.len() - 2] == "resource" || r[r.len() - 2] == "attribute")
            && r[r.len() - 1] == "SERVICE_NAME"
    }

    fn is_service_name_key(&self, e: &syn::Expr) -> bool {
        if let Some(l) = lit_str(e) {
            return l.value() == "service.name";
        }
        match e {
            syn::Expr::Path(p) => {
                if self.is_semconv_service_name(&p.path) {
                    return true;
                }
                // A local `const KEY: &str = "service.name";`.
                p.path.segments.len() == 1 && {
                    let name = last_ident(&p.path);
                    self.out
                        .consts
                        .iter()
                        .any(|c| c.name == name && c.value == "service.name")
                }
            }
            syn::Expr::Paren(p) => self.is_service_name_key(&p.expr),
            _ => false,
        }
    }

    fn is_key_value_new(&self, path: &syn::Path) -> bool {
        let r = self.imports.resolve(path);
        let n = r.len();
        n >= 2
            && r[n - 1] == "new"
            && r[n - 2] == "KeyValue"
            && (r[0].starts_with("opentelemetry")
                || self.aliases.contains(&r[0])
                || (n == 2 && self.imports.imports_from("opentelemetry")))
    }

    /// `std::env::var(..)` (or `.ok()` of it), and the variable's name when it is a literal.
    fn env_var_call(&self, e: &syn::Expr) -> Option<Option<String>> {
        match e {
            syn::Expr::Call(c) => match &*c.func {
                syn::Expr::Path(p) if self.imports.is(&p.path, &["std", "env", "var"]) => {
                    Some(c.args.first().and_then(lit_str).map(|l| l.value()))
                }
                _ => None,
            },
            syn::Expr::MethodCall(m) if m.method == "ok" && m.args.is_empty() => {
                self.env_var_call(&m.receiver)
            }
            syn::Expr::Paren(p) => self.env_var_call(&p.expr),
            _ => None,
        }
    }

    fn closure_body(e: &syn::Expr) -> &syn::Expr {
        match e {
            syn::Expr::Closure(c) => Self::closure_body(&c.body),
            syn::Expr::Block(b) if b.block.stmts.len() == 1 => match &b.block.stmts[0] {
                syn::Stmt::Expr(inner, None) => inner,
                _ => e,
            },
            _ => e,
        }
    }

    fn local(&self, name: &str) -> Option<&syn::Expr> {
        self.locals.last().and_then(|l| l.get(name))
    }

    fn struct_of_base(&self, base: &syn::Expr) -> Option<String> {
        match base {
            syn::Expr::Path(p) if p.path.segments.len() == 1 => {
                let name = last_ident(&p.path);
                if name == "self" {
                    return self.self_ty.last().cloned();
                }
                if let Some(t) = self.types.last().and_then(|t| t.get(&name)) {
                    return Some(t.clone());
                }
                self.local(&name).and_then(|init| self.struct_of_init(init))
            }
            syn::Expr::Paren(p) => self.struct_of_base(&p.expr),
            syn::Expr::Reference(r) => self.struct_of_base(&r.expr),
            syn::Expr::MethodCall(m) if m.method == "clone" => self.struct_of_base(&m.receiver),
            other => self.struct_of_init(other),
        }
    }

    /// `S::from_env()`, `S::default()`, `S { .. }` → `S`.
    fn struct_of_init(&self, init: &syn::Expr) -> Option<String> {
        match init {
            syn::Expr::Call(c) => match &*c.func {
                syn::Expr::Path(p) if p.path.segments.len() == 2 => {
                    let ty = ident_str(&p.path.segments[0].ident);
                    if ty == "Self" {
                        return self.self_ty.last().cloned();
                    }
                    ty.chars()
                        .next()
                        .is_some_and(char::is_uppercase)
                        .then_some(ty)
                }
                _ => None,
            },
            syn::Expr::Struct(s) => Some(last_ident(&s.path)),
            syn::Expr::MethodCall(m)
                if matches!(m.method.to_string().as_str(), "unwrap" | "expect" | "clone") =>
            {
                self.struct_of_init(&m.receiver)
            }
            syn::Expr::Try(t) => self.struct_of_init(&t.expr),
            _ => None,
        }
    }

    fn value_of(&self, e: &syn::Expr) -> Value {
        if self.depth > 8 {
            return Value::Unknown;
        }
        if let Some(l) = lit_str(e) {
            return Value::Lit {
                range: self.range(l),
                value: l.value(),
            };
        }
        match e {
            syn::Expr::Paren(p) => self.value_of(&p.expr),
            syn::Expr::Group(g) => self.value_of(&g.expr),
            syn::Expr::Reference(r) => self.value_of(&r.expr),
            syn::Expr::Block(_) | syn::Expr::Closure(_) => {
                let inner = Self::closure_body(e);
                if std::ptr::eq(inner, e) {
                    Value::Unknown
                } else {
                    self.value_of(inner)
                }
            }
            syn::Expr::MethodCall(m) => {
                let method = ident_str(&m.method);
                match method.as_str() {
                    "clone" | "to_string" | "to_owned" | "into" | "as_str" | "as_ref"
                        if m.args.is_empty() =>
                    {
                        self.value_of(&m.receiver)
                    }
                    "replace" if m.args.len() == 2 && is_replace_idiom(&m.args[0], &m.args[1]) => {
                        let end = self.range(e).end;
                        Value::Replace {
                            receiver: Box::new(self.value_of(&m.receiver)),
                            suffix: TextRange::new(self.range(&m.dot_token).start, end),
                        }
                    }
                    "unwrap_or" | "unwrap_or_else" | "unwrap_or_default"
                        if m.args.len() == 1 && self.env_var_call(&m.receiver).is_some() =>
                    {
                        self.value_of(Self::closure_body(&m.args[0]))
                    }
                    _ => Value::Unknown,
                }
            }
            syn::Expr::Call(c) if c.args.len() == 1 => match &*c.func {
                syn::Expr::Path(p)
                    if matches!(
                        p.path
                            .segments
                            .iter()
                            .map(|s| ident_str(&s.ident))
                            .collect::<Vec<_>>()
                            .join("::")
                            .as_str(),
                        "String::from"
                            | "Cow::from"
                            | "Cow::Borrowed"
                            | "StringValue::from"
                            | "Value::from"
                            | "Into::into"
                    ) =>
                {
                    self.value_of(&c.args[0])
                }
                _ => Value::Unknown,
            },
            syn::Expr::Macro(m) => self.value_of_macro(&m.mac, self.range(e)),
            syn::Expr::Path(p) if p.qself.is_none() => {
                if p.path.segments.len() == 1 {
                    let name = last_ident(&p.path);
                    if let Some(init) = self.local(&name) {
                        let init = init.clone();
                        let mut deeper = Scanner {
                            file: self.file,
                            imports: self.imports,
                            out: FileScan::default(),
                            locals: self.locals.clone(),
                            types: self.types.clone(),
                            self_ty: self.self_ty.clone(),
                            in_default_impl: vec![false],
                            module: self.module.clone(),
                            depth: self.depth + 1,
                            aliases: self.aliases.clone(),
                        };
                        // The binding itself must not resolve to itself.
                        if let Some(l) = deeper.locals.last_mut() {
                            l.remove(&name);
                        }
                        deeper.out.consts = self.out.consts.clone();
                        return deeper.value_of(&init);
                    }
                }
                let segments: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| ident_str(&s.ident))
                    .collect();
                // A lone lowercase name is a variable or parameter the file does not show.
                if segments.len() == 1 && segments[0].chars().any(|c| c.is_lowercase()) {
                    return Value::Unknown;
                }
                Value::Const { segments }
            }
            syn::Expr::Field(f) => match &f.member {
                syn::Member::Named(name) => Value::Field {
                    strukt: self.struct_of_base(&f.base),
                    field: ident_str(name),
                },
                syn::Member::Unnamed(_) => Value::Unknown,
            },
            _ => Value::Unknown,
        }
    }

    fn value_of_macro(&self, mac: &syn::Macro, range: TextRange) -> Value {
        let name = last_ident(&mac.path);
        match name.as_str() {
            "env" => {
                let lit: Option<syn::LitStr> = syn::parse2(mac.tokens.clone()).ok();
                if lit.is_some_and(|l| l.value() == "CARGO_PKG_NAME") {
                    return Value::PkgName { range };
                }
                Value::Unknown
            }
            "format" => {
                let fragments = macro_fragments(mac);
                match fragments.exprs.first().and_then(lit_str) {
                    Some(l) => Value::Format {
                        range: self.range(l),
                        template: l.value(),
                    },
                    None => Value::Unknown,
                }
            }
            _ => Value::Unknown,
        }
    }

    fn site(&mut self, value_expr: &syn::Expr) {
        let value = self.value_of(value_expr);
        let range = self.range(value_expr);
        self.out.sites.push(Site { value, range });
    }

    /// Whether the receiver chain of `.with_service_name(..)` starts at a pipeline or resource
    /// builder (or at a local, in a file that uses one).
    fn is_service_name_builder(&self, mut recv: &syn::Expr) -> bool {
        const CRATES: &[&str] = &[
            "opentelemetry_jaeger",
            "opentelemetry_zipkin",
            "opentelemetry_datadog",
        ];
        loop {
            match recv {
                syn::Expr::MethodCall(m) => recv = &m.receiver,
                syn::Expr::Paren(p) => recv = &p.expr,
                syn::Expr::Call(c) => {
                    let syn::Expr::Path(p) = &*c.func else {
                        return false;
                    };
                    let r = self.imports.resolve(&p.path);
                    let n = r.len();
                    return CRATES.contains(&r[0].as_str())
                        || (n >= 2
                            && r[n - 2] == "Resource"
                            && matches!(r[n - 1].as_str(), "builder" | "builder_empty"));
                }
                syn::Expr::Path(_) => {
                    return CRATES.iter().any(|c| self.imports.imports_from(c))
                        || self
                            .imports
                            .local_name_of(&["opentelemetry_sdk", "Resource"])
                            .is_some();
                }
                _ => return false,
            }
        }
    }

    fn record_struct_fields(&mut self, s: &syn::ExprStruct) {
        let mut strukt = last_ident(&s.path);
        if strukt == "Self" {
            match self.self_ty.last() {
                Some(t) => strukt = t.clone(),
                None => return,
            }
        }
        for f in &s.fields {
            if let syn::Member::Named(name) = &f.member {
                let value = self.value_of(&f.expr);
                if matches!(value, Value::Lit { .. } | Value::Const { .. }) {
                    let range = self.range(&f.expr);
                    self.out.defaults.push(FieldDefault {
                        strukt: strukt.clone(),
                        field: ident_str(name),
                        value,
                        range,
                    });
                }
            }
        }
    }

    fn enter_fn(&mut self, sig: &syn::Signature) {
        let mut types = HashMap::new();
        for input in &sig.inputs {
            if let syn::FnArg::Typed(t) = input {
                if let (syn::Pat::Ident(id), Some(ty)) = (&*t.pat, type_name(&t.ty)) {
                    types.insert(ident_str(&id.ident), ty);
                }
            }
        }
        self.types.push(types);
        self.locals.push(HashMap::new());
    }

    fn leave_fn(&mut self) {
        self.types.pop();
        self.locals.pop();
    }

    /// A `fn` whose body ends in a string: a `#[serde(default = "..")]` candidate.
    fn record_default_fn(&mut self, name: &str, block: &syn::Block) {
        if let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last() {
            let value = self.value_of(tail);
            if matches!(value, Value::Lit { .. } | Value::Const { .. }) {
                // Matched against serde attributes once the whole file is scanned.
                let range = self.range(tail);
                self.out.defaults.push(FieldDefault {
                    strukt: format!("fn {name}"),
                    field: String::new(),
                    value,
                    range,
                });
            }
        }
    }
}

fn is_replace_idiom(from: &syn::Expr, to: &syn::Expr) -> bool {
    let from_dash = match from {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Char(c),
            ..
        }) => c.value() == '-',
        other => lit_str(other).is_some_and(|l| l.value() == "-"),
    };
    let to_dot = match to {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Char(c),
            ..
        }) => c.value() == '.',
        other => lit_str(other).is_some_and(|l| l.value() == "."),
    };
    from_dash && to_dot
}

impl<'ast> Visit<'ast> for Scanner<'_> {
    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        if let Some(l) = lit_str(&c.expr) {
            self.out.consts.push(ConstDef {
                module: self.module.clone(),
                name: ident_str(&c.ident),
                range: self.range(l),
                value: l.value(),
            });
        }
        syn::visit::visit_item_const(self, c);
    }

    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        if let Some(l) = lit_str(&s.expr) {
            self.out.consts.push(ConstDef {
                module: self.module.clone(),
                name: ident_str(&s.ident),
                range: self.range(l),
                value: l.value(),
            });
        }
        syn::visit::visit_item_static(self, s);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let name = ident_str(&m.ident);
        if m.content.is_none() {
            if self.module.is_empty() {
                self.out.mod_decls.insert(name);
            }
            return;
        }
        self.module.push(name);
        syn::visit::visit_item_mod(self, m);
        self.module.pop();
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        let strukt = ident_str(&s.ident);
        let mut fields = Vec::new();
        for f in &s.fields {
            let Some(id) = &f.ident else { continue };
            let field = ident_str(id);
            fields.push(field.clone());
            for attr in f.attrs.iter().filter(|a| a.path().is_ident("serde")) {
                let _ = attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("default") {
                        if let Ok(v) = meta.value() {
                            if let Ok(l) = v.parse::<syn::LitStr>() {
                                let fn_name =
                                    l.value().rsplit("::").next().unwrap_or("").to_string();
                                self.out.defaults.push(FieldDefault {
                                    strukt: strukt.clone(),
                                    field: field.clone(),
                                    value: Value::Const {
                                        segments: vec![format!("fn {fn_name}")],
                                    },
                                    range: TextRange::empty(0),
                                });
                            }
                        }
                    } else if meta.input.peek(syn::Token![=]) {
                        let _ = meta.value()?.parse::<syn::Expr>();
                    }
                    Ok(())
                });
            }
        }
        self.out.structs.insert(strukt, fields);
        syn::visit::visit_item_struct(self, s);
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let is_default = i
            .trait_
            .as_ref()
            .is_some_and(|(_, p, _)| last_ident(p) == "Default");
        self.self_ty.push(type_name(&i.self_ty).unwrap_or_default());
        self.in_default_impl.push(is_default);
        syn::visit::visit_item_impl(self, i);
        self.in_default_impl.pop();
        self.self_ty.pop();
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.enter_fn(&f.sig);
        syn::visit::visit_item_fn(self, f);
        self.record_default_fn(&ident_str(&f.sig.ident), &f.block);
        self.leave_fn();
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.enter_fn(&f.sig);
        syn::visit::visit_impl_item_fn(self, f);
        self.record_default_fn(&ident_str(&f.sig.ident), &f.block);
        self.leave_fn();
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        syn::visit::visit_local(self, local);
        let (pat, ty) = match &local.pat {
            syn::Pat::Type(t) => (&*t.pat, type_name(&t.ty)),
            p => (p, None),
        };
        if let (syn::Pat::Ident(id), Some(init)) = (pat, &local.init) {
            let name = ident_str(&id.ident);
            if let Some(l) = self.locals.last_mut() {
                l.insert(name.clone(), (*init.expr).clone());
            }
            if let (Some(ty), Some(t)) = (ty, self.types.last_mut()) {
                t.insert(name, ty);
            }
        }
    }

    fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
        if self.in_default_impl.last().copied().unwrap_or(false) {
            self.record_struct_fields(s);
        }
        syn::visit::visit_expr_struct(self, s);
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if p.path.segments.len() == 1 {
            let name = last_ident(&p.path);
            let range = self.range(p);
            self.out.const_uses.entry(name).or_default().push(range);
        }
        syn::visit::visit_expr_path(self, p);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*c.func {
            if c.args.len() == 2
                && self.is_key_value_new(&p.path)
                && self.is_service_name_key(&c.args[0])
            {
                self.site(&c.args[1]);
            }
        }
        syn::visit::visit_expr_call(self, c);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let method = ident_str(&m.method);
        match method.as_str() {
            "with_service_name"
                if m.args.len() == 1 && self.is_service_name_builder(&m.receiver) =>
            {
                self.site(&m.args[0]);
            }
            "unwrap_or" | "unwrap_or_else" if m.args.len() == 1 => {
                if let Some(Some(var)) = self.env_var_call(&m.receiver) {
                    if var == "OTEL_SERVICE_NAME" {
                        let e = syn::Expr::MethodCall(m.clone());
                        self.site(&e);
                    }
                }
            }
            "replace" if m.args.len() == 2 && is_replace_idiom(&m.args[0], &m.args[1]) => {
                // The report's recipe, wherever it is: `env!("CARGO_PKG_NAME").replace('-', ".")`.
                let e = syn::Expr::MethodCall(m.clone());
                if matches!(
                    self.value_of(&e),
                    Value::Replace { ref receiver, .. } if matches!(**receiver, Value::PkgName { .. })
                ) {
                    self.site(&e);
                }
            }
            _ => {}
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let fragments = macro_fragments(mac);
        let name = last_ident(&mac.path);
        if matches!(
            name.as_str(),
            "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" | "assert"
        ) {
            let mut args: Vec<&syn::Expr> = fragments.exprs.iter().take(2).collect();
            if name == "assert" {
                if let Some(syn::Expr::Binary(b)) = fragments.exprs.first() {
                    if matches!(b.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) {
                        args = vec![&b.left, &b.right];
                    }
                }
            }
            if args.len() == 2 {
                for (a, b) in [(args[0], args[1]), (args[1], args[0])] {
                    if let (Value::Field { strukt, field }, Some(l)) =
                        (self.value_of(a), lit_str(b))
                    {
                        self.out.asserts.push(Assert {
                            strukt,
                            field,
                            range: self.range(l),
                            value: l.value(),
                        });
                    }
                }
            }
        }
        fragments.visit_with(self);
    }
}

impl FileScan {
    /// Pairs `#[serde(default = "f")]` fields with the string `f` returns.
    fn field_defaults(&self) -> Vec<FieldDefault> {
        let fns: BTreeMap<&str, &FieldDefault> = self
            .defaults
            .iter()
            .filter_map(|d| d.strukt.strip_prefix("fn ").map(|n| (n, d)))
            .collect();
        self.defaults
            .iter()
            .filter(|d| !d.strukt.starts_with("fn "))
            .filter_map(|d| match &d.value {
                Value::Const { segments } if segments[0].starts_with("fn ") => {
                    let f = &segments[0][3..];
                    fns.get(f).map(|def| FieldDefault {
                        value: def.value.clone(),
                        range: def.range,
                        ..d.clone()
                    })
                }
                _ => Some(d.clone()),
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Package facts: what other files of the package say (which fields and constants flow into a
// site, which defaults are renamed). The engine runs per file; these are computed once per
// package and cached, keyed by the package manifest and checked against the files' contents.

#[derive(Debug, Default)]
struct PackageFacts {
    /// (struct, field) pairs whose value reaches a site.
    field_flows: BTreeSet<(String, String)>,
    /// Fields that reach a site through a base whose struct is unknown and matches no single
    /// struct of the package.
    unresolved_fields: BTreeSet<String>,
    /// Flowing (struct, field) pairs whose string default was found.
    defaults_seen: BTreeSet<(String, String)>,
    /// (module path, name) of constants defined in one file that reach a site in another.
    const_flows: BTreeMap<(Vec<String>, String), PathBuf>,
    /// Every top-level constant of the package: (module path, name).
    const_defs: BTreeSet<(Vec<String>, String)>,
    /// (struct, field) → (old default, new default) for defaults that were renamed.
    default_renames: BTreeMap<(String, String), Vec<(String, String)>>,
}

impl PackageFacts {
    /// Whether a constant or a struct field of the package reaches a site.
    fn has_flows(&self) -> bool {
        !self.const_flows.is_empty() || !self.field_flows.is_empty()
    }

    /// The renames of the default of `field`, of `strukt` when known, else of the only struct
    /// whose default of that field was renamed.
    fn renamed_default(&self, strukt: Option<&str>, field: &str) -> Option<&Vec<(String, String)>> {
        match strukt {
            Some(s) => self
                .default_renames
                .get(&(s.to_string(), field.to_string())),
            None => {
                let mut matching = self.default_renames.iter().filter(|((_, f), _)| f == field);
                match (matching.next(), matching.next()) {
                    (Some((_, pairs)), None) => Some(pairs),
                    _ => None,
                }
            }
        }
    }
}

struct CacheEntry {
    key: String,
    /// The files the facts were computed from: path, (length, mtime), content hash.
    files: Vec<(PathBuf, Option<Stamp>, u64)>,
    facts: Arc<PackageFacts>,
}

/// A file's length and modification time.
type Stamp = (u64, SystemTime);

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// Whether a file is as it was: same length and mtime (cheap), else the same content.
fn unchanged(path: &Path, old_stamp: Option<Stamp>, hash: u64) -> bool {
    (old_stamp.is_some() && stamp(path) == old_stamp)
        || std::fs::read_to_string(path).is_ok_and(|t| content_hash(&t) == hash)
}

type Cache = Mutex<HashMap<PathBuf, Arc<Mutex<Option<CacheEntry>>>>>;

fn content_hash(text: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// Whether a file can say anything about service names.
fn is_relevant(text: &str) -> bool {
    text.contains("service") || text.contains("SERVICE") || text.contains("CARGO_PKG_NAME")
}

/// Text every site needs: `KeyValue` with the key `"service.name"` or `SERVICE_NAME` (if only in
/// the `use` of an alias), `with_service_name`, `OTEL_SERVICE_NAME`, `env!("CARGO_PKG_NAME")`.
/// A file without it has no site; a package without it has nothing that flows into one.
fn may_have_site(text: &str) -> bool {
    (text.contains("KeyValue") && (text.contains("service.name") || text.contains("SERVICE_NAME")))
        || ["with_service_name", "OTEL_SERVICE_NAME", "CARGO_PKG_NAME"]
            .iter()
            .any(|m| text.contains(m))
}

fn package_facts(project: &Project, pkg: &PackageInfo, naming: &Naming) -> Arc<PackageFacts> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let slot = CACHE
        .get_or_init(Cache::default)
        .lock()
        .expect("service-name cache")
        .entry(pkg.manifest_path.clone())
        .or_default()
        .clone();
    let mut slot = slot.lock().expect("service-name cache entry");
    let key = format!("{naming:?}");
    if let Some(entry) = slot.as_ref() {
        let fresh = entry.key == key && entry.files.iter().all(|(p, s, h)| unchanged(p, *s, *h));
        if fresh {
            return entry.facts.clone();
        }
    }
    let mut files = Vec::new();
    for path in crate::engine::discover::walk(&pkg.dir, false).rust_files {
        if project
            .package_for(&path)
            .is_none_or(|p| p.manifest_path != pkg.manifest_path)
        {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(&path) {
            if is_relevant(&text) {
                files.push((path, text));
            }
        }
    }
    let facts = Arc::new(compute_facts(pkg, naming, &files));
    *slot = Some(CacheEntry {
        key,
        files: files
            .iter()
            .map(|(p, t)| (p.clone(), stamp(p), content_hash(t)))
            .collect(),
        facts: facts.clone(),
    });
    facts
}

/// The value a site takes from elsewhere in the package (under a dropped `.replace(..)`): a
/// struct field, or a constant not defined in the site's own file.
fn value_from_package<'a>(site: &'a Site, scan: &FileScan) -> Option<&'a Value> {
    let value = match &site.value {
        Value::Replace { receiver, .. } => receiver,
        v => v,
    };
    match value {
        Value::Field { .. } => Some(value),
        Value::Const { segments } => {
            let local = segments.len() == 1 && scan.consts.iter().any(|c| c.name == segments[0]);
            (!local).then_some(value)
        }
        _ => None,
    }
}

fn compute_facts(pkg: &PackageInfo, naming: &Naming, files: &[(PathBuf, String)]) -> PackageFacts {
    let mut facts = PackageFacts::default();
    let lib = pkg.name.replace('-', "_");
    let scan_file = |path: &PathBuf, text: &String| {
        let file = SourceFile::new(path, text.clone());
        let syntax = file.parse_rust().ok()?;
        let imports = ImportMap::of_file(&syntax);
        let scan = Scanner::scan(&file, &syntax, &imports, Some(pkg));
        Some((path.clone(), module_path(&pkg.dir, path), imports, scan))
    };
    // The files with sites first: the other files only matter (for constants, struct fields
    // and their defaults) when a site's value is a constant or a field, and parsing a big
    // package twice is the expensive part.
    let (with_sites, others): (Vec<_>, Vec<_>) = files.iter().partition(|(_, t)| may_have_site(t));
    let mut scans: Vec<_> = with_sites
        .into_iter()
        .filter_map(|(p, t)| scan_file(p, t))
        .collect();
    let follows_values = scans.iter().any(|(_, _, _, scan)| {
        scan.sites
            .iter()
            .any(|site| value_from_package(site, scan).is_some())
    });
    if follows_values {
        scans.extend(others.into_iter().filter_map(|(p, t)| scan_file(p, t)));
    }
    let structs: Vec<(&String, &Vec<String>)> = scans
        .iter()
        .flat_map(|(_, _, _, s)| s.structs.iter())
        .collect();
    for (path, module, imports, scan) in &scans {
        for c in &scan.consts {
            let mut m = module.clone();
            m.extend(c.module.iter().cloned());
            facts.const_defs.insert((m, c.name.clone()));
        }
        for value in scan
            .sites
            .iter()
            .filter_map(|s| value_from_package(s, scan))
        {
            match value {
                Value::Field { strukt, field } => {
                    let owner = strukt.clone().or_else(|| {
                        let owners: Vec<&String> = structs
                            .iter()
                            .filter(|(_, fs)| fs.contains(field))
                            .map(|(s, _)| *s)
                            .collect();
                        (owners.len() == 1).then(|| owners[0].clone())
                    });
                    match owner {
                        Some(s) => {
                            facts.field_flows.insert((s, field.clone()));
                        }
                        None => {
                            facts.unresolved_fields.insert(field.clone());
                        }
                    }
                }
                Value::Const { segments } => {
                    let resolved = imports.resolve_segments(segments);
                    if let Some(target) = absolutize(module, &resolved, &scan.mod_decls, &lib) {
                        facts.const_flows.insert(target, path.clone());
                    }
                }
                _ => {}
            }
        }
    }
    for (_, _, _, scan) in &scans {
        for d in scan.field_defaults() {
            if !facts
                .field_flows
                .contains(&(d.strukt.clone(), d.field.clone()))
            {
                continue;
            }
            facts
                .defaults_seen
                .insert((d.strukt.clone(), d.field.clone()));
            if let Value::Lit { value, .. } = &d.value {
                if let Mapping::Rename { to, .. } = naming.classify(value, Some(&pkg.name)) {
                    facts
                        .default_renames
                        .entry((d.strukt.clone(), d.field.clone()))
                        .or_default()
                        .push((value.clone(), to));
                }
            }
        }
    }
    facts
}

/// The module path of a file of the package: `src/lib.rs` → `[]`, `src/a/b.rs` → `[a, b]`;
/// other crate roots (`src/bin/x.rs`, `tests/x.rs`) get a `#`-marked first segment.
fn module_path(pkg_dir: &Path, path: &Path) -> Vec<String> {
    let rel = path.strip_prefix(pkg_dir).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let (root, rest): (Vec<String>, &[String]) = match parts.as_slice() {
        [src, bin, rest @ ..] if src == "src" && bin == "bin" && !rest.is_empty() => {
            let first = rest[0].trim_end_matches(".rs").to_string();
            (vec![format!("#bin:{first}")], &rest[1..])
        }
        [src, rest @ ..] if src == "src" => (Vec::new(), rest),
        [dir, rest @ ..] if !rest.is_empty() => {
            let first = rest[0].trim_end_matches(".rs").to_string();
            (vec![format!("#{dir}:{first}")], &rest[1..])
        }
        _ => (Vec::new(), &[][..]),
    };
    let mut out = root;
    for (i, p) in rest.iter().enumerate() {
        let last = i + 1 == rest.len();
        if last {
            let stem = p.trim_end_matches(".rs");
            if !(matches!(stem, "mod" | "main") || (stem == "lib" && out.is_empty() && i == 0)) {
                out.push(stem.to_string());
            }
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// The (module, name) a path used in module `module` refers to, when it stays in the crate.
fn absolutize(
    module: &[String],
    segments: &[String],
    mod_decls: &BTreeSet<String>,
    lib: &str,
) -> Option<(Vec<String>, String)> {
    let (name, path) = segments.split_last()?;
    // `llm_edge_proxy::names::X` from a binary or test of the package: the library's module.
    if path.first().is_some_and(|f| f == lib) {
        return Some((path[1..].to_vec(), name.clone()));
    }
    let root: Vec<String> = module
        .first()
        .filter(|m| m.starts_with('#'))
        .cloned()
        .into_iter()
        .collect();
    let mut out: Vec<String>;
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => {
            out = root;
            rest = &path[1..];
        }
        Some("self") | Some("super") => {
            out = module.to_vec();
            while let Some(first) = rest.first() {
                match first.as_str() {
                    "self" => rest = &rest[1..],
                    "super" => {
                        out.pop();
                        rest = &rest[1..];
                    }
                    _ => break,
                }
            }
        }
        Some(first) if module.len() == root.len() || mod_decls.contains(first) => {
            out = module.to_vec();
        }
        _ => return None,
    }
    out.extend(rest.iter().cloned());
    Some((out, name.clone()))
}

// ---------------------------------------------------------------------------------------------
// Rewriting one Rust file.

struct Rewriter<'a> {
    cx: &'a FileContext<'a>,
    naming: &'a Naming,
    krate: Option<&'a str>,
    edits: BTreeMap<(usize, usize), String>,
    findings: BTreeMap<(usize, usize, String), RawFinding>,
}

impl Rewriter<'_> {
    fn note(
        &mut self,
        range: TextRange,
        severity: Severity,
        message: String,
        suggestion: Option<String>,
    ) {
        let mut f = RawFinding::new(range, severity, message.clone());
        if let Some(s) = suggestion {
            f = f.with_suggestion(s);
        }
        self.findings.insert((range.start, range.end, message), f);
    }

    fn line_of(&self, range: TextRange) -> usize {
        self.cx.file.line_col(range.start).0
    }

    /// Renames the literal `value` at `range`; `what` says where it came from. Returns whether
    /// the value now follows the convention.
    fn literal(&mut self, range: TextRange, value: &str, what: &str) -> bool {
        match self.naming.classify(value, self.krate) {
            Mapping::Conforming => true,
            Mapping::Rename { to, reason } => {
                self.edits
                    .insert((range.start, range.end), format!("{to:?}"));
                self.note(
                    range,
                    Severity::Note,
                    format!("renamed service name `{value}` → `{to}` ({reason}){what}"),
                    None,
                );
                true
            }
            Mapping::Unknown { candidates } => {
                let list = candidates
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.note(
                    range,
                    Severity::Warning,
                    format!("service name `{value}` does not follow `{}.{{component}}[.{{subcomponent}}]` and is not in the map; not renamed", self.naming.prefix()),
                    Some(format!(
                        "candidates: {list}; to rename it, add to otel-migrate.toml: {}",
                        Naming::rename_config_line(value, &candidates[0])
                    )),
                );
                false
            }
        }
    }

    fn const_def(
        &mut self,
        def: &ConstDef,
        scan: &FileScan,
        site_lines: &[usize],
        elsewhere: Option<&Path>,
    ) -> bool {
        let mut others: Vec<usize> = scan
            .const_uses
            .get(&def.name)
            .map(|uses| uses.iter().map(|r| self.line_of(*r)).collect())
            .unwrap_or_default();
        others.retain(|l| !site_lines.contains(l));
        others.sort();
        others.dedup();
        let mut what = format!("; constant `{}`", def.name);
        if let Some(p) = elsewhere {
            let shown = self.cx.project.relative(p).display().to_string();
            what.push_str(&format!(", the service name set in {shown}"));
        }
        if !others.is_empty() {
            let lines = others
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            what.push_str(&format!(
                "; also used on line(s) {lines}, which now see the new name too"
            ));
        }
        self.literal(def.range, &def.value, &what)
    }

    /// Handles a value that reaches a site; returns whether it follows the convention after.
    fn value(
        &mut self,
        value: &Value,
        site: TextRange,
        scan: &FileScan,
        facts: &PackageFacts,
    ) -> bool {
        match value {
            Value::Lit { range, value } => self.literal(*range, value, ""),
            Value::Const { segments } => {
                if segments.len() == 1 {
                    let defs: Vec<&ConstDef> = scan
                        .consts
                        .iter()
                        .filter(|c| c.name == segments[0])
                        .collect();
                    if let [def] = defs.as_slice() {
                        let line = self.line_of(site);
                        let def = (*def).clone();
                        return self.const_def(&def, scan, &[line], None);
                    }
                }
                let resolved = self.cx.imports().resolve_segments(segments);
                let module = self
                    .cx
                    .package
                    .map(|p| module_path(&p.dir, self.cx.file.path()))
                    .unwrap_or_default();
                let lib = self.krate.unwrap_or_default().replace('-', "_");
                let inside = absolutize(&module, &resolved, &scan.mod_decls, &lib)
                    .is_some_and(|t| facts.const_defs.contains(&t));
                if !inside {
                    self.note(
                        site,
                        Severity::Note,
                        format!("the service name comes from `{}`, which this tool cannot follow; not renamed", segments.join("::")),
                        Some(format!("make sure its value follows the convention (this crate: `{}`)", self.own_name())),
                    );
                }
                inside
            }
            Value::PkgName { range } => {
                match self.krate {
                    Some(k) => {
                        let to = self.naming.name_of_crate(k);
                        self.edits
                            .insert((range.start, range.end), format!("{to:?}"));
                        self.note(
                        *range,
                        Severity::Note,
                        format!("renamed service name `env!(\"CARGO_PKG_NAME\")` (`{k}`) → `{to}` (the crate `{k}`)"),
                        None,
                    );
                        true
                    }
                    None => {
                        self.note(*range, Severity::Warning, "`env!(\"CARGO_PKG_NAME\")` used as a service name in a file of no package".to_string(), Some("replace it with a name that follows the convention".to_string()));
                        false
                    }
                }
            }
            Value::Replace { receiver, suffix } => {
                let fixed = match &**receiver {
                    Value::Field { strukt, field } => {
                        facts.renamed_default(strukt.as_deref(), field).is_some()
                    }
                    Value::Unknown => false,
                    other => self.value(other, site, scan, facts),
                };
                if fixed {
                    self.edits
                        .insert((suffix.start, suffix.end), ".to_string()".to_string());
                    self.note(*suffix, Severity::Note, "removed `.replace('-', \".\")`: it turns `llm-edge-agent` into `llm.edge.agent`, which breaks the convention".to_string(), None);
                } else {
                    self.note(*suffix, Severity::Warning, "`.replace('-', \".\")` on a service name turns `llm-edge-agent` into `llm.edge.agent`, which breaks the convention".to_string(), Some(format!("pass a name that already follows the convention (this crate: `{}`) and drop the `.replace`", self.own_name())));
                }
                fixed
            }
            Value::Format { range, template } => {
                if let Mapping::Rename { to, reason } = self.naming.classify(template, self.krate) {
                    if reason.contains("[service-name.rename]") {
                        self.edits
                            .insert((range.start, range.end), format!("{to:?}"));
                        self.note(
                            *range,
                            Severity::Note,
                            format!(
                                "renamed service name template `{template}` → `{to}` ({reason})"
                            ),
                            None,
                        );
                        return true;
                    }
                }
                if template.contains("}-") || template.contains("-{") {
                    let fixed = template.replace("}-", "}.").replace("-{", ".{");
                    self.note(
                        *range,
                        Severity::Warning,
                        format!("service name built with `format!(\"{template}\")` joins its parts with `-`: once the base name follows the convention this yields a name like `{}-..`", self.naming.component_name()),
                        Some(format!("join with `.` (`format!(\"{fixed}\")`) or use the crate's own name `{}`; to have this tool rewrite it, add to otel-migrate.toml: {}", self.own_name(), Naming::rename_config_line(template, &fixed))),
                    );
                    return false;
                }
                true
            }
            Value::Field { strukt, field } => {
                let seen = match strukt {
                    Some(s) => facts.defaults_seen.contains(&(s.clone(), field.clone())),
                    None => {
                        !facts.unresolved_fields.contains(field)
                            && facts.defaults_seen.iter().any(|(_, f)| f == field)
                    }
                };
                if !seen {
                    let owner = strukt
                        .as_ref()
                        .map(|s| format!("`{s}`"))
                        .unwrap_or_else(|| "a struct this tool cannot tell".to_string());
                    self.note(
                        site,
                        Severity::Note,
                        format!("the service name comes from field `{field}` of {owner}, whose default this tool did not find; not renamed"),
                        Some(format!("make sure the value it is given follows the convention (this crate: `{}`)", self.own_name())),
                    );
                }
                seen
            }
            Value::Unknown => true,
        }
    }

    fn own_name(&self) -> String {
        self.krate
            .map(|k| self.naming.name_of_crate(k))
            .unwrap_or_else(|| self.naming.component_name())
    }
}

fn run_rust(cx: &FileContext<'_>, naming: &Naming) -> Outcome {
    let scan = Scanner::scan(cx.file, cx.syntax(), cx.imports(), cx.package);
    let facts = match cx.package {
        Some(pkg) => package_facts(cx.project, pkg, naming),
        None => Arc::new(PackageFacts::default()),
    };
    let mut rw = Rewriter {
        cx,
        naming,
        krate: cx.package.map(|p| p.name.as_str()),
        edits: BTreeMap::new(),
        findings: BTreeMap::new(),
    };
    // A constant used at several sites is one edit with the site lines listed.
    let mut const_sites: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for site in &scan.sites {
        if let Value::Const { segments } = &site.value {
            if segments.len() == 1
                && scan.consts.iter().filter(|c| c.name == segments[0]).count() == 1
            {
                const_sites
                    .entry(segments[0].clone())
                    .or_default()
                    .push(rw.line_of(site.range));
                continue;
            }
        }
        rw.value(&site.value, site.range, &scan, &facts);
    }
    for (name, lines) in &const_sites {
        let def = scan.consts.iter().find(|c| &c.name == name).cloned();
        if let Some(def) = def {
            rw.const_def(&def, &scan, lines, None);
        }
    }
    // Constants of this file that reach a site in another file of the package.
    if let Some(pkg) = cx.package {
        let module = module_path(&pkg.dir, cx.file.path());
        for def in &scan.consts {
            let mut m = module.clone();
            m.extend(def.module.iter().cloned());
            if let Some(from) = facts.const_flows.get(&(m, def.name.clone())) {
                if from != cx.file.path() && !const_sites.contains_key(&def.name) {
                    rw.const_def(&def.clone(), &scan, &[], Some(from));
                }
            }
        }
    }
    // Config-struct defaults whose field reaches a site.
    for d in scan.field_defaults() {
        if facts
            .field_flows
            .contains(&(d.strukt.clone(), d.field.clone()))
        {
            let what = format!(
                "; default of `{}::{}`, which becomes the service name",
                d.strukt, d.field
            );
            match &d.value {
                Value::Lit { range, value } => {
                    rw.literal(*range, value, &what);
                }
                other => {
                    rw.value(other, d.range, &scan, &facts);
                }
            }
        }
    }
    // Tests asserting a renamed default.
    for a in &scan.asserts {
        if let Some(pairs) = facts.renamed_default(a.strukt.as_deref(), &a.field) {
            if let Some((_, to)) = pairs.iter().find(|(old, _)| *old == a.value) {
                rw.edits
                    .insert((a.range.start, a.range.end), format!("{to:?}"));
                rw.note(
                    a.range,
                    Severity::Note,
                    format!("renamed service name `{}` → `{to}` in a test asserting the default of `{}`", a.value, a.field),
                    None,
                );
            }
        }
    }
    let mut out = Outcome::default();
    for ((start, end), text) in rw.edits {
        out.replace(TextRange::new(start, end), text);
    }
    out.findings.extend(rw.findings.into_values());
    out
}

// ---------------------------------------------------------------------------------------------
// Deployment files: reported, never edited.

/// The service names a deployment file sets: (byte range of the value, value).
fn deployment_names(text: &str) -> Vec<(TextRange, String)> {
    let mut out = Vec::new();
    let mut offset = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut starts = Vec::new();
    for l in &lines {
        starts.push(offset);
        offset += l.len();
    }
    // The value after `key` on a line: `KEY=v`, `KEY: v`, `ENV KEY v`, quotes stripped.
    let value_at = |line: &str, from: usize| -> Option<(usize, String)> {
        let rest = &line[from..];
        let trimmed = rest.trim_start_matches(['"', '\'']);
        let trimmed = trimmed.trim_start_matches([' ', '\t']);
        let trimmed = trimmed
            .strip_prefix('=')
            .or_else(|| trimmed.strip_prefix(':'))
            .unwrap_or(trimmed);
        let trimmed = trimmed.trim_start_matches([' ', '\t', '"', '\'']);
        let start = line.len() - trimmed.len();
        let value: String = trimmed
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | ',' | '#' | ';'))
            .collect();
        (!value.is_empty()).then_some((start, value))
    };
    let next_value = |i: usize| -> Option<(usize, usize, String)> {
        for (j, l) in lines.iter().enumerate().skip(i + 1).take(3) {
            let t = l.trim_start().trim_start_matches("- ");
            if let Some(rest) = t.strip_prefix("value:") {
                let from = l.len() - rest.len();
                return value_at(l, from).map(|(s, v)| (j, s, v));
            }
        }
        None
    };
    for (i, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        let mut found: Vec<(usize, usize, String)> = Vec::new();
        if let Some(k) = line.find("OTEL_SERVICE_NAME") {
            match value_at(line, k + "OTEL_SERVICE_NAME".len()) {
                Some((s, v)) => found.push((i, s, v)),
                None => found.extend(next_value(i)),
            }
        }
        for (k, _) in line.match_indices("service.name=") {
            if let Some((s, v)) = value_at(line, k + "service.name".len()) {
                found.push((i, s, v));
            }
        }
        let t = line.trim_start().trim_start_matches("- ");
        if t.starts_with("key:")
            && t["key:".len()..].trim().trim_matches(['"', '\'']) == "service.name"
        {
            found.extend(next_value(i));
        }
        for (j, s, v) in found {
            // `${SERVICE}`, `{{ .Values.name }}`: set elsewhere.
            if v.contains('$') || v.contains('{') {
                continue;
            }
            let start = starts[j] + s;
            out.push((TextRange::new(start, start + v.len()), v));
        }
    }
    out
}

fn run_deployment(cx: &FileContext<'_>, naming: &Naming) -> Outcome {
    let mut out = Outcome::default();
    let krate = cx.package.map(|p| p.name.as_str());
    for (range, value) in deployment_names(&cx.file.text) {
        match naming.classify(&value, krate) {
            Mapping::Conforming => {}
            Mapping::Rename { to, reason } => out.finding(
                range,
                Severity::Note,
                format!("deployment file sets service name `{value}`; the convention names it `{to}` ({reason})"),
                format!("change it to `{to}` together with the code (deployment files are reported, not edited), or dashboards and alerts keyed on the name split"),
            ),
            Mapping::Unknown { candidates } => out.finding(
                range,
                Severity::Note,
                format!("deployment file sets service name `{value}`, which does not follow `{}.{{component}}[.{{subcomponent}}]` and is not in the map", naming.prefix()),
                format!(
                    "candidates: {}; update it by hand (deployment files are reported, not edited)",
                    candidates.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                ),
            ),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_follow_the_file_layout() {
        let dir = Path::new("/p");
        assert_eq!(
            module_path(dir, Path::new("/p/src/lib.rs")),
            Vec::<String>::new()
        );
        assert_eq!(
            module_path(dir, Path::new("/p/src/main.rs")),
            Vec::<String>::new()
        );
        assert_eq!(
            module_path(dir, Path::new("/p/src/telemetry.rs")),
            vec!["telemetry"]
        );
        assert_eq!(module_path(dir, Path::new("/p/src/a/mod.rs")), vec!["a"]);
        assert_eq!(module_path(dir, Path::new("/p/src/a/b.rs")), vec!["a", "b"]);
        assert_eq!(
            module_path(dir, Path::new("/p/src/bin/replay.rs")),
            vec!["#bin:replay"]
        );
    }

    #[test]
    fn paths_resolve_within_the_crate_only() {
        let decls: BTreeSet<String> = ["telemetry".to_string()].into();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            absolutize(&[], &s(&["telemetry", "SERVICE_NAME"]), &decls, "lib"),
            Some((s(&["telemetry"]), "SERVICE_NAME".to_string()))
        );
        assert_eq!(
            absolutize(
                &s(&["a"]),
                &s(&["crate", "telemetry", "X"]),
                &BTreeSet::new(),
                "lib"
            ),
            Some((s(&["telemetry"]), "X".to_string()))
        );
        assert_eq!(
            absolutize(
                &s(&["a", "b"]),
                &s(&["super", "X"]),
                &BTreeSet::new(),
                "lib"
            ),
            Some((s(&["a"]), "X".to_string()))
        );
        assert_eq!(
            absolutize(
                &s(&["a"]),
                &s(&["other_crate", "X"]),
                &BTreeSet::new(),
                "lib"
            ),
            None
        );
        assert_eq!(
            absolutize(
                &s(&["#bin:replay"]),
                &s(&["lib", "names", "X"]),
                &BTreeSet::new(),
                "lib"
            ),
            Some((s(&["names"]), "X".to_string()))
        );
    }

    #[test]
    fn deployment_values_are_found_in_every_syntax() {
        let text = "OTEL_SERVICE_NAME=llm-edge-agent\nENV OTEL_SERVICE_NAME llm-edge-proxy\n  OTEL_SERVICE_NAME: \"edge-agent\"\n- name: OTEL_SERVICE_NAME\n  value: llm-edge-cache\nOTEL_RESOURCE_ATTRIBUTES=deployment.environment=prod,service.name=llm-x\n# OTEL_SERVICE_NAME=commented\nOTEL_SERVICE_NAME=${NAME}\n";
        let found: Vec<String> = deployment_names(text)
            .into_iter()
            .map(|(r, v)| {
                assert_eq!(&text[r.start..r.end], v);
                v
            })
            .collect();
        assert_eq!(
            found,
            vec![
                "llm-edge-agent",
                "llm-edge-proxy",
                "edge-agent",
                "llm-edge-cache",
                "llm-x"
            ]
        );
    }
}
