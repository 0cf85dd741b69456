//! Crates reached through another member's re-export: a workspace member whose library root
//! says `pub use opentelemetry_otlp;` lets the members depending on it name that crate
//! (`shared::opentelemetry_otlp::new_pipeline()`) without declaring it. Such a package is
//! migrated with the re-exporting member's version of the crate, as if it declared it (the
//! entry has no text: the manifest edit goes to the member that declares the dependency), and
//! its paths through the re-export resolve as the crate's own
//! ([`ImportMap::reaching`](crate::engine::syntax::ImportMap::reaching)).

use std::path::Path;

use crate::engine::syntax::ident_str;

/// What a package's library root (`src/lib.rs` under `package_dir`) re-exports publicly, as
/// (name, the name it is re-exported under): `pub use opentelemetry_otlp;`,
/// `pub use opentelemetry_otlp as otlp;`, `pub extern crate x;`.
pub fn reexported_names(package_dir: &Path) -> Vec<(String, String)> {
    let lib = package_dir.join("src").join("lib.rs");
    let Ok(text) = std::fs::read_to_string(lib) else {
        return Vec::new();
    };
    if !text.contains("pub use ") && !text.contains("pub extern crate ") {
        return Vec::new();
    }
    let Ok(syntax) = syn::parse_file(&text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in &syntax.items {
        let (vis, name, alias) = match item {
            syn::Item::Use(u) => match &u.tree {
                syn::UseTree::Name(n) => (&u.vis, &n.ident, &n.ident),
                syn::UseTree::Rename(r) => (&u.vis, &r.ident, &r.rename),
                _ => continue,
            },
            syn::Item::ExternCrate(e) => (
                &e.vis,
                &e.ident,
                e.rename.as_ref().map_or(&e.ident, |(_, a)| a),
            ),
            _ => continue,
        };
        if matches!(vis, syn::Visibility::Public(_)) && alias != "_" {
            out.push((ident_str(name), ident_str(alias)));
        }
    }
    out
}
