//! Package facts: what the other files of a package say (which constants and struct fields
//! flow into a site, which constants the package defines, which config defaults are renamed),
//! with the module paths that connect them. The engine runs per file; the facts are computed
//! once per package and run and kept in the project's run state ([`FactsCache`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use super::defaults::{is_export_config, SERVICE_NAME_FIELD};
use super::scan::{may_have_site, FileScan, Scanner, Site, Value};
use crate::engine::context::{PackageInfo, Project};
use crate::engine::source::SourceFile;
use crate::engine::syntax::ImportMap;
pub(super) use crate::engine::syntax::{absolutize, module_path};
use crate::otel::naming::{Mapping, Naming};

#[derive(Debug, Default)]
pub(super) struct PackageFacts {
    /// (struct, field) pairs whose value reaches a site.
    pub(super) field_flows: BTreeSet<(String, String)>,
    /// (struct, `service_name`) of structs that configure OpenTelemetry export
    /// ([`is_export_config`]), whether or not a site uses them yet.
    pub(super) export_configs: BTreeSet<(String, String)>,
    /// Fields that reach a site through a base whose struct is unknown and matches no single
    /// struct of the package.
    pub(super) unresolved_fields: BTreeSet<String>,
    /// Flowing (struct, field) pairs whose string default was found.
    pub(super) defaults_seen: BTreeSet<(String, String)>,
    /// (module path, name) of constants defined in one file that reach a site in another.
    pub(super) const_flows: BTreeMap<(Vec<String>, String), PathBuf>,
    /// Every top-level constant of the package: (module path, name).
    pub(super) const_defs: BTreeSet<(Vec<String>, String)>,
    /// (struct, field) → (old default, new default) for defaults that were renamed.
    default_renames: BTreeMap<(String, String), Vec<(String, String)>>,
}

impl PackageFacts {
    /// Whether a constant or a struct field of the package reaches a site.
    pub(super) fn has_flows(&self) -> bool {
        !self.const_flows.is_empty()
            || !self.field_flows.is_empty()
            || !self.export_configs.is_empty()
    }

    /// Whether the default of `strukt.field` is a service name: the field reaches a site, or
    /// it is the `service_name` of an export config.
    pub(super) fn names_service(&self, strukt: &str, field: &str) -> bool {
        let key = (strukt.to_string(), field.to_string());
        self.field_flows.contains(&key) || self.export_configs.contains(&key)
    }

