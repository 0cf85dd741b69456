//! The layers of ARCHITECTURE.md, enforced: every `crate::…`, `super::…` and `self::…` path in
//! `src/` and `transforms/` (in `use` items and in code) is resolved to the module it names,
//! and
//! - a layer uses only the layers below it (commands → transforms → otel → engine), and the
//!   knowledge (`otel`) only the engine's text, edit, syntax, finding and ledger modules;
//! - no two modules of the crate's second level (`engine::pipeline`, `otel::imports`,
//!   `commands::cli`, `transforms::service_name`, …) use each other, directly or around a loop.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// What each layer may use besides itself (`None`: anything).
fn allowed(layer: &str, used: &[String]) -> bool {
    const KNOWLEDGE_MAY_USE: &[&str] = &[
        "source",
        "edit",
        "item_edit",
        "manifest",
        "manifest_edit",
        "syntax",
        "finding",
        "ledger",
        "changes",
    ];
    let target = used[0].as_str();
    match layer {
        "commands" => true,
        "transforms" => matches!(target, "transforms" | "otel" | "engine"),
        "otel" => {
            target == "otel"
                || (target == "engine"
                    && used
                        .get(1)
                        .is_some_and(|m| KNOWLEDGE_MAY_USE.contains(&m.as_str())))
        }
        "engine" => target == "engine",
        _ => true,
    }
}

/// `src/engine/pipeline/file.rs` → `engine::pipeline::file`; `transforms/x/mod.rs` →
/// `transforms::x`; `src/lib.rs` → the root.
fn module_of(root: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts[0] == "src" {
        parts.remove(0);
    }
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every crate-relative path a file names, resolved to absolute segments.
struct Paths {
    /// The module the visitor is in (the file's module, plus inline `mod`s).
    module: Vec<String>,
    found: BTreeSet<Vec<String>>,
}

impl Paths {
    fn resolve(&mut self, segments: Vec<String>) {
        let mut abs = match segments.first().map(String::as_str) {
            Some("crate") => Vec::new(),
            Some("self") => self.module.clone(),
            Some("super") => self.module.clone(),
            _ => return,
        };
        for (i, s) in segments.iter().enumerate() {
            match s.as_str() {
                "crate" | "self" if i == 0 => {}
                "super" => {
                    abs.pop();
                }
                _ => abs.push(s.clone()),
            }
        }
        if !abs.is_empty() {
            self.found.insert(abs);
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut path = prefix.clone();
                if n.ident != "self" {
                    path.push(n.ident.to_string());
                }
                self.resolve(path);
            }
            syn::UseTree::Rename(r) => {
                let mut path = prefix.clone();
                path.push(r.ident.to_string());
                self.resolve(path);
            }
            syn::UseTree::Glob(_) => self.resolve(prefix.clone()),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &u.tree);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        if p.leading_colon.is_none() {
            self.resolve(p.segments.iter().map(|s| s.ident.to_string()).collect());
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        self.module.push(m.ident.to_string());
        syn::visit::visit_item_mod(self, m);
        self.module.pop();
    }
}

/// The module of the crate a path lands in: its longest prefix that is a file's module.
fn owning_module<'a>(modules: &'a BTreeSet<Vec<String>>, path: &[String]) -> Option<&'a [String]> {
    (1..=path.len())
        .rev()
        .find_map(|n| modules.get(&path[..n]))
        .map(Vec::as_slice)
}

/// The second-level unit a module belongs to (`engine::pipeline` for `engine::pipeline::file`).
fn unit(module: &[String]) -> String {
    module[..module.len().min(2)].join("::")
}

#[test]
fn layers_use_only_the_layers_below_them_and_no_module_loops() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("transforms"), &mut files);
    files.retain(|f| f.file_name().is_some_and(|n| n != "main.rs"));
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(root, f)).collect();

    let mut violations = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let module = module_of(root, file);
        let Some(layer) = module.first().cloned() else {
            continue; // lib.rs declares the layers
        };
        let text = std::fs::read_to_string(file).unwrap();
        let syntax = syn::parse_file(&text).unwrap();
        let mut paths = Paths {
            module: module.clone(),
            found: BTreeSet::new(),
        };
        paths.visit_file(&syntax);
        for used in &paths.found {
            let Some(target) = owning_module(&modules, used) else {
                continue; // a root item (`crate::sdk_path_suffix`-like) or an external crate
            };
            if target.is_empty() {
                continue;
            }
            if !allowed(&layer, target) {
                violations.push(format!(
                    "{}: the {layer} layer uses `{}`",
                    file.strip_prefix(root).unwrap().display(),
                    used.join("::")
                ));
            }
            let (from, to) = (unit(&module), unit(target));
            if from != to && target.len() > 1 {
                edges.entry(from).or_default().insert(to);
            }
        }
    }
    let loops = loops(&edges);
    assert!(
        violations.is_empty() && loops.is_empty(),
        "layer violations (see ARCHITECTURE.md):\n  {}\nmodules that use each other (make the arrow one-way):\n  {}",
        violations.join("\n  "),
        loops.join("\n  ")
    );
}
/// Loops of the module graph: at least one through every set of modules that use each other
/// (a depth-first search from each unit).
fn loops(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    fn walk(
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        out: &mut BTreeSet<String>,
    ) {
        let here = stack.last().unwrap().clone();
        for next in edges.get(&here).into_iter().flatten() {
            if let Some(i) = stack.iter().position(|s| s == next) {
                let mut cycle = stack[i..].to_vec();
                let min = (0..cycle.len()).min_by_key(|&k| &cycle[k]).unwrap();
                cycle.rotate_left(min);
                cycle.push(cycle[0].clone());
                out.insert(cycle.join(" → "));
            } else if !done.contains(next) {
                stack.push(next.clone());
                walk(edges, stack, done, out);
                stack.pop();
            }
        }
        done.insert(here);
    }
    let mut out = BTreeSet::new();
    let mut done = BTreeSet::new();
    for start in edges.keys() {
        if !done.contains(start) {
            walk(edges, &mut vec![start.clone()], &mut done, &mut out);
        }
    }
    out.into_iter().collect()
}
