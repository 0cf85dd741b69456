//! Edits the checks cannot have compiled: kept edits inside an item, statement or arm under a
//! `#[cfg(…)]` that no checked configuration enables. The configurations are the host's
//! (`rustc --print cfg`) with `--all-targets` (so `test` and `debug_assertions` hold) and each
//! feature on in one and off in another (`--all-features`, `--no-default-features`), so only a
//! predicate false on this host whatever the features is unverified: `target_os = "windows"`
//! on Linux, `target_arch = "wasm32"`, a custom `--cfg`.

use std::collections::BTreeSet;
use std::process::Command;

use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{Attribute, Meta, Token};

use crate::engine::edit::TextRange;
use crate::engine::pipeline::FileResult;
use crate::engine::source::SourceFile;
use crate::engine::syntax::range_of;
use crate::engine::verify_report::UnverifiedSite;

/// The host's cfg: `unix`, `("target_os", "linux")`, … (empty when rustc cannot be asked:
/// then every platform predicate counts as unverified, which errs on the side of saying so).
pub fn host_cfg() -> BTreeSet<(String, Option<String>)> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let Ok(out) = Command::new(rustc).args(["--print", "cfg"]).output() else {
        return BTreeSet::new();
    };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| match l.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.trim_matches('"').to_string())),
            None => (l.to_string(), None),
        })
        .collect()
}

/// The kept edits of `file` that sit under a cfg no checked configuration enables.
pub fn sites(file: &FileResult, host: &BTreeSet<(String, Option<String>)>) -> Vec<UnverifiedSite> {
    if file.path.extension().is_none_or(|e| e != "rs") || !file.changed() {
        return Vec::new();
    }
    let source = SourceFile::new(&file.path, file.original.clone());
    let Ok(syntax) = syn::parse_file(&source.text) else {
        return Vec::new();
    };
    let mut finder = Gated {
        source: &source,
        host,
        gated: Vec::new(),
    };
    finder.visit_file(&syntax);
    let mut out: Vec<UnverifiedSite> = Vec::new();
    for edit in &file.edit_ranges {
        // The innermost gate around the edit names the cfg.
        let gate = finder
            .gated
            .iter()
            .filter(|(r, _)| r.start <= edit.start && edit.end <= r.end)
            .min_by_key(|(r, _)| r.end - r.start);
        if let Some((_, cfg)) = gate {
            let line = source.line_col(edit.start).0;
            let site = UnverifiedSite {
                path: crate::engine::report::display_path(&file.path),
                line,
                cfg: cfg.clone(),
            };
            if !out.contains(&site) {
                out.push(site);
            }
        }
    }
    out
}

/// Collects the ranges of nodes whose cfg no checked configuration enables.
struct Gated<'a> {
    source: &'a SourceFile,
    host: &'a BTreeSet<(String, Option<String>)>,
    gated: Vec<(TextRange, String)>,
}

impl Gated<'_> {
    fn note<T: syn::spanned::Spanned>(&mut self, attrs: &[Attribute], node: &T) {
        for attr in attrs.iter().filter(|a| a.path().is_ident("cfg")) {
            let Ok(meta) = attr.parse_args::<Meta>() else {
                continue;
            };
            if eval(&meta, self.host) == Some(false) {
                let tokens = attr
                    .meta
                    .require_list()
                    .map(|l| l.tokens.to_string())
                    .unwrap_or_default();
                self.gated
                    .push((range_of(self.source, node), format!("cfg({tokens})")));
            }
        }
    }
}

impl<'ast> Visit<'ast> for Gated<'_> {
    fn visit_item(&mut self, node: &'ast syn::Item) {
        let attrs: &[Attribute] = match node {
            syn::Item::Const(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Static(i) => &i.attrs,
            syn::Item::Struct(i) => &i.attrs,
            syn::Item::Trait(i) => &i.attrs,
            syn::Item::Use(i) => &i.attrs,
            syn::Item::Macro(i) => &i.attrs,
            _ => &[],
        };
        self.note(attrs, node);
        syn::visit::visit_item(self, node);
    }

    fn visit_impl_item(&mut self, node: &'ast syn::ImplItem) {
        if let syn::ImplItem::Fn(f) = node {
            self.note(&f.attrs, node);
        }
        syn::visit::visit_impl_item(self, node);
    }

    fn visit_local(&mut self, node: &'ast syn::Local) {
        self.note(&node.attrs, node);
        syn::visit::visit_local(self, node);
    }

    fn visit_expr(&mut self, node: &'ast syn::Expr) {
        if let syn::Expr::Block(b) = node {
            self.note(&b.attrs, node);
        }
        syn::visit::visit_expr(self, node);
    }

    fn visit_arm(&mut self, node: &'ast syn::Arm) {
        self.note(&node.attrs, node);
        syn::visit::visit_arm(self, node);
    }
}

