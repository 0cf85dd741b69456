//! Cargo.toml reading with byte spans: every dependency in every form (string, inline table,
//! `[dependencies.x]`, dotted keys, dev/build/target-specific tables, `[workspace.dependencies]`,
//! `workspace = true`, `package = "…"` renames), located so a transform can splice new values
//! into the original text without reformatting it (toml_edit would turn CRLF into LF).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use toml_edit::{Document, Item, Table, Value};

use crate::engine::edit::TextRange;

/// Which dependency table an entry sits in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DepTable {
    pub kind: DepKind,
    /// `Some("cfg(unix)")` for `[target.'cfg(unix)'.dependencies]`.
    pub target: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DepKind {
    Normal,
    Dev,
    Build,
    /// `[workspace.dependencies]`: the versions members inherit with `workspace = true`.
    Workspace,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepSource {
    Registry,
    Git,
    Path,
}

/// One dependency entry as written.
#[derive(Debug, Clone)]
pub struct DepEntry {
    /// The key in the table (the name the code uses, modulo `-` → `_`).
    pub key: String,
    /// The crate on the registry (`package = "…"` or the key).
    pub package: String,
    pub table: DepTable,
    /// The version requirement, when the entry has one.
    pub version: Option<String>,
    /// The span of the version string literal, quotes included.
    pub version_span: Option<TextRange>,
    pub workspace: bool,
    pub optional: bool,
    pub default_features: Option<bool>,
    pub features: Vec<String>,
    /// The span of the `features` array, brackets included.
    pub features_span: Option<TextRange>,
    /// Each element of the features array with its span (quotes included).
    pub feature_items: Vec<(String, TextRange)>,
    /// The span of the `package = "…"` value of a renamed entry.
    pub package_span: Option<TextRange>,
    pub source: DepSource,
    /// The span of the whole value (string or inline table), or of the `[dependencies.x]` table.
    pub value_span: Option<TextRange>,
    /// The span of the key.
    pub key_span: Option<TextRange>,
    /// Whether the entry is its own `[dependencies.x]` table rather than a key of its table.
    pub is_table_header: bool,
    /// Whether the entry is written with dotted keys (`x.version = "1"`, `x.workspace = true`).
    pub is_dotted: bool,
    /// The pieces of text that make up the entry: `key = value` for a key, every
    /// `x.k = v` line of a dotted entry, the header through the last key of a table.
    pub parts: Vec<TextRange>,
}

impl DepEntry {
    /// A normal registry dependency the manifest does not declare but the user says the code
    /// is written against (`assume-dependencies`): it has no text, so nothing edits it.
    pub fn assumed(krate: &str, version: &str) -> DepEntry {
        let table = DepTable {
            kind: DepKind::Normal,
            target: None,
        };
        DepEntry {
            key: krate.replace('-', "_"),
            version: Some(version.to_string()),
            ..DepEntry::bare(krate, table)
        }
    }

    /// An entry `key` of `table` with nothing else known yet: no version, spans or features.
    fn bare(key: &str, table: DepTable) -> DepEntry {
        DepEntry {
            key: key.to_string(),
            package: key.to_string(),
            table,
            version: None,
            version_span: None,
            workspace: false,
            optional: false,
            default_features: None,
            features: Vec::new(),
            features_span: None,
            feature_items: Vec::new(),
            package_span: None,
            source: DepSource::Registry,
            value_span: None,
            key_span: None,
            is_table_header: false,
            is_dotted: false,
            parts: Vec::new(),
        }
    }

    /// Crate names compare with `-` and `_` equal, as crates.io does.
    pub fn is(&self, krate: &str) -> bool {
        same_crate(&self.package, krate)
    }
}

pub fn canonical(name: &str) -> String {
    name.replace('_', "-")
}

/// Whether `canonical(a) == canonical(b)`, without building either: the dependency gates ask
/// it of every entry of every package for every gated transform.
pub fn same_crate(a: &str, b: &str) -> bool {
    let dash = |c: u8| c == b'-' || c == b'_';
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .all(|(x, y)| x == y || (dash(x) && dash(y)))
}

/// A parsed manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub path: PathBuf,
    pub package_name: Option<String>,
    pub is_workspace_root: bool,
    pub workspace_members: Vec<String>,
    pub workspace_exclude: Vec<String>,
    pub deps: Vec<DepEntry>,
    /// `[features]`: name → entries.
    pub features: BTreeMap<String, Vec<String>>,
    /// `[features]` with spans, in file order.
    pub feature_lists: Vec<FeatureList>,
    /// Explicit target paths (`[lib] path`, `[[bin]] path`, …) as written, relative to the manifest.
    pub target_paths: Vec<String>,
    /// `[package] edition`: as written, or inherited from the workspace (`edition.workspace =
    /// true`), or not said (2015).
    pub edition: Edition,
    /// `[workspace.package] edition`, what members inherit.
    pub workspace_edition: Option<String>,
}

