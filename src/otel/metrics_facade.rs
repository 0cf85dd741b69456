//! The `metrics` facade crate (0.21 … 0.24) and metrics-exporter-prometheus: which macro or item
//! a path names in a file (through `use`, aliases, globs, `#[macro_use] extern crate`, a renamed
//! dependency), the 0.21 macro table, and which `metrics` minor each exporter release is built
//! on. Facts: `docs/metrics-0.24-migration.md` (compiler-checked).

use std::collections::BTreeSet;

use syn::visit::Visit;

use crate::engine::syntax::{ident_str, ImportMap, ParsedRust};

/// What an old (0.21) emission or registration macro becomes in 0.22+.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MacroForm {
    pub name: &'static str,
    /// The 0.22+ macro that returns the handle.
    pub target: &'static str,
    /// The handle method that performs the operation, if the old macro performed one.
    pub op: Option<&'static str>,
    /// Whether the old form takes a value as its second argument.
    pub has_value: bool,
    /// Whether the macro no longer exists in 0.22+ (every call of it is old).
    pub removed: bool,
}

const fn form(
    name: &'static str,
    target: &'static str,
    op: Option<&'static str>,
    has_value: bool,
    removed: bool,
) -> MacroForm {
    MacroForm {
        name,
        target,
        op,
        has_value,
        removed,
    }
}

/// Every 0.21 macro whose call changes (`describe_*!` did not change).
pub const MACRO_FORMS: &[MacroForm] = &[
    form("counter", "counter", Some("increment"), true, false),
    form("gauge", "gauge", Some("set"), true, false),
    form("histogram", "histogram", Some("record"), true, false),
    form("absolute_counter", "counter", Some("absolute"), true, true),
    form("increment_gauge", "gauge", Some("increment"), true, true),
    form("decrement_gauge", "gauge", Some("decrement"), true, true),
    form(
        "increment_counter",
        "counter",
        Some("increment"),
        false,
        true,
    ),
    form("register_counter", "counter", None, false, true),
    form("register_gauge", "gauge", None, false, true),
    form("register_histogram", "histogram", None, false, true),
];

pub fn macro_form(name: &str) -> Option<&'static MacroForm> {
    MACRO_FORMS.iter().find(|f| f.name == name)
}

/// Whether `text` can name one of [`MACRO_FORMS`]: each one's name contains the name of the
/// macro it becomes (`register_histogram` → `histogram`), and a call or `use` leaf is only
/// recognised through that name (spelled in the path, or in the `use` that aliases it).
pub fn may_name_a_changed_macro(text: &str) -> bool {
    ["counter", "gauge", "histogram"]
        .iter()
        .any(|target| text.contains(target))
}

/// The `metrics` minor a metrics-exporter-prometheus release is built on (0.12 → 0.21,
/// 0.13/0.14 → 0.22, 0.15 → 0.23, 0.16/0.17 → 0.24). A package whose own `metrics` differs
/// records into a global recorder the exporter never reads.
pub fn exporter_metrics_minor(exporter: &semver::Version) -> Option<u64> {
    if exporter.major != 0 {
        return None;
    }
    match exporter.minor {
        12 => Some(21),
        13 | 14 => Some(22),
        15 => Some(23),
        16 | 17 => Some(24),
        _ => None,
    }
}

/// The crate names of the `metrics` family, as dependencies and as paths.
pub const METRICS: &str = "metrics";
pub const EXPORTER: &str = "metrics-exporter-prometheus";
pub const UTIL: &str = "metrics-util";

/// How names in one file reach the `metrics` crate.
pub struct MetricsScope<'a> {
    imports: &'a ImportMap,
    /// Names under which the crate is reachable as a path root (`metrics`, a renamed
    /// dependency, `extern crate metrics as m`). A local `mod metrics` shadows the plain name.
    roots: Vec<String>,
    /// `::metrics::…` works even when a local module named `metrics` exists.
    absolute_root: String,
    /// `#[macro_use] extern crate metrics;` in this file or (by a text scan) the package.
    macro_use: bool,
    /// `macro_rules!` names defined in this file: they shadow imported macros.
    local_macros: BTreeSet<String>,
}

