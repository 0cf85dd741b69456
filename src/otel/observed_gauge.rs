//! An observable gauge made without a callback and observed directly (`gauge.observe(v, &[])`
//! outside any callback, a struct field or local holding it): up to 0.26 the SDK recorded such
//! an observation on the spot, into the gauge's last-value aggregation, as a synchronous gauge
//! does; 0.27 has no `ObservableGauge::observe`. It becomes what it was used as, the
//! synchronous `Gauge` (0.27 has it without a feature): `u64_observable_gauge(..)` →
//! `u64_gauge(..)`, the type `ObservableGauge` → `Gauge`, `.observe(..)` → `.record(..)` (same
//! arguments). The export is the same: the last value recorded, per attribute set.
//!
//! All or nothing in a file, and only where the file holds every use of the type: every
//! observable gauge it makes has no callback, no `register_callback` or `as_any` ties one to a
//! callback, the type is named only in private fields, private functions and `let`s, no macro
//! body the parser cannot see names it, and the file has no child module in another file (which
//! could reach a private field). Otherwise nothing changes and `residue` reports each
//! `.observe(..)` with what to do.

use syn::visit::Visit;

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::syntax::{ident_str, range_of_span, tokens_mention, ParsedRust};
use crate::otel::imports::ImportPlan;
use crate::otel::observable_calls::observe_calls;

const OBSERVABLE_GAUGE: &str = "opentelemetry::metrics::ObservableGauge";
const RENAME: &[(&str, &str)] = &[(OBSERVABLE_GAUGE, "opentelemetry::metrics::Gauge")];
const MAKERS: &[&str] = &[
    "u64_observable_gauge",
    "i64_observable_gauge",
    "f64_observable_gauge",
];

/// Rewrites the file's directly observed gauges into synchronous gauges (see the module doc);
/// true when it did.
pub fn rewrite_observed_gauges(
    rust: &ParsedRust<'_>,
    plan: &mut ImportPlan<'_>,
    out: &mut Changes,
) -> bool {
    let observed: Vec<TextRange> = observe_calls(*rust, &|c| c == "opentelemetry")
        .into_iter()
        .filter(|(item, _)| item.join("::").starts_with(OBSERVABLE_GAUGE))
        .map(|(_, range)| range)
        .collect();
    if observed.is_empty() {
        return false;
    }
    let mut uses = GaugeUses {
        rust: *rust,
        makers: Vec::new(),
        tied_to_callback: false,
        escapes: false,
        in_trait_impl: false,
    };
    uses.visit_file(rust.syntax);
    if uses.makers.is_empty() || uses.tied_to_callback || uses.escapes {
        return false;
    }
    for maker in uses.makers {
        let name = rust.file.slice(maker).replacen("_observable", "", 1);
        out.replace(maker, name);
    }
    for call in observed {
        out.replace(
            TextRange::new(call.start, call.start + "observe".len()),
            "record",
        );
    }
    crate::otel::path_renames::rename_paths(rust, RENAME, plan, out);
    true
}

/// Where the file makes observable gauges and whether the type can leave it or meet a callback.
struct GaugeUses<'a> {
    rust: ParsedRust<'a>,
    /// The `*_observable_gauge` method names of the file's calls.
    makers: Vec<TextRange>,
    /// A gauge made with `.with_callback(..)`, or any `register_callback` / `as_any`.
    tied_to_callback: bool,
    /// The type is named where code outside the file can reach it, or where this rewrite cannot
    /// see or follow it.
    escapes: bool,
    in_trait_impl: bool,
}