    /// The renames of the default of `field`, of `strukt` when known, else of the only struct
    /// whose default of that field was renamed.
    pub(super) fn renamed_default(
        &self,
        strukt: Option<&str>,
        field: &str,
    ) -> Option<&Vec<(String, String)>> {
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

/// The facts of each package of a project, computed on first use in a run. A run's project
/// lives for that run only and its files do not change on disk while it runs (edits are
/// written after it), so nothing here goes stale; a re-run (`--verify`, the next repository
/// of a batch) builds a new project and a new cache.
#[derive(Default)]
pub(super) struct FactsCache {
    /// Package manifest → its facts, one cell per package so packages compute in parallel and
    /// each only once.
    packages: Mutex<HashMap<PathBuf, Arc<OnceLock<Arc<PackageFacts>>>>>,
}

/// The facts of `pkg`, a package of `project`, named by `naming` (the project's).
pub(super) fn of_package(
    project: &Project,
    pkg: &PackageInfo,
    naming: &Naming,
) -> Arc<PackageFacts> {
    let cell = project
        .state
        .get::<FactsCache>()
        .packages
        .lock()
        .expect("service-name facts cache")
        .entry(pkg.manifest_path.clone())
        .or_default()
        .clone();
    cell.get_or_init(|| {
        Arc::new(crate::engine::timings::time("package facts", || {
            compute_facts(pkg, naming, &relevant_files(project, pkg))
        }))
    })
    .clone()
}

/// The words without which a file cannot say anything about service names (the transform's
/// needles).
pub(super) const RELEVANT_WORDS: &[&str] = &["service", "SERVICE", "CARGO_PKG_NAME"];

/// Whether a file can say anything about service names.
fn is_relevant(text: &str) -> bool {
    RELEVANT_WORDS.iter().any(|w| text.contains(w))
}

/// The files of `pkg` (not of a package nested in it) that can say anything about service
/// names, with their text: of the files the run's gate read when it covers the package (this
/// transform's needles are [`RELEVANT_WORDS`]), else of a walk of the package.
fn relevant_files(project: &Project, pkg: &PackageInfo) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let owns = project.owns(pkg);
    let candidates = match project.files_read(pkg) {
        Some(read) => read.to_vec(),
        None => crate::engine::discover::rust_files_under(&pkg.dir),
    };
    for path in candidates {
        if !owns(&path) {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(&path) {
            if is_relevant(&text) {
                files.push((path, text));
            }
        }
    }
    files
}

/// Whether `text` may declare a struct with a `service_name` field that configures export
/// ([`is_export_config`]), read on tokens: a struct anywhere (modules, function and macro
/// bodies), and every identifier followed by a single `:` in its braces taken for a field, so
/// this holds whenever the parse would find such a struct (tokenizing costs a fraction of it).
pub(super) fn may_declare_export_config(text: &str) -> bool {
    use proc_macro2::{Delimiter, TokenStream, TokenTree};
    fn fields(body: TokenStream) -> Vec<String> {
        let tokens: Vec<TokenTree> = body.into_iter().collect();
        tokens
            .windows(2)
            .filter_map(|w| match w {
                [TokenTree::Ident(name), TokenTree::Punct(colon)]
                    if colon.as_char() == ':' && colon.spacing() == proc_macro2::Spacing::Alone =>
                {
                    Some(crate::engine::syntax::ident_str(name))
                }
                _ => None,
            })
            .collect()
    }
    fn declares(stream: TokenStream) -> bool {
        let tokens: Vec<TokenTree> = stream.into_iter().collect();
        tokens.iter().enumerate().any(|(i, t)| match t {
            TokenTree::Ident(kw) if kw == "struct" => {
                let Some(TokenTree::Ident(name)) = tokens.get(i + 1) else {
                    return false;
                };
                // The body: the first brace group before a `;` or a tuple's parentheses.
                let body = tokens[i + 2..].iter().find_map(|t| match t {
                    TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => Some(Some(g)),
                    TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis => Some(None),
                    TokenTree::Punct(p) if p.as_char() == ';' => Some(None),
                    _ => None,
                });
                body.flatten().is_some_and(|g| {
                    let fields = fields(g.stream());
                    fields.iter().any(|f| f == SERVICE_NAME_FIELD)
                        && is_export_config(&crate::engine::syntax::ident_str(name), &fields)
                })
            }
            TokenTree::Group(g) => declares(g.stream()),
            _ => false,
        })
    }
    text.parse::<TokenStream>().map_or(true, declares)
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
    // Sites count only in a package that uses OpenTelemetry; in the others (tracing-only
    // packages) only export configs' defaults are service names.
    let sites_count = pkg.uses_opentelemetry();
    // The files with sites first: the other files only matter (for constants, struct fields
    // and their defaults) when a site's value is a constant or a field, or when they may
    // define an export config, and parsing a big package twice is the expensive part.
    let (with_sites, others): (Vec<_>, Vec<_>) = files
        .iter()
        .partition(|(_, t)| sites_count && may_have_site(t));
    // Without a site, only an export config's default can be a service name: a package none of
    // whose files declares one (a `service_name` column of a data model, say) has no facts, and
    // its files are not parsed.
    if with_sites.is_empty()
        && !others
            .iter()
            .any(|(_, t)| t.contains(SERVICE_NAME_FIELD) && may_declare_export_config(t))
    {
        return facts;
    }
    let mut scans: Vec<_> = with_sites
        .into_iter()
        .filter_map(|(p, t)| scan_file(p, t))
        .collect();
    let follows_values = scans.iter().any(|(_, _, _, scan)| {
        scan.sites
            .iter()
            .any(|site| value_from_package(site, scan).is_some())
    });
    scans.extend(
        others
            .into_iter()
            .filter(|(_, t)| follows_values || t.contains(SERVICE_NAME_FIELD))
            .filter_map(|(p, t)| scan_file(p, t)),
    );
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
        for (strukt, fields) in &scan.structs {
            if fields.iter().any(|f| f == SERVICE_NAME_FIELD) && is_export_config(strukt, fields) {
                facts
                    .export_configs
                    .insert((strukt.clone(), SERVICE_NAME_FIELD.to_string()));
            }
        }
        for value in scan
            .sites
            .iter()
            .filter(|_| sites_count)
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
            if !facts.names_service(&d.strukt, &d.field) {
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
