//! # hop-0-28-resource-builder
//!
//! ## What it does
//! With `--to 0.28` or newer, rewrites the `Resource` constructors 0.28 made private or removed
//! to the builder (otel-ladder.md §3.1 item 6; 0.28's `Resource::builder()` runs the three
//! detectors `Resource::default()` ran):
//! - `Resource::new(kvs)` → `Resource::builder_empty().with_attributes(kvs).build()`;
//! - `Resource::default()` → `Resource::builder().build()`;
//! - `Resource::empty()` → `Resource::builder_empty().build()`;
//! - `Resource::from_schema_url(kvs, url)` →
//!   `Resource::builder_empty().with_schema_url(kvs, url).build()`;
//! - `Resource::default().merge(&Resource::new(kvs))` →
//!   `Resource::builder().with_attributes(kvs).build()`.
//!
//! The path is kept as written (`opentelemetry_sdk::Resource`, `sdk::Resource`, an alias).
//!
//! ## Before
//! ```rust,ignore
//! let res = Resource::default().merge(&Resource::new(vec![KeyValue::new(SERVICE_NAME, "checkout")]));
//! let bare = Resource::new([KeyValue::new("k", "v")]);
//! ```
//!
//! ## After
//! ```rust,ignore
//! let res = Resource::builder().with_attributes(vec![KeyValue::new(SERVICE_NAME, "checkout")]).build();
//! let bare = Resource::builder_empty().with_attributes([KeyValue::new("k", "v")]).build();
//! ```
//!
//! ## Not rewritten (findings)
//! - `Resource::from_detectors(..)` and any other `.merge(..)` of a resource built here: `error`
//!   with the builder calls to chain (`with_detectors(&[..])`; 0.28 has no public `merge`).
//! - `.merge(..)` on values whose type the file does not show, in a file importing `Resource`:
//!   `warning` (it may be a `Resource`).
//! - Constructors with comments inside the call: `warning`.
//! - `Resource::default().merge(&Resource::from_schema_url(kvs, url))`: `error` with the
//!   precedence trap (`with_schema_url` lets detected attributes win).
//!
//! ## Safety
//! Each rewrite builds the same resource: `builder_empty()` has no detectors (as `new` and
//! `empty` had none), `builder()` has the default detectors, and `with_attributes` on the
//! builder lets the given attributes win over detected ones, as `merge` did.

use syn::visit::Visit;

use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::syntax::{comments_in, range_of, text_of, ParsedRust};
use crate::engine::transform::{FileContext, Outcome, Transform};

pub struct ResourceBuilder;

const MERGE_HELP: &str = "chain the builder calls instead: `Resource::builder()` (default detectors) or `Resource::builder_empty()`, then `.with_attributes(..)`, `.with_schema_url(..)`, `.with_detectors(&[..])`, `.with_service_name(..)`, `.build()`";

const RESOURCE: &[&str] = &["opentelemetry_sdk", "Resource"];
const RESOURCE_IN_MODULE: &[&str] = &["opentelemetry_sdk", "resource", "Resource"];

impl Transform for ResourceBuilder {
    fn id(&self) -> &'static str {
        "hop-0-28-resource-builder"
    }

    fn description(&self) -> &'static str {
        "hop 0.27 → 0.28: Resource::new / default / empty / from_schema_url / default().merge(..) → Resource::builder()"
    }

    super::super::hop_gate!(28);

    fn needles(&self) -> &'static [&'static str] {
        &["Resource"]
    }

    fn gated_on(&self) -> &'static [&'static str] {
        &["opentelemetry_sdk"]
    }

    fn run(&self, cx: &FileContext<'_>) -> Outcome {
        let mut out = Outcome::default();
        let rust = cx.rust();
        let mut v = Calls {
            rust: &rust,
            out: &mut out,
            done: Vec::new(),
        };
        v.visit_file(rust.syntax);
        out
    }
}

/// A `Resource::<name>(args)` call: the path text before `::<name>`, the name and the args.
struct Ctor<'a> {
    prefix: &'a str,
    name: String,
    args: Vec<&'a str>,
}

struct Calls<'a, 'f> {
    rust: &'a ParsedRust<'f>,
    out: &'a mut Outcome,
    /// Calls already rewritten as part of an outer one.
    done: Vec<TextRange>,
}

