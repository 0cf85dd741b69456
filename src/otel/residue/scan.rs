//! Finding the residue sites of a parsed file: every path (expressions, types, patterns, macro
//! paths and the parsable parts of macro bodies), every `use` leaf, the hand-written method and
//! macro shapes.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use proc_macro2::{TokenStream, TokenTree};
use semver::Version;
use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::item_edit::use_items;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, macro_fragments, range_of, ImportMap, ParsedRust};
use crate::otel::chain::{links_range, Chain};
use crate::otel::local_binding::{let_bound_names, names_a_local};

use super::hand_written::{
    LAST_VALUE_CARRYING_METRICS, SAME_METHOD_NAMES_ELSEWHERE, SUGGESTIONS, UNIQUE_METHODS,
};

/// What to do about a removed item the table has no specific advice for.
const GENERIC_SUGGESTION: &str = "rewrite it for the target by hand (see the crate's CHANGELOG); `// otel-migrate: allow(residue)` keeps it if that is intended";
use super::table::{target_of, OldVersions, TABLE};
use crate::otel::{observable_calls, sdk_provider_reads};

/// One old item still used, where and what to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub range: TextRange,
    /// The old item, resolved (`opentelemetry::metrics::Unit`).
    pub item: String,
    pub severity: Severity,
    pub message: String,
    pub suggestion: String,
}

/// The residue sites of `rust` for a package on `versions`, in text order.
pub fn scan(rust: ParsedRust<'_>, versions: &OldVersions) -> Vec<Site> {
    let mut s = Scan::new(rust, versions);
    s.visit_file(rust.syntax);
    for (method, range) in observable_calls::observe_calls(rust, &|c| versions.of(c).is_some()) {
        s.check_path(&method, range);
    }
    s.check_provider_reads();
    s.into_sites()
}

/// The residue sites of `rust`'s `use` items alone (outside macro bodies), as [`scan`] finds
/// them: a `use` leaf's verdict reads nothing else the file's scan gathers, and most of a
/// file's scan is its bodies.
pub fn scan_uses(rust: ParsedRust<'_>, versions: &OldVersions) -> Vec<Site> {
    let mut s = Scan::new(rust, versions);
    for u in use_items(rust.syntax) {
        s.visit_item_use(u);
    }
    s.into_sites()
}

impl<'a> Scan<'a> {
    fn new(rust: ParsedRust<'a>, versions: &'a OldVersions) -> Self {
        Scan {
            syntax: rust.syntax,
            file: rust.file,
            imports: rust.imports,
            versions,
            sites: Vec::new(),
            chains: HashMap::new(),
            local_items: local_items(rust.syntax),
            let_names: OnceCell::new(),
        }
    }

    /// The sites in text order, one per range and item; warnings only for crates not yet on
    /// the target.
    fn into_sites(self) -> Vec<Site> {
        let (versions, mut sites) = (self.versions, self.sites);
        sites.sort_by_key(|site| (site.range.start, site.range.end));
        sites.dedup_by(|a, b| a.range == b.range && a.item == b.item);
        sites.retain(|site| {
            let krate = site.item.split([':', '/']).next().unwrap_or_default();
            site.severity == Severity::Error || !versions.on_target(krate)
        });
        sites
    }
}

struct Scan<'a> {
    syntax: &'a syn::File,
    file: &'a SourceFile,
    imports: &'a ImportMap,
    versions: &'a OldVersions,
    sites: Vec<Site>,
    /// The whole chain a root path starts (`new_pipeline()…install_batch(..)`), by the start
    /// of the path: a site at a chain's root covers every call in it.
    chains: HashMap<usize, TextRange>,
    /// Names the file defines itself (items, and bindings anywhere: parameters, `let`s):
    /// they shadow anything a glob import brings in.
    local_items: HashSet<String>,
    /// The names `let`s of the file bind, read once when a name first needs them.
    let_names: OnceCell<HashSet<String>>,
}

