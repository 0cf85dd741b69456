//! Generates `src/otel/residue/removed.txt`, the generated half of the residue table: the public
//! paths (modules, types, traits, functions, constants, macros and the associated functions of
//! types that survive) and the Cargo features (`crate/feature`, implicit ones of optional
//! dependencies included) of every supported old version of a crate that the target version no
//! longer has. Run by `scripts/residue-table.sh`, which fetches the sources; by hand:
//!
//! `cargo run --example residue_table -- <crate_code_name> <target_src_dir> <old_version>=<old_src_dir>...`
//!
//! prints `<path> <kind> <first_version> <last_version>` lines, sorted. The scan is syntactic
//! (no macro expansion): `#[cfg]` and feature gates are ignored (every gated item counts), a
//! module whose target has a glob re-export from another crate is left out (its items may still
//! be there), and private modules count only through `pub use` re-exports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::{Item, UseTree, Visibility};

/// The public surface of one crate version: path → kind, and the modules whose contents can
/// not be known without the crates they glob re-export.
#[derive(Default)]
struct Surface {
    items: BTreeMap<String, &'static str>,
    opaque_modules: BTreeSet<String>,
}

/// Everything found in one module file, before re-exports are resolved.
#[derive(Default)]
struct Module {
    /// name → kind, public items defined here.
    items: BTreeMap<String, &'static str>,
    /// Associated functions of public types defined here: `Type::function`.
    associated: BTreeSet<String>,
    /// `pub use` re-exports: local name → source path (crate-relative when it starts with
    /// `crate`/`self`/`super`).
    reexports: Vec<(String, Vec<String>)>,
    globs: Vec<Vec<String>>,
    children: Vec<(String, bool)>,
    /// `#[macro_export]` macros: at the crate root whatever module defines them.
    macros: Vec<String>,
}

fn is_pub(v: &Visibility) -> bool {
    matches!(v, Visibility::Public(_))
}