impl<'f> Calls<'_, 'f> {
    fn ctor(&self, expr: &syn::Expr) -> Option<Ctor<'f>> {
        let syn::Expr::Call(call) = expr else {
            return None;
        };
        let syn::Expr::Path(p) = &*call.func else {
            return None;
        };
        let n = p.path.segments.len();
        if n < 2 || p.qself.is_some() {
            return None;
        }
        let mut ty = p.path.clone();
        let name = ty.segments.pop()?.into_value().ident.to_string();
        ty.segments.pop_punct();
        let imports = self.rust.imports;
        if !imports.is(&ty, RESOURCE) && !imports.is(&ty, RESOURCE_IN_MODULE) {
            return None;
        }
        let file = self.rust.file;
        Some(Ctor {
            prefix: text_of(file, &ty),
            name,
            args: call.args.iter().map(|a| text_of(file, a)).collect(),
        })
    }

    fn replace(&mut self, node: TextRange, text: String) {
        if !comments_in(self.rust.file, node).is_empty() {
            self.out.finding(
                node,
                Severity::Warning,
                "0.28 made this `Resource` constructor private; comments inside the call kept it from being rewritten",
                format!("write `{text}`"),
            );
            return;
        }
        self.done.push(node);
        self.out.replace(node, text);
    }

    /// The builder text for one constructor, or `None` when it has no mechanical rewrite.
    fn rewrite(c: &Ctor<'_>) -> Option<String> {
        let p = c.prefix;
        Some(match (c.name.as_str(), c.args.as_slice()) {
            ("new", [kvs]) => format!("{p}::builder_empty().with_attributes({kvs}).build()"),
            ("default", []) => format!("{p}::builder().build()"),
            ("empty", []) => format!("{p}::builder_empty().build()"),
            ("from_schema_url", [kvs, url]) => {
                format!("{p}::builder_empty().with_schema_url({kvs}, {url}).build()")
            }
            _ => return None,
        })
    }

    fn merge(&mut self, call: &syn::ExprMethodCall) -> bool {
        let receiver = self.ctor(&call.receiver);
        let arg = call.args.first().and_then(|a| match a {
            syn::Expr::Reference(r) => self.ctor(&r.expr),
            other => self.ctor(other),
        });
        if receiver.is_none() && arg.is_none() {
            if self.rust.imports.local_name_of(RESOURCE).is_some() {
                self.out.finding(
                    range_of(self.rust.file, call),
                    Severity::Warning,
                    "if this merges `Resource`s: 0.28 has no public `Resource::merge`",
                    MERGE_HELP,
                );
            }
            return false;
        }
        let range = range_of(self.rust.file, call);
        if let (Some(r), Some(a)) = (&receiver, &arg) {
            if r.name == "default" && r.args.is_empty() && a.name == "new" && a.args.len() == 1 {
                let text = format!(
                    "{}::builder().with_attributes({}).build()",
                    r.prefix, a.args[0]
                );
                self.replace(range, text);
                return true;
            }
            if r.name == "default" && a.name == "from_schema_url" && a.args.len() == 2 {
                let (kvs, url) = (a.args[0], a.args[1]);
                self.out.finding(
                    range,
                    Severity::Error,
                    "0.28 has no public `Resource::merge`; `with_schema_url(kvs, url)` lets detected attributes (a detected `service.name`) win over `kvs`",
                    format!("write `{}::builder().with_schema_url({kvs}.clone(), {url}).with_attributes({kvs}).build()`", r.prefix),
                );
                self.done.push(range);
                return true;
            }
        }
        self.out.finding(
            range,
            Severity::Error,
            "0.28 has no public `Resource::merge`",
            MERGE_HELP,
        );
        self.done.push(range);
        true
    }
}

impl<'ast> Visit<'ast> for Calls<'_, '_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "merge" && self.merge(call) {
            return;
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        let expr = syn::Expr::Call(call.clone());
        if let Some(c) = self.ctor(&expr) {
            let range = range_of(self.rust.file, call);
            match Self::rewrite(&c) {
                Some(text) => self.replace(range, text),
                None if c.name == "from_detectors" => self.out.finding(
                    range,
                    Severity::Error,
                    "0.28 made `Resource::from_detectors` private",
                    "write `Resource::builder_empty().with_detectors(&[Box::new(D1), …]).build()` (the timeout argument is gone)",
                ),
                None => {}
            }
        }
        syn::visit::visit_expr_call(self, call);
    }
}