impl<'a> Scan<'a> {
    fn rust(&self) -> ParsedRust<'a> {
        ParsedRust {
            file: self.file,
            syntax: self.syntax,
            imports: self.imports,
        }
    }
}

/// The names of the items the file defines and of the bindings it makes (at any depth; a
/// name bound anywhere is taken as bound everywhere: quiet rather than wrong).
fn local_items(syntax: &syn::File) -> HashSet<String> {
    struct Names(HashSet<String>);
    impl<'ast> Visit<'ast> for Names {
        fn visit_item(&mut self, item: &'ast syn::Item) {
            let ident = match item {
                syn::Item::Const(i) => Some(&i.ident),
                syn::Item::Enum(i) => Some(&i.ident),
                syn::Item::Fn(i) => Some(&i.sig.ident),
                syn::Item::Mod(i) => Some(&i.ident),
                syn::Item::Static(i) => Some(&i.ident),
                syn::Item::Struct(i) => Some(&i.ident),
                syn::Item::Trait(i) => Some(&i.ident),
                syn::Item::Type(i) => Some(&i.ident),
                syn::Item::Union(i) => Some(&i.ident),
                _ => None,
            };
            self.0.extend(ident.map(ident_str));
            syn::visit::visit_item(self, item);
        }
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            self.0.insert(ident_str(&p.ident));
            syn::visit::visit_pat_ident(self, p);
        }
    }
    let mut names = Names(HashSet::new());
    names.visit_file(syntax);
    names.0
}

