//! Statement form, for `let p = <pipeline>?;` (or `.unwrap()`, `.expect(..)`, `.map_err(..)?`):
//! the exporter is built first (the old error handling now applies to its `build()`, which has
//! the old error type), then the provider, bound to the old pattern or to a fresh name when the
//! old call yielded something derived from it.

use crate::engine::source::{CHAIN_WIDTH, MAX_WIDTH};
use crate::otel::imports::ImportPlan;

use super::parts::ProviderParts;

/// The names the statements bind and the old error handling they keep.
pub struct StatementBinding<'a> {
    /// The pattern (and type annotation) of the old `let`.
    pub pattern: &'a str,
    /// What the old code applied to the `Result` (`?`, `.unwrap()`, `.map_err(..)?`).
    pub tail: &'a str,
    /// A name for the exporter local no other code of the file uses.
    pub exporter: String,
    /// The same for the provider, when the pattern binds something derived from it.
    pub provider: String,
}

impl<'a> StatementBinding<'a> {
    /// Fresh `exporter`/`provider` names for `let <pattern> = …<tail>;` in `file_text`.
    pub fn new(pattern: &'a str, tail: &'a str, file_text: &str) -> StatementBinding<'a> {
        StatementBinding {
            pattern,
            tail,
            exporter: fresh("exporter", file_text, pattern),
            provider: fresh("provider", file_text, pattern),
        }
    }
}

/// `let exporter = …<tail>; <setup> let <pattern> = <provider>; [<register>(provider.clone());]
/// [let <pattern> = <derived>;]`, each statement on its own line at `indent` (the model's
/// comments are the caller's to lead with).
pub fn statements(
    p: &dyn ProviderParts,
    names: &mut ImportPlan<'_>,
    b: &StatementBinding<'_>,
    register: Option<&str>,
    indent: &str,
    le: &str,
) -> String {
    let inner = crate::engine::source::deeper(indent, names.indent_unit());
    let ready = p.exporter_model().0.kept_in.as_ref().filter(|k| k.ready);
    let mut lines = Vec::new();
    let exporter = match ready {
        // A built exporter (a struct field's): the provider takes it, nothing is left to handle.
        Some(kept) => &kept.name,
        None => {
            // A local the exporter was kept in is moved here: its name is free to shadow.
            let exporter = p.exporter_local().unwrap_or(&b.exporter);
            let built = p.exporter(names, &inner, le);
            let tail = joined_tail(&built, b.tail, exporter, indent);
            lines.push(format!("let {exporter} = {built}{tail};"));
            exporter
        }
    };
    let provider_pattern = if p.yields_provider() {
        b.pattern
    } else {
        b.provider.as_str()
    };
    let provider = pattern_ident(provider_pattern).unwrap_or_else(|| b.provider.clone());
    let (setup, built) = p.provider(names, exporter, &inner, le);
    lines.extend(setup);
    lines.push(format!("let {provider_pattern} = {built};"));
    if let Some(register) = register {
        lines.push(format!("{register}({provider}.clone());"));
    }
    if let Some(derived) = p.derived(names, &provider, indent, le) {
        lines.push(format!("let {} = {derived};", b.pattern));
    }
    lines.join(&format!("{le}{indent}"))
}

/// The old error handling after `built` (an exporter kept in a local: `exporter.build()`): on the
/// same line when it was written on a line of its own after the old pipeline but the new chain
/// is short enough for rustfmt to keep it on one (`let exporter = exporter.build().expect(..);`),
/// else as written.
fn joined_tail<'t>(built: &str, tail: &'t str, exporter: &str, indent: &str) -> &'t str {
    let trimmed = tail.trim_start();
    let one_line = !built.contains('\n')
        && !trimmed.contains('\n')
        && !trimmed.contains("//")
        && !trimmed.contains("/*");
    let chain = built.len() + trimmed.len();
    let line = indent.len() + "let  = ;".len() + exporter.len() + chain;
    if one_line && chain <= CHAIN_WIDTH && line <= MAX_WIDTH {
        trimmed
    } else {
        tail
    }
}

/// The identifier a simple `let` pattern binds (`tracer`, `mut tracer`, `tracer: Tracer`).
pub fn pattern_ident(pat: &str) -> Option<String> {
    let p = pat.split(':').next()?.trim();
    let p = p.strip_prefix("mut ").unwrap_or(p).trim();
    (!p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_')).then(|| p.to_string())
}

/// `base` unless the code or the pattern already uses that identifier (then `base2`, …). Words
/// in comments and strings do not count ("registers the provider" leaves `provider` free), but
/// a format string capturing a name does; text that does not tokenize is searched word by word.
pub fn fresh(base: &str, text: &str, pattern: &str) -> String {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let code = text.parse::<proc_macro2::TokenStream>().ok().map(|ts| {
        let mut names = std::collections::HashSet::new();
        let mut literals = Vec::new();
        code_names(ts, &mut names, &mut literals);
        (names, literals)
    });
    let used = |n: &str| {
        pattern.split(|c: char| !is_ident(c)).any(|w| w == n)
            || match &code {
                Some((names, literals)) => {
                    names.contains(n) || literals.iter().any(|l| crate::otel::chain::captures(l, n))
                }
                None => text.match_indices(n).any(|(i, _)| {
                    let before = text[..i].chars().next_back();
                    let after = text[i + n.len()..].chars().next();
                    !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
                }),
            }
    };
    if !used(base) {
        return base.to_string();
    }
    (2..)
        .map(|i| format!("{base}{i}"))
        .find(|n| !used(n))
        .unwrap()
}

/// The identifiers and the literals of `tokens` (comments are not tokens).
fn code_names(
    tokens: proc_macro2::TokenStream,
    names: &mut std::collections::HashSet<String>,
    literals: &mut Vec<proc_macro2::Literal>,
) {
    for tt in tokens {
        match tt {
            proc_macro2::TokenTree::Ident(i) => {
                names.insert(crate::engine::syntax::ident_str(&i));
            }
            proc_macro2::TokenTree::Group(g) => code_names(g.stream(), names, literals),
            proc_macro2::TokenTree::Literal(l) => literals.push(l),
            proc_macro2::TokenTree::Punct(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::joined_tail;

    #[test]
    fn the_error_handling_joins_a_short_one_line_chain() {
        let tail = "\n        .expect(\"valid tracer\")";
        assert_eq!(
            joined_tail("exporter.build()", tail, "exporter", "    "),
            ".expect(\"valid tracer\")"
        );
        // A chain over lines, a comment, or a chain too wide for one line: as written.
        let built = "SpanExporter::builder()\n        .with_tonic()\n        .build()";
        assert_eq!(joined_tail(built, tail, "exporter", "    "), tail);
        let commented = "\n        // the collector must be up\n        .expect(\"up\")";
        assert_eq!(
            joined_tail("exporter.build()", commented, "exporter", "    "),
            commented
        );
        let long =
            "\n        .expect(\"the OTLP exporter could not be built from the settings given\")";
        assert_eq!(
            joined_tail("exporter.build()", long, "exporter", "    "),
            long
        );
    }
}