impl<'a> MetricsScope<'a> {
    /// The scope of a file of a package that depends on `metrics`, reachable in its code as
    /// `code_name` (`None`: not renamed). `package_mentions` says whether a string occurs in
    /// the package's telemetry files (its usage facts): a `#[macro_use] extern crate metrics`
    /// elsewhere in the package brings the macros into every file.
    pub fn of(
        src: ParsedRust<'a>,
        code_name: Option<String>,
        package_mentions: impl Fn(&str) -> bool,
    ) -> MetricsScope<'a> {
        let code_name = code_name.unwrap_or_else(|| METRICS.to_string());
        let mut facts = FileFacts::default();
        facts.visit_file(src.syntax);
        let mut roots = Vec::new();
        if !facts.local_modules.contains(&code_name) {
            roots.push(code_name.clone());
        }
        for (krate, alias) in &facts.extern_crates {
            if *krate == code_name {
                roots.push(alias.clone());
            }
        }
        let macro_use = facts.macro_use_crates.contains(&code_name)
            || (package_mentions("extern crate metrics") && package_mentions("#[macro_use]"));
        MetricsScope {
            imports: src.imports,
            roots,
            absolute_root: code_name,
            macro_use,
            local_macros: facts.macro_rules,
        }
    }

    /// The path inside the `metrics` crate that `path` names (`["Unit", "Gigibytes"]` for
    /// `metrics::Unit::Gigibytes` or `Unit::Gigibytes` after `use metrics::Unit;`), if any.
    pub fn item_of(&self, path: &syn::Path) -> Option<Vec<String>> {
        let segments: Vec<String> = path.segments.iter().map(|s| ident_str(&s.ident)).collect();
        if path.leading_colon.is_some() {
            return (segments.first() == Some(&self.absolute_root)).then(|| segments[1..].to_vec());
        }
        let resolved = self.imports.resolve_segments(&segments);
        if resolved.len() > 1 && self.roots.contains(&resolved[0]) {
            // A name imported from a local module (`use crate::metrics::x`) resolves to
            // `crate`/`self`/`super` and never gets here.
            return Some(resolved[1..].to_vec());
        }
        None
    }

    /// The `metrics` macro a macro path names (`counter` for `metrics::counter!`, an imported
    /// or aliased `counter!`, or a bare name under `#[macro_use]` or a glob import).
    pub fn macro_of(&self, path: &syn::Path) -> Option<String> {
        let bare = path.leading_colon.is_none() && path.segments.len() == 1;
        if bare
            && self
                .local_macros
                .contains(&ident_str(&path.segments[0].ident))
        {
            return None;
        }
        if let Some(item) = self.item_of(path) {
            return (item.len() == 1).then(|| item[0].clone());
        }
        if bare {
            let name = ident_str(&path.segments[0].ident);
            let via_glob = self
                .roots
                .iter()
                .any(|r| self.imports.is(path, &[r.as_str(), name.as_str()]));
            // A bare name that an import maps elsewhere is not ours, even under `#[macro_use]`.
            let imported_elsewhere = self
                .imports
                .resolve_segments(std::slice::from_ref(&name))
                .len()
                > 1;
            if via_glob || (self.macro_use && !imported_elsewhere) {
                return Some(name);
            }
        }
        None
    }

    /// The local name to write for the `metrics` macro `target` in a bare call, and whether an
    /// import must be added for it.
    pub fn bare_macro_name(&self, target: &str) -> (String, bool) {
        for root in &self.roots {
            if let Some(local) = self.imports.local_name_of(&[root.as_str(), target]) {
                return (local.to_string(), false);
            }
        }
        let glob = self.roots.iter().any(|r| {
            let p: syn::Path = syn::parse_str(target).expect("an identifier");
            self.imports.is(&p, &[r.as_str(), target])
        });
        (target.to_string(), !(glob || self.macro_use))
    }

    /// Path roots under which the crate is reachable (the first is the preferred spelling).
    pub fn roots(&self) -> &[String] {
        &self.roots
    }

    /// The name to write in new paths (`metrics::Metadata`).
    pub fn code_name(&self) -> &str {
        self.roots.first().unwrap_or(&self.absolute_root)
    }

    pub fn is_local_macro(&self, name: &str) -> bool {
        self.local_macros.contains(name)
    }
}

#[derive(Default)]
struct FileFacts {
    local_modules: BTreeSet<String>,
    /// `extern crate metrics as m;` → (`metrics`, `m`).
    extern_crates: Vec<(String, String)>,
    macro_use_crates: BTreeSet<String>,
    macro_rules: BTreeSet<String>,
}

impl<'ast> Visit<'ast> for FileFacts {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        self.local_modules.insert(ident_str(&m.ident));
        syn::visit::visit_item_mod(self, m);
    }

    fn visit_item_extern_crate(&mut self, e: &'ast syn::ItemExternCrate) {
        let krate = ident_str(&e.ident);
        if let Some((_, alias)) = &e.rename {
            self.extern_crates.push((krate.clone(), ident_str(alias)));
        }
        if e.attrs.iter().any(|a| a.path().is_ident("macro_use")) {
            self.macro_use_crates.insert(krate);
        }
    }

    fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
        if m.mac.path.is_ident("macro_rules") {
            if let Some(name) = &m.ident {
                self.macro_rules.insert(ident_str(name));
            }
        }
        syn::visit::visit_item_macro(self, m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_changed_macro_is_seen_by_the_text_gate() {
        for form in MACRO_FORMS {
            assert!(form.name.contains(form.target), "{}", form.name);
            assert!(may_name_a_changed_macro(&format!("{}!(\"x\")", form.name)));
        }
        assert!(may_name_a_changed_macro("use metrics::gauge as g;"));
        // A file naming only the crate's other items.
        assert!(!may_name_a_changed_macro(
            "use metrics::{Key, Label}; let u = metrics::Unit::Seconds;"
        ));
    }
}
