//! Jaeger agent and collector addresses and the OTLP endpoints they become (agent `host:6831`
//! → `http://host:4317`, collector `http://host:14268/api/traces` → `http://host:4318/v1/traces`),
//! and the values that feed a Jaeger pipeline's endpoint from outside the call: constants and
//! statics (of this file or another of the package) and config fields' initializers, whose
//! Jaeger-address literals are rewritten like a literal at the site (and the same literal in the
//! file's `assert*!` bodies, which test the default).

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::syntax::{ident_str, range_of};

/// A value that feeds a Jaeger pipeline's endpoint, and how that pipeline maps addresses.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EndpointFeed {
    pub source: FeedSource,
    /// A collector pipeline (its address is a URL) rather than an agent one.
    pub collector: bool,
    /// The pipeline now exports OTLP/HTTP (else gRPC).
    pub http: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FeedSource {
    /// A `const` or `static` of the package: its module path and name.
    Item { module: Vec<String>, name: String },
    /// A struct field read in the endpoint expression (`cfg.agent_endpoint`): every
    /// initializer of a field of that name in the package.
    Field(String),
}

/// `host:6831` → `http://host:4317` (or the HTTP endpoint), `http://host:14268/api/traces` →
/// `http://host:4318/v1/traces`.
pub fn map_endpoint_literal(value: &str, collector: bool, http: bool) -> Option<String> {
    let (scheme, rest) = match value.split_once("://") {
        Some((s, r)) => (s.to_string(), r),
        None => ("http".to_string(), value),
    };
    let authority = rest.split('/').next()?;
    // Only `host:port` addresses (a port is what makes a string an agent/collector address).
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => return None,
    };
    if host.is_empty() || (!collector && value.contains("://")) {
        return None;
    }
    Some(if http {
        format!("{scheme}://{host}:4318/v1/traces")
    } else {
        format!("{scheme}://{host}:4317")
    })
}

/// The edits of this file (module `module`) that rewrite the Jaeger-address literals of the
/// values in `feeds`: top-level `const`/`static` items holding one, and the string literals in
/// initializers of the fed fields. Each range once (a value may feed several sites).
pub fn feed_edits(
    file: &crate::engine::source::SourceFile,
    syntax: &syn::File,
    module: &[String],
    feeds: &[EndpointFeed],
) -> Vec<(TextRange, String)> {
    let mut out: Vec<(TextRange, String)> = Vec::new();
    let mut push = |lit: &syn::LitStr, feed: &EndpointFeed| {
        let range = range_of(file, lit);
        if out.iter().any(|(r, _)| *r == range) {
            return;
        }
        if let Some(mapped) = map_endpoint_literal(&lit.value(), feed.collector, feed.http) {
            out.push((range, format!("{mapped:?}")));
        }
    };
    for item in &syntax.items {
        let (ident, expr) = match item {
            syn::Item::Const(c) => (&c.ident, &*c.expr),
            syn::Item::Static(s) => (&s.ident, &*s.expr),
            _ => continue,
        };
        let name = ident_str(ident);
        let fed = feeds.iter().find(|f| {
            matches!(&f.source, FeedSource::Item { module: m, name: n } if m == module && *n == name)
        });
        if let (
            Some(feed),
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }),
        ) = (fed, expr)
        {
            push(s, feed);
        }
    }
    let mut fields = FieldInitializers {
        feeds,
        found: Vec::new(),
    };
    fields.visit_file(syntax);
    for (lit, feed) in fields.found {
        push(&lit, feed);
    }
    // Assertions of this file that compare with a rewritten default follow it.
    let rewritten: Vec<(String, String)> = out
        .iter()
        .map(|(range, new)| (file.slice(*range).to_string(), new.clone()))
        .collect();
    let mut asserts = AssertedLiterals {
        file,
        rewritten: &rewritten,
        found: Vec::new(),
    };
    asserts.visit_file(syntax);
    for edit in asserts.found {
        if !out.iter().any(|(r, _)| *r == edit.0) {
            out.push(edit);
        }
    }
    out
}

/// String literals in `assert*!` bodies written exactly like a rewritten default.
struct AssertedLiterals<'a> {
    file: &'a crate::engine::source::SourceFile,
    /// (old literal as written, new literal).
    rewritten: &'a [(String, String)],
    found: Vec<(TextRange, String)>,
}

impl AssertedLiterals<'_> {
    fn tokens(&mut self, tokens: proc_macro2::TokenStream) {
        for tt in tokens {
            match tt {
                proc_macro2::TokenTree::Literal(l) => {
                    let text = l.to_string();
                    if let Some((_, new)) = self.rewritten.iter().find(|(old, _)| *old == text) {
                        let range = crate::engine::syntax::range_of_span(self.file, l.span());
                        self.found.push((range, new.clone()));
                    }
                }
                proc_macro2::TokenTree::Group(g) => self.tokens(g.stream()),
                _ => {}
            }
        }
    }
}

impl<'a> Visit<'a> for AssertedLiterals<'_> {
    fn visit_macro(&mut self, m: &'a syn::Macro) {
        let is_assert = m
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident.to_string().contains("assert"));
        if is_assert {
            self.tokens(m.tokens.clone());
        }
    }
}

/// String literals in the initializers (`field: <expr>`) of fed fields.
struct FieldInitializers<'f> {
    feeds: &'f [EndpointFeed],
    found: Vec<(syn::LitStr, &'f EndpointFeed)>,
}

impl<'a, 'f> Visit<'a> for FieldInitializers<'f> {
    fn visit_field_value(&mut self, fv: &'a syn::FieldValue) {
        if let syn::Member::Named(n) = &fv.member {
            let name = ident_str(n);
            let feeds: &'f [EndpointFeed] = self.feeds;
            if let Some(feed) = feeds
                .iter()
                .find(|f| matches!(&f.source, FeedSource::Field(field) if *field == name))
            {
                let mut lits = Lits::default();
                lits.visit_expr(&fv.expr);
                self.found.extend(lits.found.into_iter().map(|l| (l, feed)));
            }
        }
        syn::visit::visit_field_value(self, fv);
    }
}

#[derive(Default)]
pub struct Lits {
    pub found: Vec<syn::LitStr>,
}

impl<'a> Visit<'a> for Lits {
    fn visit_lit_str(&mut self, l: &'a syn::LitStr) {
        self.found.push(l.clone());
    }
}
