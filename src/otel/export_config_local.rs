//! `ExportConfig.endpoint` became `Option<String>` in opentelemetry-otlp 0.27 (it was `String`).
//! A literal handed straight to `.with_export_config(ExportConfig { endpoint: url, .. })` is
//! rewritten in place by the exporter model; this module finds the one kept in a local:
//! `let cfg = ExportConfig { endpoint, ..ExportConfig::default() };` then
//! `.with_export_config(cfg)` on one or several exporter chains (one per transport, say).
//!
//! Followed only where provable: the local is bound by a plain `let` (not `mut`, so no later
//! `cfg.endpoint = …`) in a block enclosing the site, to an `opentelemetry_otlp::ExportConfig`
//! literal, and every later mention of its name in that block is the argument of a
//! `.with_export_config(..)` (`cfg` or `cfg.clone()`). Every such site asks for the same edit of
//! the literal (identical edits are made once), so the field and all its uses change together.

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{range_of, ParsedRust};

use super::chain::{count_ident, Chain};
use super::local_binding::{binding_of, immutable_let_value};

/// The edit making a literal's `endpoint` optional: `endpoint: url` → `endpoint: Some(url)`,
/// the shorthand `endpoint` → `endpoint: Some(endpoint)`; `None` when it sets no endpoint.
pub fn optional_endpoint(file: &SourceFile, s: &syn::ExprStruct) -> Option<(TextRange, String)> {
    let field = s
        .fields
        .iter()
        .find(|f| matches!(&f.member, syn::Member::Named(n) if n == "endpoint"))?;
    let value = file.slice(range_of(file, &field.expr));
    Some(match field.colon_token {
        Some(_) => (range_of(file, &field.expr), format!("Some({value})")),
        None => (range_of(file, field), format!("endpoint: Some({value})")),
    })
}

/// For `.with_export_config(arg)` where `arg` names a local this module can follow: the edit of
/// the literal it is bound to (`Some(None)` when the literal sets no endpoint: nothing changes);
/// `None` when `arg` is anything else (the caller reports).
pub fn export_config_in_local(
    rust: ParsedRust<'_>,
    arg: &syn::Expr,
) -> Option<Option<(TextRange, String)>> {
    let name = config_local(arg)?;
    let (stmts, j, _) = binding_of(rust, &name, range_of(rust.file, arg).start)?;
    let value = immutable_let_value(&stmts[j])?;
    let syn::Expr::Struct(literal) = value else {
        return None;
    };
    if literal.qself.is_some()
        || !rust
            .imports
            .is(&literal.path, &["opentelemetry_otlp", "ExportConfig"])
    {
        return None;
    }
    let later = &stmts[j + 1..];
    let mut uses = ConfigUses {
        name: &name,
        found: 0,
    };
    for stmt in later {
        uses.visit_stmt(stmt);
    }
    let mentions: usize = later.iter().map(|s| count_ident(s, &name)).sum();
    if uses.found == 0 || uses.found != mentions {
        return None;
    }
    Some(optional_endpoint(rust.file, literal))
}

/// `cfg` or `cfg.clone()`: the local's name.
fn config_local(arg: &syn::Expr) -> Option<String> {
    let chain = Chain::read(arg);
    match chain.names().as_slice() {
        [] | ["clone"] => chain.root_local(),
        _ => None,
    }
}

/// Counts the `.with_export_config(name)` / `.with_export_config(name.clone())` calls.
struct ConfigUses<'n> {
    name: &'n str,
    found: usize,
}

impl<'a> Visit<'a> for ConfigUses<'_> {
    fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
        if m.method == "with_export_config" && m.args.len() == 1 {
            let arg = &m.args[0];
            if config_local(arg).is_some_and(|n| n == self.name) {
                self.found += 1;
            }
        }
        syn::visit::visit_expr_method_call(self, m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::syntax::with_parsed;

    /// The edit asked for at the `n`th `.with_export_config(..)` argument of `src`.
    fn edit_at(src: &str, n: usize) -> Option<Option<String>> {
        with_parsed(src, |rust| {
            struct Args<'a>(Vec<&'a syn::Expr>);
            impl<'a> Visit<'a> for Args<'a> {
                fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
                    if m.method == "with_export_config" {
                        self.0.push(&m.args[0]);
                    }
                    syn::visit::visit_expr_method_call(self, m);
                }
            }
            let mut args = Args(Vec::new());
            args.visit_file(rust.syntax);
            export_config_in_local(rust, args.0[n])
                .map(|e| e.map(|(r, t)| format!("{} -> {t}", rust.file.slice(r))))
        })
    }

    const TWO_SITES: &str = "use opentelemetry_otlp::ExportConfig;
fn f(endpoint: String, grpc: bool) {
    let cfg = ExportConfig { endpoint, ..ExportConfig::default() };
    if grpc { a(new_exporter().tonic().with_export_config(cfg.clone())) }
    else { a(new_exporter().http().with_export_config(cfg)) }
}
";

    #[test]
    fn a_local_used_only_by_with_export_config_is_followed_from_every_site() {
        for n in 0..2 {
            assert_eq!(
                edit_at(TWO_SITES, n),
                Some(Some("endpoint -> endpoint: Some(endpoint)".into()))
            );
        }
        let timeout_only = "use opentelemetry_otlp::ExportConfig;
fn f() { let c = ExportConfig { timeout: t, ..Default::default() }; a(x.with_export_config(c)); }";
        assert_eq!(edit_at(timeout_only, 0), Some(None));
    }

    #[test]
    fn other_uses_mutable_locals_and_lookalike_types_are_not_followed() {
        let read_elsewhere = TWO_SITES.replace("if grpc", "log(&cfg.endpoint); if grpc");
        let mutable = TWO_SITES.replace("let cfg", "let mut cfg");
        let own_type = TWO_SITES.replace("use opentelemetry_otlp::ExportConfig;", "");
        for src in [read_elsewhere, mutable, own_type] {
            assert_eq!(edit_at(&src, 0), None, "{src}");
        }
    }

    #[test]
    fn named_field_is_wrapped_in_place() {
        let src = "use opentelemetry_otlp::ExportConfig;
fn f(u: &str) { let c = ExportConfig { endpoint: u.to_string(), ..Default::default() }; a(x.with_export_config(c)); }";
        assert_eq!(
            edit_at(src, 0),
            Some(Some("u.to_string() -> Some(u.to_string())".into()))
        );
    }
}