impl Scan<'_> {
    /// A site when `resolved` (or an outer part of it) is a removed item of an old crate.
    fn check_path(&mut self, resolved: &[String], range: TextRange) {
        let Some((krate, version)) = resolved.first().and_then(|f| self.versions.of(f)) else {
            return;
        };
        let version = version.clone();
        // opentelemetry 0.20 re-exported its SDK as `opentelemetry::sdk`: an item reached that
        // way is also the table's `opentelemetry_sdk` one, on the same version (a removed SDK
        // item is the site, not the re-export, which `sdk-facade-paths` moves).
        if let [_, sdk, rest @ ..] = resolved {
            if krate == "opentelemetry" && sdk == "sdk" && !rest.is_empty() {
                let in_sdk: Vec<String> = std::iter::once("opentelemetry_sdk".to_string())
                    .chain(rest.iter().cloned())
                    .collect();
                if self.removed_site("opentelemetry_sdk", &version, &in_sdk, range) {
                    return;
                }
            }
        }
        self.removed_site(krate, &version, resolved, range);
    }

    /// A site when `resolved` (or an outer part of it) is a removed item of `krate` at
    /// `version`; whether it was one.
    fn removed_site(
        &mut self,
        krate: &'static str,
        version: &Version,
        resolved: &[String],
        range: TextRange,
    ) -> bool {
        let mut path = krate.to_string();
        for len in 1..=resolved.len() {
            if len > 1 {
                path.push_str("::");
                path.push_str(&resolved[len - 1]);
            }
            let Some(entry) = TABLE.removed.get(&path) else {
                continue;
            };
            if version > &entry.last {
                continue;
            }
            let message = match entry.message {
                Some(m) => format!("{m}; this use was not migrated"),
                None => format!(
                    "`{path}` ({}) is gone in {} {} (last in {}); this use was not migrated",
                    entry.kind,
                    krate,
                    target_of(krate),
                    entry.last
                ),
            };
            let range = match self.chains.get(&range.start) {
                Some(chain) if chain.end > range.end => *chain,
                _ => range,
            };
            let suggestion = SUGGESTIONS
                .iter()
                .find(|(item, _)| *item == path)
                .map_or(GENERIC_SUGGESTION, |(_, s)| s);
            self.sites.push(Site {
                range,
                item: path,
                severity: Severity::Error,
                message,
                suggestion: suggestion.to_string(),
            });
            return true;
        }
        false
    }

    /// From the method's name to the end of its call (`install_batch(..)` of `p.install_batch(..)`).
    fn method_range(&self, chain: &Chain<'_>, call: &syn::ExprMethodCall) -> TextRange {
        let link = chain.links.last().expect("the call itself");
        TextRange::new(
            link.name_range(self.file).start,
            range_of(self.file, call).end,
        )
    }

    /// A path whose first name no `use` binds and the file does not define, through each glob
    /// import of a scanned crate (`use opentelemetry_otlp::*;` then `new_pipeline()`).
    /// `single` allows one-segment paths (called functions and types: a lone name in an
    /// expression may be a local variable).
    fn check_through_globs(&mut self, p: &syn::Path, single: bool) {
        let Some(first) = p.segments.first() else {
            return;
        };
        let name = ident_str(&first.ident);
        if p.leading_colon.is_some()
            || (p.segments.len() == 1 && !single)
            || self.imports.binds(&name)
            || self.local_items.contains(&name)
            || self.versions.of(&name).is_some()
        {
            return;
        }
        let segments: Vec<String> = p.segments.iter().map(|s| ident_str(&s.ident)).collect();
        let range = range_of(self.file, p);
        let candidates: Vec<Vec<String>> = self.imports.through_globs(&segments).collect();
        for full in candidates {
            let before = self.sites.len();
            self.check_path(&full, range);
            if self.sites.len() > before {
                return;
            }
        }
    }

    /// A method only a removed API has (`install_batch`, `build_span_exporter`) on a receiver
    /// the scan cannot type: a site when the file names the crate and no other crate that has
    /// methods of that name, and the chain does not start at a path of the crate (that path is
    /// the site).
    fn check_unique_method(&mut self, call: &syn::ExprMethodCall) {
        let name = ident_str(&call.method);
        let Some(method) = UNIQUE_METHODS.iter().find(|m| m.method == name) else {
            return;
        };
        let Some(code) = self.versions.code_of(method.krate) else {
            return;
        };
        let names_crate =
            self.imports.imports_from(code) || self.file.text.contains(&format!("{code}::"));
        if !names_crate
            || SAME_METHOD_NAMES_ELSEWHERE
                .iter()
                .any(|c| self.file.text.contains(c))
        {
            return;
        }
        let chain = Chain::read_call(call);
        let called = matches!(chain.root, syn::Expr::Call(_));
        if chain
            .root_path()
            .is_some_and(|root| self.in_scanned_crate(root, called))
        {
            return;
        }
        let range = self.method_range(&chain, call);
        self.sites.push(Site {
            range,
            item: method.item.to_string(),
            severity: Severity::Error,
            message: format!("{}; this call was not migrated", method.message),
            suggestion: "rewrite the pipeline for the target by hand (see the crate's CHANGELOG); `// otel-migrate: allow(residue)` keeps it if that is intended".to_string(),
        });
    }

    /// Whether `path` names something of a scanned crate, directly, through an import, or
    /// possibly through a glob import of one (a lone name only when `called`: otherwise it
    /// is a local).
    fn in_scanned_crate(&self, path: &syn::Path, called: bool) -> bool {
        let resolved = self.imports.resolve(path);
        let Some(first) = resolved.first() else {
            return false;
        };
        self.versions.of(first).is_some()
            || ((called || path.segments.len() > 1)
                && !self.imports.binds(first)
                && !self.local_items.contains(first)
                && self
                    .imports
                    .through_globs(&[])
                    .any(|g| g.first().is_some_and(|f| self.versions.of(f).is_some())))
    }

    fn check_use(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(ident_str(&p.ident));
                self.check_use(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut full = prefix.clone();
                if n.ident != "self" {
                    full.push(ident_str(&n.ident));
                }
                self.check_path(&full, range_of(self.file, &n.ident));
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                if r.ident != "self" {
                    full.push(ident_str(&r.ident));
                }
                self.check_path(&full, range_of(self.file, &r.ident));
            }
            syn::UseTree::Glob(g) => {
                self.check_path(&prefix.clone(), range_of(self.file, g));
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.check_use(prefix, t);
                }
            }
        }
    }

    /// `.init()` on an instrument builder and the other hand-written method shapes.
    /// `.provider()` of an SDK tracer or logger the rewrite did not bind (a parameter, a
    /// typed `let`, a field): crate-private (tracer) or changed and deprecated (logger) on 0.27.
    fn check_provider_reads(&mut self) {
        if self.versions.version_of("opentelemetry_sdk").is_none()
            && self.versions.version_of("opentelemetry").is_none()
        {
            return;
        }
        for (range, item) in sdk_provider_reads::provider_reads(self.rust()) {
            let (message, provider) = if item.contains("Tracer") {
                ("`Tracer::provider()` of the SDK is crate-private in opentelemetry_sdk 0.27 (public, returning `Option<TracerProvider>`, in 0.21): this call does not compile there", "TracerProvider")
            } else {
                ("`Logger::provider()` of the SDK returns `&LoggerProvider` in opentelemetry_sdk 0.27 (was `Option<LoggerProvider>`) and is deprecated", "LoggerProvider")
            };
            self.sites.push(Site {
                range,
                item: item.to_string(),
                severity: Severity::Error,
                message: format!("{message}; this call was not migrated"),
                suggestion: format!("keep the `{provider}` the migrated setup builds (`{provider}::builder()…build()`, which the install now returns) and pass it here beside, or instead of, the tracer or logger"),
            });
        }
    }

    fn check_method_shape(&mut self, call: &syn::ExprMethodCall) {
        let name = ident_str(&call.method);
        for shape in TABLE.methods.iter().filter(|s| s.method == name) {
            if self.versions.version_of(shape.krate).is_none() {
                continue;
            }
            let chain = Chain::read_call(call);
            let earlier = &chain.links[..chain.links.len() - 1];
            if !earlier
                .iter()
                .any(|l| shape.after.contains(&l.name.as_str()))
            {
                continue;
            }
            let range = links_range(self.file, &chain.links, range_of(self.file, call));
            self.sites.push(Site {
                range,
                item: shape.item.to_string(),
                severity: shape.severity,
                message: format!("{}; this call was not migrated", shape.message),
                suggestion: shape.suggestion.to_string(),
            });
        }
    }

    /// A builder setter the target removed, on a chain whose root names its type:
    /// `BatchConfig::default().with_max_queue_size(..)`. The setter may live on in a trait the
    /// scan cannot see: a warning.
    fn check_setter(&mut self, call: &syn::ExprMethodCall) {
        let name = ident_str(&call.method);
        if !name.starts_with("with_") {
            return;
        }
        let chain = Chain::read_call(call);
        let Some(root) = chain.root_path() else {
            return;
        };
        let resolved = self.imports.resolve(root);
        if resolved.len() < 2 || !chain.links.iter().all(|l| l.name.starts_with("with_")) {
            return;
        }
        let Some((krate, version)) = self.versions.of(&resolved[0]) else {
            return;
        };
        let ty = &resolved[1..resolved.len() - 1];
        let item = std::iter::once(krate)
            .chain(ty.iter().map(String::as_str))
            .chain([name.as_str()])
            .collect::<Vec<_>>()
            .join("::");
        let Some(entry) = TABLE.removed.get(&item) else {
            return;
        };
        if version > &entry.last {
            return;
        }
        let range = self.method_range(&chain, call);
        self.sites.push(Site {
            range,
            message: format!(
                "`{item}` is no longer a method of its type in {krate} {} (last in {}); this call was not migrated",
                target_of(krate),
                entry.last
            ),
            item,
            severity: Severity::Warning,
            suggestion: "use the target's builder for these settings, or import the trait that has the method now".to_string(),
        });
    }

    /// `counter!("name", 1, …);`: metrics 0.21's value-carrying form, used as a statement.
    fn check_value_macro(&mut self, mac: &syn::Macro) {
        let Some(last) = mac.path.segments.last() else {
            return;
        };
        let name = ident_str(&last.ident);
        let Some(shape) = TABLE.macros.iter().find(|m| m.name == name) else {
            return;
        };
        let Some(version) = self.versions.version_of("metrics") else {
            return;
        };
        if (version.major, version.minor) > LAST_VALUE_CARRYING_METRICS {
            return;
        }
        let resolved = self.imports.resolve(&mac.path);
        let is_metrics = resolved.len() == 1
            || self.versions.of(&resolved[0]).map(|(k, _)| k) == Some("metrics");
        if !is_metrics || top_level_args(&mac.tokens) < 2 {
            return;
        }
        self.sites.push(Site {
            range: range_of(self.file, mac),
            item: format!("metrics::{name}"),
            severity: Severity::Error,
            message: format!("`{name}!(name, value, …)` is metrics 0.21's value-carrying form; metrics 0.24's `{name}!` takes no value; this call was not migrated"),
            suggestion: format!("write `{name}!(name, labels…).{}(value)`", shape.value_method),
        });
    }
}