impl GaugeUses<'_> {
    fn names_the_type(&self, node: impl FnOnce(&mut dyn FnMut(&syn::Path))) -> bool {
        let mut found = false;
        node(&mut |p: &syn::Path| {
            found |= self.rust.imports.resolve(p).join("::") == OBSERVABLE_GAUGE;
        });
        found
    }

    fn type_mentions(&self, ty: &syn::Type) -> bool {
        self.names_the_type(|f| PathVisitor(f).visit_type(ty))
    }

    /// A field, alias, static or const that code outside the file may reach, typed with the
    /// observable gauge.
    fn check_public(&mut self, vis: &syn::Visibility, ty: &syn::Type) {
        if !is_private(vis) && self.type_mentions(ty) {
            self.escapes = true;
        }
    }

    fn signature_mentions(&self, sig: &syn::Signature) -> bool {
        self.names_the_type(|f| PathVisitor(f).visit_signature(sig))
    }
}

struct PathVisitor<'f>(&'f mut dyn FnMut(&syn::Path));

impl<'ast> Visit<'ast> for PathVisitor<'_> {
    fn visit_path(&mut self, p: &'ast syn::Path) {
        (self.0)(p);
        syn::visit::visit_path(self, p);
    }
}

fn is_private(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Inherited)
}

/// Whether `call`'s receiver chain starts at a `*_observable_gauge(..)` call.
fn on_observable_gauge_chain(mut expr: &syn::Expr) -> bool {
    while let syn::Expr::MethodCall(m) = expr {
        if MAKERS.contains(&ident_str(&m.method).as_str()) {
            return true;
        }
        expr = &m.receiver;
    }
    false
}

impl<'ast> Visit<'ast> for GaugeUses<'_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let method = ident_str(&call.method);
        if MAKERS.contains(&method.as_str()) {
            self.makers
                .push(range_of_span(self.rust.file, call.method.span()));
        }
        if method == "register_callback"
            || method == "as_any"
            || (method == "with_callback" && on_observable_gauge_chain(&call.receiver))
        {
            self.tied_to_callback = true;
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // The parsed bodies are visited like code; a body the parser cannot see is checked by
        // name only.
        if tokens_mention(&mac.tokens, &["ObservableGauge", "register_callback"])
            || tokens_mention(&mac.tokens, MAKERS)
        {
            self.escapes = true;
        }
        syn::visit::visit_macro(self, mac);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if m.content.is_none() {
            self.escapes = true;
        }
        syn::visit::visit_item_mod(self, m);
    }

    fn visit_field(&mut self, field: &'ast syn::Field) {
        self.check_public(&field.vis, &field.ty);
        syn::visit::visit_field(self, field);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if !is_private(&f.vis) && self.signature_mentions(&f.sig) {
            self.escapes = true;
        }
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if (self.in_trait_impl || !is_private(&f.vis)) && self.signature_mentions(&f.sig) {
            self.escapes = true;
        }
        syn::visit::visit_impl_item_fn(self, f);
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let outer = std::mem::replace(&mut self.in_trait_impl, i.trait_.is_some());
        if i.trait_.is_some() && self.type_mentions(&i.self_ty) {
            self.escapes = true;
        }
        syn::visit::visit_item_impl(self, i);
        self.in_trait_impl = outer;
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        if self.names_the_type(|f| PathVisitor(f).visit_item_trait(t)) {
            self.escapes = true;
        }
        syn::visit::visit_item_trait(self, t);
    }

    fn visit_item_enum(&mut self, e: &'ast syn::ItemEnum) {
        // A variant's fields are as public as the enum.
        if !is_private(&e.vis) && self.names_the_type(|f| PathVisitor(f).visit_item_enum(e)) {
            self.escapes = true;
        }
        syn::visit::visit_item_enum(self, e);
    }

    fn visit_item_type(&mut self, t: &'ast syn::ItemType) {
        self.check_public(&t.vis, &t.ty);
        syn::visit::visit_item_type(self, t);
    }

    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        self.check_public(&s.vis, &s.ty);
        syn::visit::visit_item_static(self, s);
    }

    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        self.check_public(&c.vis, &c.ty);
        syn::visit::visit_item_const(self, c);
    }
}
