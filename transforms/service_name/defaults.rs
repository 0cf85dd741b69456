//! Config-struct defaults that become service names, and the tests that assert them: how the
//! scanner records a string default (`impl Default` bodies, `#[serde(default = "f")]`
//! functions) and an assert on a field, and how a file's defaults and asserts are renamed
//! once the package facts say the field reaches a site.

use std::collections::BTreeMap;

use super::facts::PackageFacts;
use super::rewrite::Rewriter;
use super::scan::{last_ident, lit_str, FileScan, Scanner, Value};
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::syntax::ident_str;

/// The field an export config names its service by.
pub(super) const SERVICE_NAME_FIELD: &str = "service_name";

/// Whether `strukt` (with `fields`) configures OpenTelemetry/OTLP export, so that its
/// `service_name` default is the name the service will report even before any site uses it (a
/// tracing-only package prepared for OpenTelemetry): a type named `Otlp*`, `Telemetry*` or
/// `Otel*Config`, or one with an endpoint field beside the name. A data-model struct with a
/// `service_name` column has neither.
pub(super) fn is_export_config(strukt: &str, fields: &[String]) -> bool {
    let name = strukt.to_ascii_lowercase();
    name.starts_with("otlp")
        || name.starts_with("telemetry")
        || (name.starts_with("otel") && name.ends_with("config"))
        || fields.iter().any(|f| is_endpoint_field(f))
}

/// `endpoint`, `otlp_endpoint`, `collector_url`, `metrics_addr`, `exporter`, ….
fn is_endpoint_field(field: &str) -> bool {
    let field = field.to_ascii_lowercase();
    ["endpoint", "collector", "otlp", "exporter"]
        .iter()
        .any(|w| field.contains(w))
        || ["url", "uri", "addr", "address"]
            .iter()
            .any(|w| field == *w || field.ends_with(&format!("_{w}")))
}

/// A string default of a struct field: in a `Default` impl or a `#[serde(default)]` function.
#[derive(Debug, Clone)]
pub(super) struct FieldDefault {
    /// The struct, or `fn name` for a function that may be a `#[serde(default)]`.
    pub(super) strukt: String,
    pub(super) field: String,
    pub(super) value: Value,
    /// Where the default is written.
    pub(super) range: TextRange,
}

/// A test comparing a struct field to a string literal (`assert_eq!(cfg.service_name, "x")`).
#[derive(Debug, Clone)]
pub(super) struct Assert {
    pub(super) strukt: Option<String>,
    pub(super) field: String,
    /// The literal.
    pub(super) range: TextRange,
    pub(super) value: String,
}

impl Scanner<'_> {
    /// The fields of a struct literal in an `impl Default`: the defaults of those fields.
    pub(super) fn record_struct_fields(&mut self, s: &syn::ExprStruct) {
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

    /// A `fn` whose body ends in a string: a `#[serde(default = "..")]` candidate.
    pub(super) fn record_default_fn(&mut self, name: &str, block: &syn::Block) {
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

    /// `#[serde(default = "f")]` on `strukt.field`: the default is what `f` returns, paired up
    /// by [`FileScan::field_defaults`] once the whole file is scanned.
    pub(super) fn record_serde_default(
        &mut self,
        strukt: &str,
        field: &str,
        attrs: &[syn::Attribute],
    ) {
        for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("default") {
                    if let Ok(v) = meta.value() {
                        if let Ok(l) = v.parse::<syn::LitStr>() {
                            let fn_name = l.value().rsplit("::").next().unwrap_or("").to_string();
                            self.out.defaults.push(FieldDefault {
                                strukt: strukt.to_string(),
                                field: field.to_string(),
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

    /// `assert_eq!(x.field, "lit")` (either order; `assert_ne!`, `assert!(a == b)` too).
    pub(super) fn record_assert(&mut self, name: &str, exprs: &[syn::Expr]) {
        if matches!(
            name,
            "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" | "assert"
        ) {
            let mut args: Vec<&syn::Expr> = exprs.iter().take(2).collect();
            if name == "assert" {
                if let Some(syn::Expr::Binary(b)) = exprs.first() {
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
    }
}

impl FileScan {
    /// Pairs `#[serde(default = "f")]` fields with the string `f` returns.
    pub(super) fn field_defaults(&self) -> Vec<FieldDefault> {
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

/// Renames the defaults of this file's config-struct fields that reach a site.
pub(super) fn rewrite_defaults(rw: &mut Rewriter<'_>, scan: &FileScan, facts: &PackageFacts) {
    for d in scan.field_defaults() {
        if facts.names_service(&d.strukt, &d.field) {
            let what = format!(
                "; default of `{}::{}`, {}",
                d.strukt,
                d.field,
                if facts
                    .field_flows
                    .contains(&(d.strukt.clone(), d.field.clone()))
                {
                    "which becomes the service name"
                } else {
                    "the name an OpenTelemetry export config (by its type's name or an endpoint beside the field) reports"
                }
            );
            match &d.value {
                Value::Lit { range, value } => {
                    rw.literal(*range, value, &what);
                }
                other => {
                    rw.value(other, d.range, scan, facts);
                }
            }
        }
    }
}

/// Renames the old default where a test of this file asserts it.
pub(super) fn rewrite_asserts(rw: &mut Rewriter<'_>, scan: &FileScan, facts: &PackageFacts) {
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
}
