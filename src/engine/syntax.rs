//! Rust syntax helpers shared by every transform: spans to byte ranges of the original file,
//! the per-file import map that resolves names through `use` items and aliases, comment
//! detection inside a range, and the parsable fragments of macro bodies.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::source::SourceFile;

/// The byte range of `span` in `file.text` (span offsets are relative to the text after the
/// BOM and shebang; see [`SourceFile::base_offset`]).
pub fn range_of_span(file: &SourceFile, span: Span) -> TextRange {
    let r = span.byte_range();
    TextRange::new(r.start + file.base_offset, r.end + file.base_offset)
}

/// The byte range a syntax node covers, from its first to its last token.
pub fn range_of<T: Spanned + ?Sized>(file: &SourceFile, node: &T) -> TextRange {
    range_of_span(file, node.span())
}

/// The original text of a node: what a template splices in so the user's code stays as written.
pub fn text_of<'f, T: Spanned + ?Sized>(file: &'f SourceFile, node: &T) -> &'f str {
    file.slice(range_of(file, node))
}

/// Comments (`//…`, `/*…*/`) inside `range`, found by scanning the text while skipping string,
/// raw string and char literals. syn does not see comments, so a transform that replaces a range
/// must carry these over or report the site.
pub fn comments_in(file: &SourceFile, range: TextRange) -> Vec<TextRange> {
    let text = &file.text[range.start..range.end];
    scan_comments(text)
        .into_iter()
        .map(|r| TextRange::new(r.start + range.start, r.end + range.start))
        .collect()
}

