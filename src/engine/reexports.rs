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
/// `pub use opentelemetry_otlp as otlp;`, `pub extern crate x;`. Only re-exports of `names`
/// are asked for: a root where none of them [`may_reexport`] is not parsed (the answer then
/// holds none of them either).
pub fn reexported_names(package_dir: &Path, names: &[String]) -> Vec<(String, String)> {
    let lib = package_dir.join("src").join("lib.rs");
    let Ok(text) = std::fs::read_to_string(lib) else {
        return Vec::new();
    };
    if !text.contains("pub use ") && !text.contains("pub extern crate ") {
        return Vec::new();
    }
    if !names.iter().any(|name| may_reexport(&text, name)) {
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

/// Whether `text` may re-export `name` at the top level: the name as a word followed, past
/// white space, by what ends such an item's name (`;`, `as`) or a comment (`/`). A library
/// root naming a dependency only in paths (`use serde::Serialize;`) has no such place, and the
/// parse of a big root is the cost this saves.
fn may_reexport(text: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    // Rust's white space: Unicode's, and the two direction marks.
    let blank = |c: char| c.is_whitespace() || c == '\u{200e}' || c == '\u{200f}';
    text.match_indices(name).any(|(i, _)| {
        let rest = &text[i + name.len()..];
        if text[..i].ends_with(is_ident) || rest.starts_with(is_ident) {
            return false;
        }
        let next = rest.trim_start_matches(blank);
        next.starts_with(';')
            || next.starts_with('/')
            || next
                .strip_prefix("as")
                .is_some_and(|after| !after.starts_with(is_ident))
    })
}

#[cfg(test)]
mod tests {
    use super::may_reexport;

    #[test]
    fn a_top_level_reexport_of_the_name_is_seen_in_every_spelling() {
        for text in [
            "pub use opentelemetry_otlp;",
            "pub use ::opentelemetry_otlp ;",
            "pub use r#opentelemetry_otlp as otlp;",
            "pub use opentelemetry_otlp\n    as otlp;",
            "pub use opentelemetry_otlp /* the exporter */;",
            "pub extern crate opentelemetry_otlp as/**/otlp;",
            "pub use opentelemetry_otlp\u{200e};",
        ] {
            assert!(may_reexport(text, "opentelemetry_otlp"), "{text}");
        }
    }

    #[test]
    fn the_name_only_in_paths_or_inside_a_longer_word_is_not() {
        for text in [
            "use opentelemetry_otlp::WithExportConfig;",
            "pub use opentelemetry_otlp::{self as otlp};",
            "pub use my_opentelemetry_otlp;",
            "pub use opentelemetry_otlp_ext;",
            "let asx = opentelemetry_otlp asx;",
        ] {
            assert!(!may_reexport(text, "opentelemetry_otlp"), "{text}");
        }
    }
}