/// A package's `edition` key.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Edition {
    #[default]
    Unsaid,
    Written(String),
    FromWorkspace,
}

/// One `name = ["…", …]` entry of `[features]`, with the span of each element.
#[derive(Debug, Clone)]
pub struct FeatureList {
    pub name: String,
    /// The array, brackets included.
    pub span: TextRange,
    /// Each element (quotes included).
    pub items: Vec<(String, TextRange)>,
}

impl Manifest {
    pub fn parse(path: &Path, text: &str) -> Result<Manifest, String> {
        let doc =
            Document::parse(text.to_string()).map_err(|e| e.to_string().trim_end().to_string())?;
        let root = doc.as_table();
        let package_name = root
            .get("package")
            .and_then(Item::as_table_like)
            .and_then(|p| p.get("name"))
            .and_then(Item::as_str)
            .map(str::to_string);
        let workspace = root.get("workspace").and_then(Item::as_table_like);
        let strings = |key: &str| -> Vec<String> {
            workspace
                .and_then(|w| w.get(key))
                .and_then(Item::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut deps = Vec::new();
        for (kind_key, kind) in [
            ("dependencies", DepKind::Normal),
            ("dev-dependencies", DepKind::Dev),
            ("dev_dependencies", DepKind::Dev),
            ("build-dependencies", DepKind::Build),
            ("build_dependencies", DepKind::Build),
        ] {
            if let Some(t) = root.get(kind_key) {
                collect_deps(t, DepTable { kind, target: None }, &mut deps);
            }
            if let Some(targets) = root.get("target").and_then(Item::as_table_like) {
                for (target, body) in targets.iter() {
                    if let Some(t) = body.as_table_like().and_then(|b| b.get(kind_key)) {
                        collect_deps(
                            t,
                            DepTable {
                                kind,
                                target: Some(target.to_string()),
                            },
                            &mut deps,
                        );
                    }
                }
            }
        }
        if let Some(t) = workspace.and_then(|w| w.get("dependencies")) {
            collect_deps(
                t,
                DepTable {
                    kind: DepKind::Workspace,
                    target: None,
                },
                &mut deps,
            );
        }
        let features = root
            .get("features")
            .and_then(Item::as_table_like)
            .map(|f| {
                f.iter()
                    .map(|(k, v)| {
                        let list = v
                            .as_array()
                            .map(|a| {
                                a.iter()
                                    .filter_map(Value::as_str)
                                    .map(str::to_string)
                                    .collect()
                            })
                            .unwrap_or_default();
                        (k.to_string(), list)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let feature_lists = root
            .get("features")
            .and_then(Item::as_table_like)
            .map(|f| {
                f.iter()
                    .filter_map(|(k, v)| {
                        let a = v.as_array()?;
                        Some(FeatureList {
                            name: k.to_string(),
                            span: span(a.span())?,
                            items: array_items(a),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let package_edition = root
            .get("package")
            .and_then(Item::as_table_like)
            .and_then(|p| p.get("edition"));
        let edition = match package_edition {
            Some(item) => match item.as_str() {
                Some(written) => Edition::Written(written.to_string()),
                None => Edition::FromWorkspace,
            },
            None => Edition::Unsaid,
        };
        let workspace_edition = workspace
            .and_then(|w| w.get("package"))
            .and_then(Item::as_table_like)
            .and_then(|p| p.get("edition"))
            .and_then(Item::as_str)
            .map(str::to_string);
        let mut target_paths = Vec::new();
        for key in ["lib", "bin", "example", "test", "bench"] {
            let tables: Vec<&dyn toml_edit::TableLike> = match root.get(key) {
                Some(Item::Table(t)) => vec![t as &dyn toml_edit::TableLike],
                Some(Item::ArrayOfTables(a)) => {
                    a.iter().map(|t| t as &dyn toml_edit::TableLike).collect()
                }
                Some(other) => other.as_table_like().into_iter().collect(),
                None => Vec::new(),
            };
            target_paths.extend(
                tables
                    .iter()
                    .filter_map(|t| t.get("path"))
                    .filter_map(Item::as_str)
                    .map(str::to_string),
            );
        }
        Ok(Manifest {
            target_paths,
            path: path.to_path_buf(),
            feature_lists,
            package_name,
            is_workspace_root: workspace.is_some(),
            workspace_members: strings("members"),
            workspace_exclude: strings("exclude"),
            deps,
            features,
            edition,
            workspace_edition,
        })
    }

    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// Entries for the crate `krate` (any table, any rename).
    pub fn deps_on<'a>(&'a self, krate: &'a str) -> impl Iterator<Item = &'a DepEntry> + 'a {
        self.deps.iter().filter(move |d| d.is(krate))
    }
}

fn span(r: Option<std::ops::Range<usize>>) -> Option<TextRange> {
    r.map(|r| TextRange::new(r.start, r.end))
}

fn array_items(a: &toml_edit::Array) -> Vec<(String, TextRange)> {
    a.iter()
        .filter_map(|v| Some((v.as_str()?.to_string(), span(v.span())?)))
        .collect()
}

fn collect_deps(item: &Item, table: DepTable, out: &mut Vec<DepEntry>) {
    let Some(t) = item.as_table_like() else {
        return;
    };
    for (key, value) in t.iter() {
        let key_span = t.get_key_value(key).and_then(|(k, _)| span(k.span()));
        let mut entry = DepEntry {
            value_span: span(value.span()),
            key_span,
            is_table_header: matches!(value, Item::Table(t) if !t.is_dotted()),
            is_dotted: matches!(value, Item::Table(t) if t.is_dotted()),
            ..DepEntry::bare(key, table.clone())
        };
        match value {
            Item::Value(Value::String(s)) => {
                entry.version = Some(s.value().to_string());
                entry.version_span = span(s.span());
            }
            Item::Value(Value::InlineTable(_)) | Item::Table(_) => {
                let body = value.as_table_like().expect("table-like");
                fill_from_table(&mut entry, body);
                if let Item::Table(tbl) = value {
                    entry.value_span = table_span(tbl);
                }
            }
            _ => continue,
        }
        entry.parts = entry_parts(&entry, value);
        out.push(entry);
    }
}

fn table_span(t: &Table) -> Option<TextRange> {
    span(t.span())
}

/// See [`DepEntry::parts`].
fn entry_parts(entry: &DepEntry, value: &Item) -> Vec<TextRange> {
    let ends_of = |t: &dyn toml_edit::TableLike| -> Vec<(usize, usize)> {
        t.iter()
            .filter_map(|(k, v)| {
                let key = t.get_key_value(k).and_then(|(k, _)| k.span())?;
                let end = v.span()?.end;
                Some((key.start, end))
            })
            .collect()
    };
    match value {
        Item::Table(t) if t.is_dotted() => ends_of(t)
            .into_iter()
            .map(|(s, e)| TextRange::new(s, e))
            .collect(),
        Item::Table(t) => {
            let Some(header) = t.span() else {
                return Vec::new();
            };
            let end = ends_of(t)
                .into_iter()
                .map(|(_, e)| e)
                .max()
                .unwrap_or(header.end);
            vec![TextRange::new(header.start, end.max(header.end))]
        }
        _ => match (entry.key_span, entry.value_span) {
            (Some(k), Some(v)) => vec![TextRange::new(k.start, v.end)],
            _ => Vec::new(),
        },
    }
}

fn fill_from_table(entry: &mut DepEntry, body: &dyn toml_edit::TableLike) {
    if let Some(v) = body.get("version") {
        if let Some(s) = v.as_value().and_then(Value::as_str) {
            entry.version = Some(s.to_string());
            entry.version_span = span(v.span());
        }
    }
    if let Some(p) = body.get("package") {
        if let Some(name) = p.as_str() {
            entry.package = name.to_string();
            entry.package_span = span(p.span());
        }
    }
    entry.workspace = body
        .get("workspace")
        .and_then(Item::as_bool)
        .unwrap_or(false);
    entry.optional = body
        .get("optional")
        .and_then(Item::as_bool)
        .unwrap_or(false);
    entry.default_features = body
        .get("default-features")
        .or_else(|| body.get("default_features"))
        .and_then(Item::as_bool);
    if let Some(f) = body.get("features") {
        if let Some(a) = f.as_array() {
            entry.features = a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
        }
        entry.features_span = span(f.span());
        if let Some(a) = f.as_array() {
            entry.feature_items = array_items(a);
        }
    }
    if body.contains_key("git") {
        entry.source = DepSource::Git;
    } else if body.contains_key("path") {
        entry.source = DepSource::Path;
    }
}

/// Exact versions from a Cargo.lock: crate (canonical name) → every locked version.
#[derive(Debug, Clone, Default)]
pub struct Lockfile {
    pub packages: BTreeMap<String, Vec<semver::Version>>,
    /// Crate (canonical name) → the crates (canonical names) any locked version depends on.
    pub dependencies: BTreeMap<String, std::collections::BTreeSet<String>>,
}

impl Lockfile {
    pub fn parse(text: &str) -> Result<Lockfile, String> {
        let doc = Document::parse(text.to_string()).map_err(|e| e.to_string())?;
        let mut packages: BTreeMap<String, Vec<semver::Version>> = BTreeMap::new();
        let mut dependencies: BTreeMap<String, std::collections::BTreeSet<String>> =
            BTreeMap::new();
        if let Some(list) = doc
            .as_table()
            .get("package")
            .and_then(Item::as_array_of_tables)
        {
            for p in list.iter() {
                let name = p.get("name").and_then(Item::as_str);
                let version = p
                    .get("version")
                    .and_then(Item::as_str)
                    .and_then(|v| semver::Version::parse(v).ok());
                if let (Some(name), Some(version)) = (name, version) {
                    packages.entry(canonical(name)).or_default().push(version);
                }
                if let (Some(name), Some(deps)) =
                    (name, p.get("dependencies").and_then(Item::as_array))
                {
                    // Entries are `"name"` or `"name version"` (or `"name version (source)"`).
                    dependencies.entry(canonical(name)).or_default().extend(
                        deps.iter()
                            .filter_map(Value::as_str)
                            .filter_map(|d| d.split_whitespace().next())
                            .map(canonical),
                    );
                }
            }
        }
        Ok(Lockfile {
            packages,
            dependencies,
        })
    }

    /// Whether the lockfile shows `krate` depending on `dependency`.
    pub fn depends(&self, krate: &str, dependency: &str) -> bool {
        self.dependencies
            .get(&canonical(krate))
            .is_some_and(|d| d.contains(&canonical(dependency)))
    }

    /// The newest locked version of `krate` that satisfies `req`.
    pub fn resolve(&self, krate: &str, req: &semver::VersionReq) -> Option<semver::Version> {
        self.packages
            .get(&canonical(krate))?
            .iter()
            .filter(|v| req.matches(v))
            .max()
            .cloned()
    }
}

/// The lowest version a requirement admits (`"0.26"` → 0.26.0, `"~0.21.1"` → 0.21.1).
pub fn minimum_version(req: &str) -> Option<semver::Version> {
    let parsed = semver::VersionReq::parse(req).ok()?;
    let c = parsed.comparators.first()?;
    if matches!(c.op, semver::Op::Less | semver::Op::LessEq) {
        return None;
    }
    Some(semver::Version::new(
        c.major,
        c.minor.unwrap_or(0),
        c.patch.unwrap_or(0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[package]\r\nname = \"svc\"\r\n\r\n[dependencies]\r\nopentelemetry = \"0.26\" # pinned\r\notel = { package = \"opentelemetry_sdk\", version = \"=0.21.0\", features = [\"rt-tokio\"] }\r\ntracing-opentelemetry.workspace = true\r\n\r\n[dependencies.opentelemetry-jaeger]\r\nversion = \"0.20\"\r\noptional = true\r\n\r\n[target.'cfg(unix)'.dev-dependencies]\r\nmetrics = \"0.21\"\r\n\r\n[features]\r\njaeger = [\"dep:opentelemetry-jaeger\"]\r\n";

    #[test]
    fn reads_every_dependency_form_with_exact_spans() {
        let m = Manifest::parse(Path::new("Cargo.toml"), TEXT).unwrap();
        assert_eq!(m.package_name.as_deref(), Some("svc"));
        let names: Vec<_> = m
            .deps
            .iter()
            .map(|d| (d.key.as_str(), d.package.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("opentelemetry", "opentelemetry"),
                ("otel", "opentelemetry_sdk"),
                ("tracing-opentelemetry", "tracing-opentelemetry"),
                ("opentelemetry-jaeger", "opentelemetry-jaeger"),
                ("metrics", "metrics"),
            ]
        );
        for d in &m.deps {
            if let Some(s) = d.version_span {
                assert_eq!(
                    &TEXT[s.start..s.end],
                    format!("\"{}\"", d.version.as_ref().unwrap())
                );
            }
        }
        assert!(m.deps[2].workspace);
        assert!(m.deps[3].optional && m.deps[3].is_table_header);
        assert_eq!(
            m.deps[4].table,
            DepTable {
                kind: DepKind::Dev,
                target: Some("cfg(unix)".into())
            }
        );
        assert_eq!(m.features["jaeger"], vec!["dep:opentelemetry-jaeger"]);
        assert!(m.deps[1].is("opentelemetry-sdk"));
    }

    #[test]
    fn crate_names_compare_as_their_canonical_forms() {
        let names = [
            "tracing-opentelemetry",
            "tracing_opentelemetry",
            "tracing-opentelemetry_",
            "opentelemetry",
            "metrics",
            "metric_s",
            "",
        ];
        for a in names {
            for b in names {
                assert_eq!(same_crate(a, b), canonical(a) == canonical(b), "{a} {b}");
            }
        }
    }

    #[test]
    fn minimum_versions_of_requirements() {
        assert_eq!(
            minimum_version("0.26"),
            Some(semver::Version::new(0, 26, 0))
        );
        assert_eq!(
            minimum_version("~0.21.1"),
            Some(semver::Version::new(0, 21, 1))
        );
        assert_eq!(
            minimum_version("=0.27.1"),
            Some(semver::Version::new(0, 27, 1))
        );
        assert_eq!(minimum_version("*"), None);
    }
}