fn module_file(dir: &Path, name: &str) -> Option<PathBuf> {
    [
        dir.join(format!("{name}.rs")),
        dir.join(name).join("mod.rs"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

fn collect_use(prefix: &mut Vec<String>, tree: &UseTree, m: &mut Module) {
    match tree {
        UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            collect_use(prefix, &p.tree, m);
            prefix.pop();
        }
        UseTree::Name(n) => {
            let mut full = prefix.clone();
            full.push(n.ident.to_string());
            let name = if n.ident == "self" {
                prefix.last().cloned().unwrap_or_default()
            } else {
                n.ident.to_string()
            };
            m.reexports.push((name, full));
        }
        UseTree::Rename(r) => {
            let mut full = prefix.clone();
            full.push(r.ident.to_string());
            m.reexports.push((r.rename.to_string(), full));
        }
        UseTree::Glob(_) => m.globs.push(prefix.clone()),
        UseTree::Group(g) => g.items.iter().for_each(|t| collect_use(prefix, t, m)),
    }
}

fn scan_items(items: &[Item], m: &mut Module, inline: &mut BTreeMap<String, Vec<Item>>) {
    for item in items {
        let (name, kind, public) = match item {
            Item::Fn(f) => (f.sig.ident.to_string(), "fn", is_pub(&f.vis)),
            Item::Struct(s) => (s.ident.to_string(), "struct", is_pub(&s.vis)),
            Item::Enum(e) => (e.ident.to_string(), "enum", is_pub(&e.vis)),
            Item::Trait(t) => (t.ident.to_string(), "trait", is_pub(&t.vis)),
            Item::Type(t) => (t.ident.to_string(), "type", is_pub(&t.vis)),
            Item::Const(c) => (c.ident.to_string(), "const", is_pub(&c.vis)),
            Item::Static(s) => (s.ident.to_string(), "static", is_pub(&s.vis)),
            Item::Macro(mac) if mac.attrs.iter().any(|a| a.path().is_ident("macro_export")) => {
                m.macros.extend(mac.ident.as_ref().map(|i| i.to_string()));
                continue;
            }
            Item::Mod(md) => {
                let name = md.ident.to_string();
                m.children.push((name.clone(), is_pub(&md.vis)));
                if let Some((_, items)) = &md.content {
                    inline.insert(name, items.clone());
                }
                continue;
            }
            Item::Use(u) if is_pub(&u.vis) => {
                collect_use(&mut Vec::new(), &u.tree, m);
                continue;
            }
            Item::Impl(i) if i.trait_.is_none() => {
                if let syn::Type::Path(tp) = &*i.self_ty {
                    let ty = tp.path.segments.last().unwrap().ident.to_string();
                    for it in &i.items {
                        if let syn::ImplItem::Fn(f) = it {
                            if is_pub(&f.vis) {
                                m.associated.insert(format!("{ty}::{}", f.sig.ident));
                            }
                        }
                    }
                }
                continue;
            }
            _ => continue,
        };
        if public {
            m.items.insert(name, kind);
        }
    }
}

/// Every module of the crate: crate-relative path (`a::b`) → its contents, and whether it is
/// reachable through public modules.
fn load(src: &Path) -> BTreeMap<String, (Module, bool)> {
    let mut out = BTreeMap::new();
    let mut stack: Vec<(String, PathBuf, Vec<Item>, bool)> = Vec::new();
    let lib = src.join("src/lib.rs");
    let root = syn::parse_file(&std::fs::read_to_string(&lib).unwrap()).unwrap();
    stack.push((String::new(), src.join("src"), root.items, true));
    while let Some((path, dir, items, public)) = stack.pop() {
        let mut m = Module::default();
        let mut inline = BTreeMap::new();
        scan_items(&items, &mut m, &mut inline);
        for (child, child_pub) in &m.children {
            let child_path = if path.is_empty() {
                child.clone()
            } else {
                format!("{path}::{child}")
            };
            let child_dir = dir.join(child);
            let child_items = match inline.remove(child) {
                Some(items) => Some(items),
                None => module_file(&dir, child).and_then(|f| {
                    syn::parse_file(&std::fs::read_to_string(f).ok()?)
                        .ok()
                        .map(|f| f.items)
                }),
            };
            if let Some(items) = child_items {
                stack.push((child_path, child_dir, items, public && *child_pub));
            }
        }
        out.insert(path, (m, public));
    }
    out
}

/// Resolves a `use` source path written in module `at` to a crate-relative module/item path,
/// or `None` when it leaves the crate.
fn crate_relative(at: &str, path: &[String], krate: &str) -> Option<Vec<String>> {
    let mut base: Vec<String> = if at.is_empty() {
        Vec::new()
    } else {
        at.split("::").map(str::to_string).collect()
    };
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some(first) if first == krate => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        _ => {}
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// How many `pub use …::*` hops are followed (metrics: `lib.rs` globs `recorder`, which
/// re-exports `errors::SetRecorderError`).
const GLOB_DEPTH: usize = 4;

type Modules = BTreeMap<String, (Module, bool)>;

/// The items a module exposes: its own, its crate-internal re-exports, and what its globs
/// bring in — the *exposed* items of the glob's target, so a re-export behind a glob counts.
fn exposed(
    modules: &Modules,
    krate: &str,
    path: &str,
    m: &Module,
    depth: usize,
) -> (BTreeMap<String, &'static str>, bool) {
    let mut items = m.items.clone();
    let mut opaque = false;
    for (name, source) in &m.reexports {
        let rel = crate_relative(path, source, krate).unwrap();
        let (parent, last) = rel.split_at(rel.len().saturating_sub(1));
        let kind = modules
            .get(&parent.join("::"))
            .and_then(|(pm, _)| {
                pm.items.get(&last[0]).copied().or_else(|| {
                    pm.children
                        .iter()
                        .any(|(c, _)| c == &last[0])
                        .then_some("mod")
                })
            })
            .or_else(|| modules.contains_key(&rel.join("::")).then_some("mod"));
        // A re-export from another crate is kept as an item of unknown kind.
        items.insert(name.clone(), kind.unwrap_or("use"));
        // A re-exported type brings its associated functions along.
        if let Some((pm, _)) = modules.get(&parent.join("::")) {
            let type_prefix = format!("{}::", last[0]);
            for assoc in pm.associated.iter().filter(|a| a.starts_with(&type_prefix)) {
                let function = &assoc[type_prefix.len()..];
                items.insert(format!("{name}::{function}"), "assoc");
            }
        }
    }
    for glob in &m.globs {
        let rel = crate_relative(path, glob, krate).unwrap();
        let target = rel.join("::");
        match modules.get(&target) {
            Some((gm, _)) if depth > 0 => {
                let (inner, inner_opaque) = exposed(modules, krate, &target, gm, depth - 1);
                items.extend(inner);
                opaque |= inner_opaque;
            }
            Some((gm, _)) => items.extend(gm.items.iter().map(|(k, v)| (k.clone(), *v))),
            None => opaque = true,
        }
    }
    (items, opaque)
}

fn surface(krate: &str, src: &Path) -> Surface {
    let modules = load(src);
    let mut s = Surface::default();
    let join = |m: &str, n: &str| {
        if m.is_empty() {
            format!("{krate}::{n}")
        } else {
            format!("{krate}::{m}::{n}")
        }
    };
    for (m, _) in modules.values() {
        for name in &m.macros {
            s.items.insert(format!("{krate}::{name}"), "macro");
        }
    }
    for (path, (m, public)) in &modules {
        if !public {
            continue;
        }
        let (items, opaque) = exposed(&modules, krate, path, m, GLOB_DEPTH);
        if opaque {
            s.opaque_modules.insert(path.clone());
        }
        for (name, kind) in items {
            s.items.insert(join(path, &name), kind);
        }
        for (child, child_pub) in &m.children {
            if *child_pub {
                s.items.insert(join(path, child), "mod");
            }
        }
        for assoc in &m.associated {
            let ty = assoc.split("::").next().unwrap();
            if m.items.contains_key(ty) {
                s.items.insert(join(path, assoc), "assoc");
            }
        }
    }
    s
}

/// The features of a crate version: its `[features]` and the implicit feature of every optional
/// dependency no feature names as `dep:<name>`.
fn features(src: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(src.join("Cargo.toml")).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let declared = doc.get("features").and_then(|f| f.as_table());
    let mut out: BTreeSet<String> = declared
        .map(|f| f.keys().cloned().collect())
        .unwrap_or_default();
    let dep_refs: BTreeSet<String> = declared
        .into_iter()
        .flat_map(|f| f.values())
        .filter_map(|v| v.as_array())
        .flatten()
        .filter_map(|v| v.as_str()?.strip_prefix("dep:").map(str::to_string))
        .collect();
    for key in ["dependencies", "build-dependencies"] {
        let Some(deps) = doc.get(key).and_then(|d| d.as_table()) else {
            continue;
        };
        for (name, dep) in deps {
            let optional = dep.get("optional").and_then(|o| o.as_bool()) == Some(true);
            if optional && !dep_refs.contains(name) {
                out.insert(name.clone());
            }
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [krate, target, olds @ ..] = args.as_slice() else {
        eprintln!("usage: residue_table <crate_code_name> <target_src_dir> <version>=<src_dir>...");
        std::process::exit(2);
    };
    let target_features = features(Path::new(target));
    let target = surface(krate, Path::new(target));
    // path → (kind, first version, last version)
    let mut removed: BTreeMap<String, (&'static str, String, String)> = BTreeMap::new();
    for old in olds {
        let (version, dir) = old.split_once('=').expect("<version>=<src_dir>");
        for feature in features(Path::new(dir)).difference(&target_features) {
            removed
                .entry(format!("{krate}/{feature}"))
                .and_modify(|e| e.2 = version.to_string())
                .or_insert(("feature", version.to_string(), version.to_string()));
        }
        for (path, kind) in surface(krate, Path::new(dir)).items {
            let module = path.rsplit_once("::").map_or("", |(m, _)| m);
            let module = module.strip_prefix(krate).unwrap_or(module);
            let module = module.strip_prefix("::").unwrap_or(module);
            let present = target.items.contains_key(&path)
                || target.opaque_modules.contains(module)
                || (kind == "assoc" && target.items.contains_key(&path));
            if present {
                continue;
            }
            removed
                .entry(path)
                .and_modify(|e| e.2 = version.to_string())
                .or_insert((kind, version.to_string(), version.to_string()));
        }
    }
    // A removed module or type covers what is inside it: keep only the outermost path.
    let mut last_kept: Option<String> = None;
    for (path, (kind, first, last)) in &removed {
        if let Some(k) = &last_kept {
            if path.starts_with(&format!("{k}::")) {
                continue;
            }
        }
        println!("{path} {kind} {first} {last}");
        last_kept = Some(path.clone());
    }
}