fn scan_comments(text: &str) -> Vec<TextRange> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
                let end = if end > i && b[end - 1] == b'\r' {
                    end - 1
                } else {
                    end
                };
                out.push(TextRange::new(i, end));
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let start = i;
                let mut depth = 0usize;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                out.push(TextRange::new(start, i.min(b.len())));
            }
            b'r' if is_raw_string_start(b, i) => {
                let mut j = i + 1;
                let mut hashes = 0;
                while b.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                j += 1; // the opening quote
                let closing: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                i = find_from(b, j, &closing).map_or(b.len(), |n| n + closing.len());
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'\'' => {
                // A char literal ('x', '\n', '\u{..}') or a lifetime ('a): only skip literals.
                if b.get(i + 1) == Some(&b'\\') {
                    i = memchr::memchr(b'\'', &b[i + 2..]).map_or(b.len(), |n| i + 2 + n + 1);
                } else if let Some(c) = text[i + 1..].chars().next() {
                    let after = i + 1 + c.len_utf8();
                    i = if b.get(after) == Some(&b'\'') {
                        after + 1
                    } else {
                        i + 1
                    };
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out
}

fn is_raw_string_start(b: &[u8], i: usize) -> bool {
    let prev_is_ident = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
    if prev_is_ident && !(i > 0 && b[i - 1] == b'b') {
        return false;
    }
    let mut j = i + 1;
    while b.get(j) == Some(&b'#') {
        j += 1;
    }
    b.get(j) == Some(&b'"')
}

fn find_from(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// One parsed Rust file as the knowledge layer sees it: its text, its syntax tree and its
/// imports, without the run around it (no package, config or pipeline).
#[derive(Clone, Copy)]
pub struct ParsedRust<'a> {
    pub file: &'a SourceFile,
    pub syntax: &'a syn::File,
    pub imports: &'a ImportMap,
}

/// Parses `src` (as `t.rs`) and hands it to `f`: how unit tests get a [`ParsedRust`] without a
/// run.
#[cfg(test)]
pub fn with_parsed<T>(src: &str, f: impl FnOnce(ParsedRust<'_>) -> T) -> T {
    let file = SourceFile::new("t.rs", src.to_string());
    let syntax = file.parse_rust().expect("the test's source parses");
    let imports = ImportMap::of_file(&syntax);
    f(ParsedRust {
        file: &file,
        syntax: &syntax,
        imports: &imports,
    })
}

/// What the file's `use` items bring into scope: local name → full path segments.
/// `use opentelemetry_jaeger as jaeger;` maps `jaeger` → `opentelemetry_jaeger`;
/// `use opentelemetry::{global, sdk::trace as sdktrace};` maps `sdktrace` →
/// `opentelemetry::sdk::trace`. Glob imports are kept as prefixes.
#[derive(Debug, Default, Clone)]
pub struct ImportMap {
    names: BTreeMap<String, Vec<String>>,
    globs: Vec<Vec<String>>,
    /// Paths through which the package reaches a crate another member re-exports.
    reexports: Vec<Reexport>,
}

/// A crate a package reaches through another workspace member that re-exports it
/// (`pub use opentelemetry_otlp;` in member `shared`): the code names it
/// `shared::opentelemetry_otlp::…` without declaring it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reexport {
    /// The path the code names the crate by: the member as the package calls it, then the
    /// name the member re-exports it under.
    pub through: Vec<String>,
    /// The crate's name in code (`opentelemetry_otlp`).
    pub krate: String,
}

impl Reexport {
    /// `path` with a leading `through` replaced by the crate's own name.
    fn collapse(reexports: &[Reexport], path: &mut Vec<String>) {
        if let Some(r) = reexports.iter().find(|r| path.starts_with(&r.through)) {
            path.splice(..r.through.len(), [r.krate.clone()]);
        }
    }
}

impl ImportMap {
    /// Every `use` in the file, at any depth (functions and modules import too).
    pub fn of_file(file: &syn::File) -> ImportMap {
        struct Collect(ImportMap);
        impl<'ast> Visit<'ast> for Collect {
            fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
                self.0.add_tree(&mut Vec::new(), &u.tree);
            }
        }
        let mut c = Collect(ImportMap::default());
        c.visit_file(file);
        c.0
    }

    /// The map of a file in a package that reaches crates through re-exports: a path through
    /// one (`shared::opentelemetry_otlp::new_pipeline`, or a `use` of it) resolves as the
    /// crate's own (`opentelemetry_otlp::new_pipeline`).
    pub fn reaching(mut self, reexports: &[Reexport]) -> ImportMap {
        if reexports.is_empty() {
            return self;
        }
        for path in self.names.values_mut().chain(self.globs.iter_mut()) {
            Reexport::collapse(reexports, path);
        }
        self.reexports = reexports.to_vec();
        self
    }

    /// The full paths `segments` may name through the file's glob imports (`use a::b::*;` and
    /// `X::f` give `a::b::X::f`): a name no `use` binds may come from any of them.
    pub fn through_globs<'s>(
        &'s self,
        segments: &'s [String],
    ) -> impl Iterator<Item = Vec<String>> + 's {
        self.globs
            .iter()
            .map(move |g| g.iter().chain(segments).cloned().collect())
    }

    /// Whether a `use` anywhere in the file binds `name`.
    pub fn binds(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    fn add_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(ident_str(&p.ident));
                self.add_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = ident_str(&n.ident);
                if name == "self" {
                    if let Some(last) = prefix.last().cloned() {
                        self.names.insert(last, prefix.clone());
                    }
                } else {
                    let mut full = prefix.clone();
                    full.push(name.clone());
                    self.names.insert(name, full);
                }
            }
            syn::UseTree::Rename(r) => {
                let alias = ident_str(&r.rename);
                if alias == "_" {
                    return;
                }
                let mut full = prefix.clone();
                let name = ident_str(&r.ident);
                if name != "self" {
                    full.push(name);
                }
                self.names.insert(alias, full);
            }
            syn::UseTree::Glob(_) => self.globs.push(prefix.clone()),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.add_tree(prefix, t);
                }
            }
        }
    }

    /// The full path a path expression or type refers to, resolved through the imports.
    /// `crate::`/`self::`/`super::` paths and unknown single names are returned as written.
    pub fn resolve(&self, path: &syn::Path) -> Vec<String> {
        let segments: Vec<String> = path.segments.iter().map(|s| ident_str(&s.ident)).collect();
        self.resolve_segments(&segments)
    }

    pub fn resolve_segments(&self, segments: &[String]) -> Vec<String> {
        let Some(first) = segments.first() else {
            return Vec::new();
        };
        let mut resolved = match self.names.get(first) {
            Some(full) => full
                .iter()
                .cloned()
                .chain(segments[1..].iter().cloned())
                .collect(),
            None => segments.to_vec(),
        };
        Reexport::collapse(&self.reexports, &mut resolved);
        resolved
    }

    /// Whether `path` resolves into one of `crates` (its first segment, through the imports),
    /// checked without allocating: the cheap reject before [`ImportMap::resolve`].
    pub fn resolves_into(&self, path: &syn::Path, crates: &[&str]) -> bool {
        let Some(first) = path.segments.first() else {
            return false;
        };
        match self.names.get(&ident_str(&first.ident)) {
            Some(full) => full.first().is_some_and(|r| crates.contains(&r.as_str())),
            None if self.reexports.iter().any(|r| first.ident == r.through[0]) => self
                .resolve(path)
                .first()
                .is_some_and(|r| crates.contains(&r.as_str())),
            None => crates.iter().any(|c| first.ident == c),
        }
    }

    /// Whether `path` names the item `expected` (e.g. `["opentelemetry_jaeger",
    /// "new_agent_pipeline"]`): through an import or alias, fully qualified, or through a glob
    /// import of its parent module.
    pub fn is(&self, path: &syn::Path, expected: &[&str]) -> bool {
        // Cheap reject without allocating (this runs for every path of every file): resolving
        // only replaces the first segment, so the last one must already match unless the path
        // is a single imported name (an alias).
        let (Some(last), Some(want)) = (path.segments.last(), expected.last()) else {
            return false;
        };
        if last.ident != want
            && (path.segments.len() > 1 || !self.names.contains_key(&ident_str(&last.ident)))
        {
            return false;
        }
        let resolved = self.resolve(path);
        let trimmed: &[String] = match resolved.first().map(String::as_str) {
            Some("") | Some("crate") => &resolved[..],
            _ => &resolved[..],
        };
        if trimmed
            .iter()
            .map(String::as_str)
            .eq(expected.iter().copied())
        {
            return true;
        }
        // `::opentelemetry_jaeger::x` has a leading empty segment in none of syn's paths, but
        // a glob import may bring the last segment into scope.
        if path.segments.len() == 1 {
            let name = ident_str(&path.segments[0].ident);
            if expected.last() == Some(&name.as_str()) {
                let parent = &expected[..expected.len() - 1];
                return self
                    .globs
                    .iter()
                    .any(|g| g.iter().map(String::as_str).eq(parent.iter().copied()));
            }
        }
        false
    }

    /// The local name under which `full` is imported, if it is.
    pub fn local_name_of(&self, full: &[&str]) -> Option<&str> {
        self.names
            .iter()
            .find(|(_, path)| path.iter().map(String::as_str).eq(full.iter().copied()))
            .map(|(name, _)| name.as_str())
    }

    /// Whether any import starts with the crate `krate` (e.g. `opentelemetry_jaeger`).
    pub fn imports_from(&self, krate: &str) -> bool {
        self.names
            .values()
            .any(|p| p.first().is_some_and(|s| s == krate))
            || self
                .globs
                .iter()
                .any(|p| p.first().is_some_and(|s| s == krate))
    }
}

