//! Runtime arguments of `install_batch(rt)`, `with_batch_exporter(exporter, rt)`,
//! `PeriodicReader::builder(exporter, rt)` …: recognized through the file's imports, rendered as
//! the 0.27 path (`opentelemetry_sdk::runtime::*`, feature `rt-tokio`, `rt-tokio-current-thread`,
//! `rt-async-std`).

use crate::engine::source::SourceFile;
use crate::engine::syntax::{text_of, ImportMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    Tokio,
    TokioCurrentThread,
    AsyncStd,
}

impl Runtime {
    pub fn type_name(self) -> &'static str {
        match self {
            Runtime::Tokio => "Tokio",
            Runtime::TokioCurrentThread => "TokioCurrentThread",
            Runtime::AsyncStd => "AsyncStd",
        }
    }

    /// The `opentelemetry_sdk` feature that provides this runtime.
    pub fn sdk_feature(self) -> &'static str {
        match self {
            Runtime::Tokio => "rt-tokio",
            Runtime::TokioCurrentThread => "rt-tokio-current-thread",
            Runtime::AsyncStd => "rt-async-std",
        }
    }
}

/// A recognized runtime argument and how to write it in 0.27 code.
#[derive(Debug, Clone)]
pub struct RuntimeArg {
    pub runtime: Runtime,
    /// The text to write: the original when it still names `opentelemetry_sdk::runtime::X` in
    /// 0.27 (`runtime::Tokio` with `use opentelemetry_sdk::runtime;`), else the full path.
    pub text: String,
}

/// Recognizes `expr` as an SDK runtime value: `opentelemetry_sdk::runtime::Tokio`,
/// `opentelemetry::runtime::Tokio` (≤ 0.20), `opentelemetry::sdk::runtime::Tokio`, or the same
/// through imports (`runtime::Tokio`, `Tokio`).
pub fn recognize(file: &SourceFile, imports: &ImportMap, expr: &syn::Expr) -> Option<RuntimeArg> {
    let syn::Expr::Path(p) = expr else {
        return None;
    };
    if p.qself.is_some() {
        return None;
    }
    let resolved = imports.resolve(&p.path);
    let (module_ok, last) = match resolved.as_slice() {
        [a, b, last] if a == "opentelemetry_sdk" && b == "runtime" => (true, last),
        [a, b, last] if a == "opentelemetry" && b == "runtime" => (false, last),
        [a, b, c, last] if a == "opentelemetry" && b == "sdk" && c == "runtime" => (false, last),
        _ => return None,
    };
    let runtime = match last.as_str() {
        "Tokio" => Runtime::Tokio,
        "TokioCurrentThread" => Runtime::TokioCurrentThread,
        "AsyncStd" => Runtime::AsyncStd,
        _ => return None,
    };
    let text = if module_ok {
        text_of(file, expr).to_string()
    } else {
        format!("opentelemetry_sdk::runtime::{}", runtime.type_name())
    };
    Some(RuntimeArg { runtime, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(src: &str, expr: &str) -> Option<RuntimeArg> {
        let text = format!("{src}\nfn f() {{ g({expr}); }}");
        let file = SourceFile::new("x.rs", text);
        let parsed = file.parse_rust().unwrap();
        let imports = ImportMap::of_file(&parsed);
        let syn::Item::Fn(f) = parsed.items.last().unwrap() else {
            panic!()
        };
        let syn::Stmt::Expr(syn::Expr::Call(c), _) = &f.block.stmts[0] else {
            panic!()
        };
        recognize(&file, &imports, &c.args[0])
    }

    #[test]
    fn recognizes_runtime_paths_through_imports() {
        let r = rt("use opentelemetry_sdk::runtime;", "runtime::Tokio").unwrap();
        assert_eq!(
            (r.runtime, r.text.as_str()),
            (Runtime::Tokio, "runtime::Tokio")
        );
        let r = rt("use opentelemetry::runtime;", "runtime::TokioCurrentThread").unwrap();
        assert_eq!(r.text, "opentelemetry_sdk::runtime::TokioCurrentThread");
        let r = rt("", "opentelemetry_sdk::runtime::AsyncStd").unwrap();
        assert_eq!(r.runtime, Runtime::AsyncStd);
        assert!(rt("use my::runtime;", "runtime::Tokio").is_none());
    }
}
