//! Rewriting one Rust file: each site's value (a literal, a constant of this file or of the
//! package, `env!("CARGO_PKG_NAME")`, a dropped `.replace('-', ".")`, a `format!`, a field),
//! the constants of this file that reach a site elsewhere, then (through
//! [`super::defaults`]) the config defaults and the tests asserting them.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::defaults;
use super::facts::{self, absolutize, module_path, PackageFacts};
use super::scan::{ConstDef, FileScan, Scanner, Value};
use crate::engine::context::PackageInfo;
use crate::engine::edit::TextRange;
use crate::engine::finding::{RawFinding, Severity};
use crate::engine::ledger::{self, Key, RawLedgerEntry, Settings, Signal};
use crate::engine::transform::{FileContext, Outcome};
use crate::otel::naming::{Mapping, Naming};

/// The edits and findings of one file, one per range (a constant used at several sites is
/// renamed once).
pub(super) struct Rewriter<'a> {
    cx: &'a FileContext<'a>,
    naming: &'a Naming,
    krate: Option<&'a str>,
    pub(super) edits: BTreeMap<(usize, usize), String>,
    findings: BTreeMap<(usize, usize, String), RawFinding>,
    /// One ledger entry per renamed or reported site.
    ledger: BTreeMap<(usize, usize), RawLedgerEntry>,
}

impl Rewriter<'_> {
    /// The ledger entry of a site that already follows the convention, or whose value this
    /// tool cannot see and leaves alone (no finding): the same on both sides.
    fn record_unchanged(&mut self, range: TextRange, value: ledger::Value) {
        let settings = Settings::from([(Key::ServiceName, value)]);
        let entry = RawLedgerEntry::unchanged(range, Signal::ServiceName, settings);
        self.ledger.entry((range.start, range.end)).or_insert(entry);
    }

    /// The ledger entry of a service-name site: renamed (`after`), or reported as written.
    fn record(&mut self, range: TextRange, before: ledger::Value, after: Option<ledger::Value>) {
        let side = |v: ledger::Value| Settings::from([(Key::ServiceName, v)]);
        let entry = match after {
            Some(a) => RawLedgerEntry::rewritten(range, Signal::ServiceName, side(before), side(a)),
            None => RawLedgerEntry::reported(range, Signal::ServiceName, side(before)),
        };
        self.ledger.insert((range.start, range.end), entry);
    }

    pub(super) fn note(
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
    pub(super) fn literal(&mut self, range: TextRange, value: &str, what: &str) -> bool {
        match self.naming.classify(value, self.krate) {
            Mapping::Conforming => {
                self.record_unchanged(range, ledger::Value::resolved(value));
                true
            }
            Mapping::Rename { to, reason } => {
                self.edits
                    .insert((range.start, range.end), format!("{to:?}"));
                self.record(
                    range,
                    ledger::Value::resolved(value),
                    Some(ledger::Value::resolved(to.as_str())),
                );
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
                self.record(range, ledger::Value::resolved(value), None);
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
    pub(super) fn value(
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
                    self.record(site, ledger::Value::unresolved(segments.join("::")), None);
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
                        self.record(
                            *range,
                            ledger::Value::resolved(k),
                            Some(ledger::Value::resolved(to.as_str())),
                        );
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
                        self.record(
                            *range,
                            ledger::Value::unresolved(format!("format!({template:?})")),
                            Some(ledger::Value::unresolved(format!("format!({to:?})"))),
                        );
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
                    self.record(
                        *range,
                        ledger::Value::unresolved(format!("format!({template:?})")),
                        None,
                    );
                    self.note(
                        *range,
                        Severity::Warning,
                        format!("service name built with `format!(\"{template}\")` joins its parts with `-`: once the base name follows the convention this yields a name like `{}-..`", self.naming.component_name()),
                        Some(format!("join with `.` (`format!(\"{fixed}\")`) or use the crate's own name `{}`; to have this tool rewrite it, add to otel-migrate.toml: {}", self.own_name(), Naming::rename_config_line(template, &fixed))),
                    );
                    return false;
                }
                self.record_unchanged(
                    *range,
                    ledger::Value::unresolved(format!("format!({template:?})")),
                );
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
                    let path = format!("{}.{field}", strukt.as_deref().unwrap_or("_"));
                    self.record(site, ledger::Value::unresolved(path), None);
                    self.note(
                        site,
                        Severity::Note,
                        format!("the service name comes from field `{field}` of {owner}, whose default this tool did not find; not renamed"),
                        Some(format!("make sure the value it is given follows the convention (this crate: `{}`)", self.own_name())),
                    );
                }
                seen
            }
            Value::Unknown => {
                let text = crate::otel::ledger::resolve::one_line(self.cx.file.slice(site));
                self.record_unchanged(site, ledger::Value::unresolved(text));
                true
            }
        }
    }

    fn own_name(&self) -> String {
        self.krate
            .map(|k| self.naming.name_of_crate(k))
            .unwrap_or_else(|| self.naming.component_name())
    }
}

/// Renames the service names of one Rust file.
pub(super) fn run_rust(cx: &FileContext<'_>, naming: &Naming) -> Outcome {
    let scan = Scanner::scan(cx.file, cx.syntax(), cx.imports(), cx.package);
    let facts = match cx.package {
        Some(pkg) => facts::of_package(cx.project, pkg, naming),
        None => Arc::new(PackageFacts::default()),
    };
    let mut rw = Rewriter {
        cx,
        naming,
        krate: cx.package.map(|p| p.name.as_str()),
        edits: BTreeMap::new(),
        findings: BTreeMap::new(),
        ledger: BTreeMap::new(),
    };
    // A package without OpenTelemetry has no site to rename: only its export configs'
    // defaults (and the tests asserting them) are service names.
    if cx.package.is_none_or(PackageInfo::uses_opentelemetry) {
        rewrite_sites(&mut rw, &scan, &facts);
    }
    // Config-struct defaults whose field reaches a site, and the tests asserting them.
    defaults::rewrite_defaults(&mut rw, &scan, &facts);
    defaults::rewrite_asserts(&mut rw, &scan, &facts);
    let mut out = Outcome::default();
    for ((start, end), text) in rw.edits {
        out.replace(TextRange::new(start, end), text);
    }
    out.findings.extend(rw.findings.into_values());
    out.ledger.extend(rw.ledger.into_values());
    out
}

/// Renames the file's sites, and its constants that reach a site here or elsewhere.
fn rewrite_sites(rw: &mut Rewriter<'_>, scan: &FileScan, facts: &PackageFacts) {
    let cx = rw.cx;
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
        rw.value(&site.value, site.range, scan, facts);
    }
    for (name, lines) in &const_sites {
        let def = scan.consts.iter().find(|c| &c.name == name).cloned();
        if let Some(def) = def {
            rw.const_def(&def, scan, lines, None);
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
                    rw.const_def(&def.clone(), scan, &[], Some(from));
                }
            }
        }
    }
}
