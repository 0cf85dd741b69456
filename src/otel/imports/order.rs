//! rustfmt's order of imports (style editions 2015–2021, its default `reorder_imports`), so
//! that a name merged into a sorted `use` group, or a `use` line added to a sorted run of them,
//! goes where `cargo fmt` would put it: the migrated file stays as formatted as it was.
//!
//! Paths compare segment by segment: `self`, `super`, `crate` first, then names (snake_case
//! before CamelCase before UPPER_SNAKE_CASE, then byte order; a name without `as` before the
//! same name with one), then `*`, then `{…}` groups (element by element); a path that is a
//! prefix of another comes first.

use std::cmp::Ordering;

/// One segment of a `use` path.
#[derive(Debug, PartialEq, Eq)]
enum Segment {
    SelfValue(Option<String>),
    Super(Option<String>),
    Crate(Option<String>),
    Name(String, Option<String>),
    Glob,
    Group(Vec<Vec<Segment>>),
}

/// The sort key of a `use` tree (a whole `use` item's tree, or one element of a group).
#[derive(Debug, PartialEq, Eq)]
pub struct UseKey(Vec<Segment>);

impl UseKey {
    pub fn of(tree: &syn::UseTree) -> UseKey {
        UseKey(segments(tree))
    }

    /// The key of an element written as text (`InstrumentationScope`, `TracerProvider as _`);
    /// `None` if it does not parse as a `use` tree.
    pub fn parse(text: &str) -> Option<UseKey> {
        syn::parse_str::<syn::UseTree>(text)
            .ok()
            .map(|t| UseKey::of(&t))
    }
}

impl PartialOrd for UseKey {
    fn partial_cmp(&self, other: &UseKey) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for UseKey {
    fn cmp(&self, other: &UseKey) -> Ordering {
        compare_paths(&self.0, &other.0)
    }
}

/// Whether `keys` are already in rustfmt's order (equal neighbours allowed).
pub fn is_sorted(keys: &[UseKey]) -> bool {
    keys.windows(2).all(|w| w[0] <= w[1])
}

fn segments(tree: &syn::UseTree) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut cur = tree;
    loop {
        match cur {
            syn::UseTree::Path(p) => {
                out.push(named(&p.ident, None));
                cur = &p.tree;
            }
            syn::UseTree::Name(n) => {
                out.push(named(&n.ident, None));
                return out;
            }
            syn::UseTree::Rename(r) => {
                out.push(named(&r.ident, Some(r.rename.to_string())));
                return out;
            }
            syn::UseTree::Glob(_) => {
                out.push(Segment::Glob);
                return out;
            }
            syn::UseTree::Group(g) => {
                // rustfmt compares a group's elements in its own (sorted) order.
                let mut items: Vec<Vec<Segment>> = g.items.iter().map(segments).collect();
                items.sort_by(|a, b| compare_paths(a, b));
                out.push(Segment::Group(items));
                return out;
            }
        }
    }
}

fn named(ident: &syn::Ident, alias: Option<String>) -> Segment {
    let name = ident.to_string();
    match name.as_str() {
        "self" => Segment::SelfValue(alias),
        "super" => Segment::Super(alias),
        "crate" => Segment::Crate(alias),
        _ => Segment::Name(name, alias),
    }
}

/// Segment by segment without their aliases, then the shorter first (`a as c` before `a::b`),
/// then by the aliases.
fn compare_paths(a: &[Segment], b: &[Segment]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let ord = compare_segments(x, y, false);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    a.len().cmp(&b.len()).then_with(|| {
        a.iter()
            .zip(b)
            .map(|(x, y)| compare_segments(x, y, true))
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    })
}

fn rank(s: &Segment) -> u8 {
    match s {
        Segment::SelfValue(_) => 0,
        Segment::Super(_) => 1,
        Segment::Crate(_) => 2,
        Segment::Name(..) => 3,
        Segment::Glob => 4,
        Segment::Group(_) => 5,
    }
}