/// An identifier as written, without the `r#` of a raw identifier.
pub fn ident_str(ident: &proc_macro2::Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_string).unwrap_or(s)
}

/// The parsable content of a macro call's body, with spans into the original file.
#[derive(Default)]
pub struct MacroFragments {
    pub items: Vec<syn::Item>,
    pub stmts: Vec<syn::Stmt>,
    pub exprs: Vec<syn::Expr>,
    /// Token ranges that parsed as none of the above (reported by transforms that need them).
    pub opaque: Vec<TokenStream>,
}

impl MacroFragments {
    pub fn is_fully_parsed(&self) -> bool {
        self.opaque.is_empty()
    }

    /// Visits every parsed fragment with `v`.
    pub fn visit_with<V: for<'a> Visit<'a>>(&self, v: &mut V) {
        for i in &self.items {
            v.visit_item(i);
        }
        for s in &self.stmts {
            v.visit_stmt(s);
        }
        for e in &self.exprs {
            v.visit_expr(e);
        }
    }
}

/// Parses a macro body the way it most likely reads: comma-separated expressions (`info!`,
/// `vec!`, `format!`), statements, or items; failing that, it splits the tokens at top-level
/// `;`, `,`, `=` and `=>` and parses each piece, and looks into brace groups (`cfg_if!`,
/// `tokio::select!`, `lazy_static!`). `macro_rules!` definitions are never looked into.
pub fn macro_fragments(mac: &syn::Macro) -> MacroFragments {
    let mut out = MacroFragments::default();
    if mac.path.is_ident("macro_rules") {
        return out;
    }
    parse_tokens_into(mac.tokens.clone(), &mut out);
    out
}