/// Whether some checked configuration enables `meta`: `Some(true)` always, `Some(false)`
/// never, `None` in some (a feature, on in one configuration and off in another).
fn eval(meta: &Meta, host: &BTreeSet<(String, Option<String>)>) -> Option<bool> {
    match meta {
        Meta::Path(p) => {
            let name = p.get_ident()?.to_string();
            if name == "test" || name == "debug_assertions" {
                return Some(true);
            }
            Some(host.contains(&(name, None)))
        }
        Meta::NameValue(nv) => {
            let key = nv.path.get_ident()?.to_string();
            if key == "feature" {
                return None;
            }
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(value),
                ..
            }) = &nv.value
            else {
                return None;
            };
            Some(host.contains(&(key, Some(value.value()))))
        }
        Meta::List(list) => {
            let name = list.path.get_ident()?.to_string();
            let nested = list
                .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                .ok()?;
            let values: Vec<Option<bool>> = nested.iter().map(|m| eval(m, host)).collect();
            match name.as_str() {
                "not" => values.first().copied().flatten().map(|v| !v),
                "all" if values.contains(&Some(false)) => Some(false),
                "all" if values.iter().all(|v| *v == Some(true)) => Some(true),
                "any" if values.contains(&Some(true)) => Some(true),
                "any" if values.iter().all(|v| *v == Some(false)) => Some(false),
                "all" | "any" => None,
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn linux() -> BTreeSet<(String, Option<String>)> {
        BTreeSet::from([
            ("unix".to_string(), None),
            ("target_os".to_string(), Some("linux".to_string())),
        ])
    }

    fn meta(text: &str) -> Meta {
        syn::parse_str(text).unwrap()
    }

    #[test]
    fn predicates_are_judged_against_the_host_and_features_are_open() {
        let host = linux();
        assert_eq!(eval(&meta("unix"), &host), Some(true));
        assert_eq!(eval(&meta("windows"), &host), Some(false));
        assert_eq!(eval(&meta("target_os = \"windows\""), &host), Some(false));
        assert_eq!(eval(&meta("feature = \"x\""), &host), None);
        assert_eq!(
            eval(&meta("all(feature = \"x\", windows)"), &host),
            Some(false)
        );
        assert_eq!(eval(&meta("any(feature = \"x\", windows)"), &host), None);
        assert_eq!(eval(&meta("not(windows)"), &host), Some(true));
        assert_eq!(eval(&meta("test"), &host), Some(true));
    }

    #[test]
    fn an_edit_under_a_cfg_no_check_enables_is_listed_with_its_cfg() {
        let original = "pub fn a() -> u32 { 1 }\n\n#[cfg(target_os = \"windows\")]\nmod win {\n    pub fn b() -> u32 { 1 }\n}\n\n#[cfg(feature = \"x\")]\npub fn c() -> u32 { 1 }\n";
        let at = |needle: &str, nth: usize| original.match_indices(needle).nth(nth).unwrap().0;
        let ranges = [at("1 }", 0), at("1 }", 1), at("1 }", 2)];
        let file = FileResult {
            path: PathBuf::from("src/lib.rs"),
            original: original.to_string(),
            migrated: Some(original.replace("1 }", "2 }")),
            edits: vec![("t".into(), 3)],
            edit_ranges: ranges.iter().map(|s| TextRange::new(*s, s + 1)).collect(),
            project_root: PathBuf::from("."),
            git_root: None,
            package: None,
        };
        let sites = sites(&file, &linux());
        assert_eq!(sites.len(), 1, "{sites:?}");
        assert_eq!(sites[0].line, 5);
        assert_eq!(sites[0].cfg, "cfg(target_os = \"windows\")");
    }
}