/// Two segments by their names (`aliases`: by their aliases alone).
fn compare_segments(a: &Segment, b: &Segment, aliases: bool) -> Ordering {
    match (a, b) {
        (Segment::Name(x, xa), Segment::Name(y, ya)) if aliases => compare_aliases(xa, ya),
        (Segment::Name(x, _), Segment::Name(y, _)) => compare_names(x, y),
        (Segment::SelfValue(xa), Segment::SelfValue(ya))
        | (Segment::Super(xa), Segment::Super(ya))
        | (Segment::Crate(xa), Segment::Crate(ya)) => {
            if aliases {
                compare_aliases(xa, ya)
            } else {
                Ordering::Equal
            }
        }
        (Segment::Group(x), Segment::Group(y)) => {
            for (p, q) in x.iter().zip(y) {
                let ord = compare_paths(p, q);
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            x.len().cmp(&y.len())
        }
        _ if aliases => Ordering::Equal,
        _ => rank(a).cmp(&rank(b)),
    }
}

/// snake_case < CamelCase < UPPER_SNAKE_CASE, then byte order (raw identifiers unprefixed).
fn compare_names(a: &str, b: &str) -> Ordering {
    let class = |s: &str| {
        let s = s.trim_start_matches("r#");
        if s.starts_with(char::is_lowercase) || s.starts_with('_') {
            0
        } else if s
            .chars()
            .all(|c| c.is_uppercase() || c == '_' || c.is_numeric())
        {
            2
        } else {
            1
        }
    };
    class(a)
        .cmp(&class(b))
        .then_with(|| a.trim_start_matches("r#").cmp(b.trim_start_matches("r#")))
}

fn compare_aliases(a: &Option<String>, b: &Option<String>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.trim_start_matches("r#").cmp(y.trim_start_matches("r#")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> UseKey {
        UseKey::parse(text).unwrap()
    }

    fn sorted(items: &[&str]) -> Vec<String> {
        let mut v: Vec<&str> = items.to_vec();
        v.sort_by_key(|t| key(t));
        v.into_iter().map(String::from).collect()
    }

    #[test]
    fn names_by_case_class_then_bytes() {
        assert_eq!(
            sorted(&[
                "KeyValue",
                "InstrumentationScope",
                "global",
                "VERSION",
                "Key"
            ]),
            [
                "global",
                "InstrumentationScope",
                "Key",
                "KeyValue",
                "VERSION"
            ]
        );
    }

    #[test]
    fn self_first_paths_before_groups_and_shorter_first() {
        assert_eq!(
            sorted(&["Write", "self", "fmt::Display", "{a, b}", "*", "fmt"]),
            ["self", "fmt", "fmt::Display", "Write", "*", "{a, b}"]
        );
        assert_eq!(
            sorted(&[
                "opentelemetry::{global, KeyValue}",
                "opentelemetry::trace::TracerProvider as _",
                "opentelemetry::logs::LoggerProvider as _",
                "crate::configs::X",
                "opentelemetry_otlp::WithExportConfig",
            ]),
            [
                "crate::configs::X",
                "opentelemetry::logs::LoggerProvider as _",
                "opentelemetry::trace::TracerProvider as _",
                "opentelemetry::{global, KeyValue}",
                "opentelemetry_otlp::WithExportConfig",
            ]
        );
    }

    #[test]
    fn a_name_before_its_alias() {
        assert!(key("TracerProvider") < key("TracerProvider as _"));
        assert!(key("TracerProvider as _") < key("TracerProviderBuilder"));
    }

    #[test]
    fn sortedness_of_a_written_list() {
        let keys = |v: &[&str]| v.iter().map(|t| key(t)).collect::<Vec<_>>();
        assert!(is_sorted(&keys(&["global", "KeyValue"])));
        assert!(!is_sorted(&keys(&["KeyValue", "global"])));
        assert!(is_sorted(&keys(&[])));
    }
}