fn parse_tokens_into(tokens: TokenStream, out: &mut MacroFragments) {
    if tokens.is_empty() {
        return;
    }
    if let Ok(exprs) =
        Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated.parse2(tokens.clone())
    {
        out.exprs.extend(exprs);
        return;
    }
    if let Ok(stmts) = syn::Block::parse_within.parse2(tokens.clone()) {
        out.stmts.extend(stmts);
        return;
    }
    if let Ok(file) = syn::parse2::<syn::File>(tokens.clone()) {
        out.items.extend(file.items);
        return;
    }
    if let Some(statics) = lazy_statics(&tokens) {
        out.items.extend(statics);
        return;
    }
    // Split at top-level separators and try each piece; recurse into brace groups.
    let mut piece = TokenStream::new();
    let mut pieces = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        match &tt {
            TokenTree::Punct(p) if matches!(p.as_char(), ';' | ',') => {
                pieces.push(std::mem::take(&mut piece));
            }
            TokenTree::Punct(p) if p.as_char() == '=' => {
                if let Some(TokenTree::Punct(next)) = iter.peek() {
                    if next.as_char() == '>' {
                        iter.next();
                    } else if next.as_char() == '=' {
                        piece.extend([tt.clone()]);
                        continue;
                    }
                }
                pieces.push(std::mem::take(&mut piece));
            }
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                pieces.push(std::mem::take(&mut piece));
                parse_tokens_into(g.stream(), out);
            }
            _ => piece.extend([tt]),
        }
    }
    pieces.push(piece);
    for p in pieces {
        // `tracing` field values carry a `?` (Debug) or `%` (Display) sigil.
        let p: TokenStream = match p.clone().into_iter().next() {
            Some(TokenTree::Punct(s)) if matches!(s.as_char(), '?' | '%') => {
                p.into_iter().skip(1).collect()
            }
            _ => p,
        };
        if p.is_empty() {
            continue;
        }
        match syn::parse2::<syn::Expr>(p.clone()) {
            Ok(e) => out.exprs.push(e),
            Err(_) => out.opaque.push(p),
        }
    }
}

/// `lazy_static!`'s declarations (`[pub] static ref NAME: Type = value;`, each ended by `;`)
/// read as the statics they stand for: the `ref` after `static` is dropped, every other token
/// keeps its span, so a type or a value inside is visited like any other.
fn lazy_statics(tokens: &TokenStream) -> Option<Vec<syn::Item>> {
    let mut items = Vec::new();
    let mut current = TokenStream::new();
    let mut after_static = false;
    let mut saw_ref = false;
    for tt in tokens.clone() {
        if after_static && matches!(&tt, TokenTree::Ident(i) if i == "ref") {
            saw_ref = true;
            after_static = false;
            continue;
        }
        after_static = matches!(&tt, TokenTree::Ident(i) if i == "static");
        let ends = matches!(&tt, TokenTree::Punct(p) if p.as_char() == ';');
        current.extend([tt]);
        if ends {
            match syn::parse2::<syn::Item>(std::mem::take(&mut current)).ok()? {
                item @ syn::Item::Static(_) => items.push(item),
                _ => return None,
            }
        }
    }
    (saw_ref && current.is_empty()).then_some(items)
}

/// The byte range a token stream covers, from its first to its last token.
pub fn range_of_tokens(file: &SourceFile, tokens: &TokenStream) -> Option<TextRange> {
    let mut iter = tokens.clone().into_iter();
    let first = iter.next()?;
    let last = iter.last().unwrap_or_else(|| first.clone());
    let start = range_of_span(file, first.span()).start;
    let end = range_of_span(file, last.span()).end;
    Some(TextRange::new(start, end.max(start)))
}

