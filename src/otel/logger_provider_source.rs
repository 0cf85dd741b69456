//! Where the logger provider that `global::logger_provider()` read (removed in 0.23) came from,
//! when the reading function holds none: a function of the same file that calls it and builds
//! or installs one there. 0.27 has no global logger provider, so the provider must be carried
//! from that function into the reader; the finding says which function, where, and how.

use syn::visit::Visit;

use crate::engine::source::SourceFile;
use crate::engine::syntax::{ident_str, range_of};

use super::local_binding::contains;

/// What marks a function as the one that makes the logger provider: an OTLP logs pipeline (it
/// installed the provider globally), an SDK `LoggerProvider`, or `set_logger_provider`.
const PROVIDER_MARKS: &[&str] = &["logging()", "LoggerProvider", "set_logger_provider"];

/// The concrete fix for a `global::logger_provider()` read at `site` in a function of `syntax`
/// that some other function of the file calls after making the provider; `None` when no such
/// caller is found.
pub fn carry_provider_help(file: &SourceFile, syntax: &syn::File, site: usize) -> Option<String> {
    let functions: Vec<&syn::ItemFn> = syntax
        .items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Fn(f) => Some(f),
            _ => None,
        })
        .collect();
    let reader = functions
        .iter()
        .find(|f| contains(range_of(file, *f), site))?;
    let reader_name = ident_str(&reader.sig.ident);
    for caller in functions.iter().filter(|f| !std::ptr::eq(**f, *reader)) {
        let text = file.slice(range_of(file, &*caller.block));
        if !PROVIDER_MARKS.iter().any(|m| text.contains(m)) {
            continue;
        }
        let mut calls = Calls {
            name: &reader_name,
            found: 0,
        };
        calls.visit_block(&caller.block);
        if calls.found == 0 {
            continue;
        }
        // No line numbers: earlier transforms may have moved the text this run reads.
        let caller_name = ident_str(&caller.sig.ident);
        return Some(format!(
            "`{reader_name}` is called from `{caller_name}`, which makes the logger provider it reads; 0.27 has no global to hand it over: keep it in `{caller_name}` (`let logger_provider = …;`, not dropped: dropping the last clone shuts it down) and pass it to `{reader_name}(..)` as a parameter, `logger_provider: &opentelemetry_sdk::logs::LoggerProvider`, in place of `global::logger_provider()`"
        ));
    }
    None
}

/// How often a plain function name `name` is called.
struct Calls<'n> {
    name: &'n str,
    found: usize,
}

impl<'a> Visit<'a> for Calls<'_> {
    fn visit_expr_call(&mut self, c: &'a syn::ExprCall) {
        if matches!(&*c.func, syn::Expr::Path(p) if p.path.is_ident(self.name)) {
            self.found += 1;
        }
        syn::visit::visit_expr_call(self, c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help(src: &str) -> Option<String> {
        let file = SourceFile::new("lib.rs", src.to_string());
        let syntax = file.parse_rust().unwrap();
        let site = src.find("logger_provider()").unwrap();
        carry_provider_help(&file, &syntax, site)
    }

    #[test]
    fn names_the_caller_that_makes_the_provider() {
        let src = "fn init() {\n    let _ = new_pipeline().logging().install_batch(rt);\n    bridge();\n}\n\nfn bridge() {\n    let p = logger_provider();\n}\n";
        let h = help(src).unwrap();
        assert!(
            h.contains("`bridge` is called from `init`, which makes"),
            "{h}"
        );
        assert!(h.contains("pass it to `bridge(..)`"), "{h}");
    }

    #[test]
    fn no_help_without_a_caller_making_one() {
        let no_maker =
            "fn init() {\n    bridge();\n}\n\nfn bridge() {\n    let p = logger_provider();\n}\n";
        assert!(help(no_maker).is_none());
        let no_call = "fn init() {\n    let _ = new_pipeline().logging().install_batch(rt);\n}\n\nfn bridge() {\n    let p = logger_provider();\n}\n";
        assert!(help(no_call).is_none());
    }
}