/// How many comma-separated arguments a macro body has (a trailing comma adds none).
fn top_level_args(tokens: &TokenStream) -> usize {
    let mut args = 0;
    let mut pending = false;
    for t in tokens.clone() {
        match t {
            TokenTree::Punct(p) if p.as_char() == ',' => {
                args += usize::from(pending);
                pending = false;
            }
            _ => pending = true,
        }
    }
    args + usize::from(pending)
}

impl<'ast> Visit<'ast> for Scan<'_> {
    fn visit_path(&mut self, p: &'ast syn::Path) {
        if p.segments
            .first()
            .is_some_and(|s| s.ident != "crate" && s.ident != "self" && s.ident != "super")
        {
            let resolved = self.imports.resolve(p);
            self.check_path(&resolved, range_of(self.file, p));
            self.check_through_globs(p, false);
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        // A local shadowing an imported item of the same name (`let logger_provider = …;`).
        let shadowed = |name: &syn::Ident| {
            let name = ident_str(name);
            self.local_items.contains(&name)
                && self.imports.binds(&name)
                && self
                    .let_names
                    .get_or_init(|| let_bound_names(self.syntax))
                    .contains(&name)
                && names_a_local(self.rust(), p)
        };
        if p.qself.is_none() && p.path.get_ident().is_some_and(shadowed) {
            return;
        }
        syn::visit::visit_expr_path(self, p);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(f) = &*call.func {
            if f.path.segments.len() == 1 && f.qself.is_none() {
                self.check_through_globs(&f.path, true);
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_type_path(&mut self, t: &'ast syn::TypePath) {
        if t.path.segments.len() == 1 && t.qself.is_none() {
            self.check_through_globs(&t.path, true);
        }
        syn::visit::visit_type_path(self, t);
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.check_use(&mut Vec::new(), &u.tree);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        // The outermost call of a chain is visited first: it gives the chain's extent.
        if let Some(root) = Chain::read_call(call).root_path() {
            let whole = range_of(self.file, call);
            self.chains
                .entry(range_of(self.file, root).start)
                .or_insert(whole);
        }
        self.check_method_shape(call);
        self.check_setter(call);
        self.check_unique_method(call);
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
        match stmt {
            syn::Stmt::Macro(m) => self.check_value_macro(&m.mac),
            syn::Stmt::Expr(syn::Expr::Macro(m), Some(_)) => self.check_value_macro(&m.mac),
            _ => {}
        }
        syn::visit::visit_stmt(self, stmt);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        syn::visit::visit_macro(self, mac);
        macro_fragments(mac).visit_with(self);
    }
}