/// Whether a token stream mentions any of `idents` (for reporting opaque macro bodies).
pub fn tokens_mention(tokens: &TokenStream, idents: &[&str]) -> bool {
    tokens.clone().into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => idents.iter().any(|n| i == n),
        TokenTree::Group(g) => tokens_mention(&g.stream(), idents),
        _ => false,
    })
}

/// The module path of a file of the package: `src/lib.rs` → `[]`, `src/a/b.rs` → `[a, b]`;
/// other crate roots (`src/bin/x.rs`, `tests/x.rs`) get a `#`-marked first segment.
pub fn module_path(pkg_dir: &Path, path: &Path) -> Vec<String> {
    let rel = path.strip_prefix(pkg_dir).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let (root, rest): (Vec<String>, &[String]) = match parts.as_slice() {
        [src, bin, rest @ ..] if src == "src" && bin == "bin" && !rest.is_empty() => {
            let first = rest[0].trim_end_matches(".rs").to_string();
            (vec![format!("#bin:{first}")], &rest[1..])
        }
        [src, rest @ ..] if src == "src" => (Vec::new(), rest),
        [dir, rest @ ..] if !rest.is_empty() => {
            let first = rest[0].trim_end_matches(".rs").to_string();
            (vec![format!("#{dir}:{first}")], &rest[1..])
        }
        _ => (Vec::new(), &[][..]),
    };
    let mut out = root;
    for (i, p) in rest.iter().enumerate() {
        let last = i + 1 == rest.len();
        if last {
            let stem = p.trim_end_matches(".rs");
            if !(matches!(stem, "mod" | "main") || (stem == "lib" && out.is_empty() && i == 0)) {
                out.push(stem.to_string());
            }
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// The written segments of a path (`config::AGENT` → `[config, AGENT]`).
pub fn path_segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| ident_str(&s.ident)).collect()
}

/// The (module, name) a resolved path used in `file` (module `module` of crate `lib`) names: a
/// single name is an item of the module itself; else as [`absolutize`], with the modules `file`
/// declares.
pub fn item_named_in(
    file: &syn::File,
    module: &[String],
    resolved: &[String],
    lib: &str,
) -> Option<(Vec<String>, String)> {
    if let [name] = resolved {
        return Some((module.to_vec(), name.clone()));
    }
    let mod_decls = file
        .items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Mod(m) => Some(ident_str(&m.ident)),
            _ => None,
        })
        .collect();
    absolutize(module, resolved, &mod_decls, lib)
}

