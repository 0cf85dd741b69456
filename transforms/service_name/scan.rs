//! What one Rust file says about service names: the sites and the values that reach them
//! (literals, constants, locals, `env!("CARGO_PKG_NAME")`, the `.replace('-', ".")` idiom,
//! struct fields, `format!`), the constants it defines, and (through [`super::defaults`]) the
//! config-struct defaults and test asserts it holds.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use syn::spanned::Spanned;
use syn::visit::Visit;

use super::defaults::{Assert, FieldDefault};
use crate::engine::context::PackageInfo;
use crate::engine::edit::TextRange;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, macro_fragments, range_of, ImportMap};

/// A value that reaches a service-name site, as far as the file shows.
#[derive(Debug, Clone)]
pub(super) enum Value {
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

/// A place whose value becomes the service name, and that value.
#[derive(Debug, Clone)]
pub(super) struct Site {
    pub(super) value: Value,
    pub(super) range: TextRange,
}

/// A `const`/`static` string.
#[derive(Debug, Clone)]
pub(super) struct ConstDef {
    /// Inline `mod` path inside the file.
    pub(super) module: Vec<String>,
    pub(super) name: String,
    /// The literal.
    pub(super) range: TextRange,
    pub(super) value: String,
}

/// Everything one file says about service names.
#[derive(Debug, Default)]
pub(super) struct FileScan {
    pub(super) sites: Vec<Site>,
    pub(super) consts: Vec<ConstDef>,
    /// Lines where each constant name is used as a value.
    pub(super) const_uses: BTreeMap<String, Vec<TextRange>>,
    /// String defaults of struct fields, and `fn`s that may be serde defaults.
    pub(super) defaults: Vec<FieldDefault>,
    pub(super) asserts: Vec<Assert>,
    /// Struct name → field names.
    pub(super) structs: BTreeMap<String, Vec<String>>,
    /// `mod x;` declarations (children of this file's module).
    pub(super) mod_decls: BTreeSet<String>,
}

pub(super) fn lit_str(e: &syn::Expr) -> Option<&syn::LitStr> {
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

pub(super) fn last_ident(path: &syn::Path) -> String {
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

/// Text every site needs: `KeyValue` with the key `"service.name"` or `SERVICE_NAME` (if only in
/// the `use` of an alias), `with_service_name`, `OTEL_SERVICE_NAME`, `env!("CARGO_PKG_NAME")`.
/// A file without it has no site; a package without it has nothing that flows into one.
pub(super) fn may_have_site(text: &str) -> bool {
    (text.contains("KeyValue") && (text.contains("service.name") || text.contains("SERVICE_NAME")))
        || ["with_service_name", "OTEL_SERVICE_NAME", "CARGO_PKG_NAME"]
            .iter()
            .any(|m| text.contains(m))
}

/// Walks one file, collecting its [`FileScan`].
pub(super) struct Scanner<'a> {
    file: &'a SourceFile,
    imports: &'a ImportMap,
    pub(super) out: FileScan,
    /// Let-bound locals of the current function: name → initializer.
    locals: Vec<HashMap<String, syn::Expr>>,
    /// Parameter and local types of the current function: name → struct name.
    types: Vec<HashMap<String, String>>,
    /// The `Self` type of the enclosing impl.
    pub(super) self_ty: Vec<String>,
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
    pub(super) fn scan(
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

    pub(super) fn range<T: Spanned + ?Sized>(&self, node: &T) -> TextRange {
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

    /// What `e` evaluates to, as far as the file shows.
    pub(super) fn value_of(&self, e: &syn::Expr) -> Value {
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
            self.record_serde_default(&strukt, &field, &f.attrs);
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
        self.record_assert(&name, &fragments.exprs);
        fragments.visit_with(self);
    }
}