/// The (module, name) a path used in module `module` refers to, when it stays in the crate.
pub fn absolutize(
    module: &[String],
    segments: &[String],
    mod_decls: &BTreeSet<String>,
    lib: &str,
) -> Option<(Vec<String>, String)> {
    let (name, path) = segments.split_last()?;
    // `llm_edge_proxy::names::X` from a binary or test of the package: the library's module.
    if path.first().is_some_and(|f| f == lib) {
        return Some((path[1..].to_vec(), name.clone()));
    }
    let root: Vec<String> = module
        .first()
        .filter(|m| m.starts_with('#'))
        .cloned()
        .into_iter()
        .collect();
    let mut out: Vec<String>;
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => {
            out = root;
            rest = &path[1..];
        }
        Some("self") | Some("super") => {
            out = module.to_vec();
            while let Some(first) = rest.first() {
                match first.as_str() {
                    "self" => rest = &rest[1..],
                    "super" => {
                        out.pop();
                        rest = &rest[1..];
                    }
                    _ => break,
                }
            }
        }
        Some(first) if module.len() == root.len() || mod_decls.contains(first) => {
            out = module.to_vec();
        }
        _ => return None,
    }
    out.extend(rest.iter().cloned());
    Some((out, name.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_named_in_a_file_resolve_to_their_module() {
        let file: syn::File = syn::parse_str("mod telemetry; fn main() {}").unwrap();
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let named = |module: &[&str], path: &[&str]| {
            item_named_in(&file, &strings(module), &strings(path), "my_service")
        };
        let at = |module: &[&str], name: &str| Some((strings(module), name.to_string()));
        // A single name is an item of the module the file is.
        assert_eq!(
            named(&["exporters"], &["collector"]),
            at(&["exporters"], "collector")
        );
        assert_eq!(
            named(&[], &["crate", "telemetry", "collector"]),
            at(&["telemetry"], "collector")
        );
        assert_eq!(
            named(&[], &["my_service", "telemetry", "collector"]),
            at(&["telemetry"], "collector")
        );
        assert_eq!(
            named(&["a", "b"], &["super", "collector"]),
            at(&["a"], "collector")
        );
        // A module this file declares, seen from a module below the root.
        assert_eq!(
            named(&["app"], &["telemetry", "collector"]),
            at(&["app", "telemetry"], "collector")
        );
        // Another crate's item stays out of the package.
        assert_eq!(
            named(&["app"], &["opentelemetry_otlp", "new_exporter"]),
            None
        );
    }

    #[test]
    fn comments_are_found_outside_literals_only() {
        let text = r##"a(/* c1 */ "// not", r#"/* no */"#, 'x', '\'', x) // c2"##;
        let found: Vec<&str> = scan_comments(text)
            .iter()
            .map(|r| &text[r.start..r.end])
            .collect();
        assert_eq!(found, vec!["/* c1 */", "// c2"]);
        let lifetimes = "fn f<'a>(x: &'a str) /* c */ {}";
        let found: Vec<&str> = scan_comments(lifetimes)
            .iter()
            .map(|r| &lifetimes[r.start..r.end])
            .collect();
        assert_eq!(found, vec!["/* c */"]);
    }

    #[test]
    fn import_map_resolves_aliases_groups_and_globs() {
        let file: syn::File = syn::parse_str(
            "use opentelemetry_jaeger as jaeger; use opentelemetry::{global, sdk::trace as sdktrace}; use opentelemetry_otlp::*; fn f() {}",
        )
        .unwrap();
        let map = ImportMap::of_file(&file);
        let p: syn::Path = syn::parse_str("jaeger::new_agent_pipeline").unwrap();
        assert!(map.is(&p, &["opentelemetry_jaeger", "new_agent_pipeline"]));
        let p: syn::Path = syn::parse_str("sdktrace::config").unwrap();
        assert!(map.is(&p, &["opentelemetry", "sdk", "trace", "config"]));
        let p: syn::Path = syn::parse_str("new_pipeline").unwrap();
        assert!(map.is(&p, &["opentelemetry_otlp", "new_pipeline"]));
        let p: syn::Path = syn::parse_str("other::new_agent_pipeline").unwrap();
        assert!(!map.is(&p, &["opentelemetry_jaeger", "new_agent_pipeline"]));
        assert_eq!(
            map.local_name_of(&["opentelemetry", "global"]),
            Some("global")
        );
    }

    #[test]
    fn macro_fragments_parse_select_and_cfg_if_bodies() {
        let m: syn::Macro =
            syn::parse_str("tokio::select! { r = fut() => { a.b().init(); } _ = c => {} }")
                .unwrap();
        let f = macro_fragments(&m);
        assert!(!f.stmts.is_empty() || !f.exprs.is_empty());
        let m: syn::Macro = syn::parse_str(
            "cfg_if::cfg_if! { if #[cfg(feature = \"x\")] { fn a() {} } else { fn b() {} } }",
        )
        .unwrap();
        let f = macro_fragments(&m);
        assert_eq!(f.items.len() + f.stmts.len(), 2);
    }

    #[test]
    fn lazy_static_declarations_read_as_statics() {
        let m: syn::Macro = syn::parse_str(
            "lazy_static! { static ref A: Unit = Unit::new(\"ms\"); pub(crate) static ref B: u8 = 1; }",
        )
        .unwrap();
        let f = macro_fragments(&m);
        assert_eq!(f.items.len(), 2);
        assert!(f.items.iter().all(|i| matches!(i, syn::Item::Static(_))));
        assert!(f.is_fully_parsed());
        // A last declaration without its `;` is not `lazy_static!`'s grammar: split as before.
        let m: syn::Macro =
            syn::parse_str("lazy_static! { static ref A: Unit = Unit::new(\"ms\") }").unwrap();
        assert!(macro_fragments(&m).items.is_empty());
        // `ref` only counts right after `static`.
        assert!(lazy_statics(&quote::quote!(let ref a = 1;)).is_none());
    }
}
