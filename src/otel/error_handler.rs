//! `global::set_error_handler(..)` (removed in opentelemetry 0.27, which reports its internal
//! errors as `tracing` events through the default `internal-logs` feature): which statements
//! install a handler, and whether the handler only prints or logs (then the call can go: the
//! same errors now reach the service's `tracing` subscriber) or does more (sends them to Sentry,
//! counts them: behaviour the user must move).

use syn::visit::Visit;

use crate::engine::syntax::ImportMap;

pub const SET_ERROR_HANDLER: &[&str] = &["opentelemetry", "global", "set_error_handler"];
pub const HANDLE_ERROR: &[&str] = &["opentelemetry", "global", "handle_error"];

/// What `global::handle_error(error)` becomes: the `tracing` event 0.27 emits for its own
/// errors when the package has `tracing` (`tracing_crate`: the name its code uses), else the
/// line the default handler printed (every `Into<global::Error>` type is `Display`).
pub fn handle_error_replacement(tracing_crate: Option<&str>, error: &str) -> String {
    match tracing_crate {
        Some(krate) => format!("{krate}::error!(\"OpenTelemetry error occurred. {{}}\", {error})"),
        None => format!("eprintln!(\"OpenTelemetry error occurred. {{}}\", {error})"),
    }
}

/// Macros that only print or log (the last segment of the macro's path).
const LOGGING_MACROS: &[&str] = &[
    "println", "eprintln", "print", "eprint", "dbg", "error", "warn", "info", "debug", "trace",
    "event", "log",
];

/// Methods whose only job on `set_error_handler`'s `Result` is to drop or unwrap it.
const RESULT_HANDLING: &[&str] = &[
    "ok",
    "unwrap",
    "expect",
    "unwrap_or_default",
    "unwrap_or_else",
    "map_err",
    "context",
    "with_context",
];

/// What the installed handler does.
#[derive(Debug, PartialEq, Eq)]
pub enum Handler {
    /// Prints or logs, nothing else.
    OnlyLogs,
    /// Anything else, with what gave it away.
    DoesMore(String),
}

/// The `set_error_handler(handler)` call when `stmt` is nothing but it: `global::set_error_handler(h);`,
/// with its `Result` dropped, unwrapped or `?`-ed (`.ok()`, `.expect(..)`, `?`, `let _ = …`).
pub fn installing_statement<'a>(
    stmt: &'a syn::Stmt,
    imports: &ImportMap,
) -> Option<&'a syn::ExprCall> {
    let expr = match stmt {
        syn::Stmt::Expr(e, Some(_)) => e,
        syn::Stmt::Local(syn::Local {
            pat: syn::Pat::Wild(_),
            init:
                Some(syn::LocalInit {
                    expr,
                    diverge: None,
                    ..
                }),
            ..
        }) => expr,
        _ => return None,
    };
    let call = peel_result_handling(expr)?;
    let syn::Expr::Path(func) = &*call.func else {
        return None;
    };
    (imports.is(&func.path, SET_ERROR_HANDLER) && call.args.len() == 1).then_some(call)
}

fn peel_result_handling(mut expr: &syn::Expr) -> Option<&syn::ExprCall> {
    loop {
        expr = match expr {
            syn::Expr::Call(c) => return Some(c),
            syn::Expr::Try(t) => &t.expr,
            syn::Expr::Paren(p) => &p.expr,
            syn::Expr::MethodCall(m)
                if RESULT_HANDLING.contains(&m.method.to_string().as_str()) =>
            {
                &m.receiver
            }
            _ => return None,
        };
    }
}

/// Whether `handler` (the argument of `set_error_handler`) only prints or logs: a closure whose
/// body calls nothing but printing and logging macros (their arguments are free: formatting).
pub fn classify(handler: &syn::Expr) -> Handler {
    let syn::Expr::Closure(closure) = handler else {
        return Handler::DoesMore("the handler is not a closure".to_string());
    };
    let mut v = OnlyLogging { more: None };
    v.visit_expr(&closure.body);
    match v.more {
        None => Handler::OnlyLogs,
        Some(why) => Handler::DoesMore(why),
    }
}

/// The paths of the macros `handler` calls (`error` in `|e| error!("{e}")`): their imports may
/// go with the handler.
pub fn macro_paths(handler: &syn::Expr) -> Vec<&syn::Path> {
    struct Macros<'a>(Vec<&'a syn::Path>);
    impl<'a> Visit<'a> for Macros<'a> {
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            self.0.push(&mac.path);
        }
    }
    let mut v = Macros(Vec::new());
    v.visit_expr(handler);
    v.0
}

struct OnlyLogging {
    /// The first thing found that is not printing or logging.
    more: Option<String>,
}

impl OnlyLogging {
    fn found(&mut self, what: String) {
        self.more.get_or_insert(what);
    }

    fn logging_macro(&mut self, mac: &syn::Macro) {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if !LOGGING_MACROS.contains(&name.as_str()) {
            self.found(format!("it calls `{name}!`"));
        }
    }
}

impl<'a> Visit<'a> for OnlyLogging {
    fn visit_expr_call(&mut self, c: &'a syn::ExprCall) {
        self.found("it calls a function".to_string());
        syn::visit::visit_expr_call(self, c);
    }

    fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
        self.found(format!("it calls `.{}(..)`", m.method));
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_assign(&mut self, a: &'a syn::ExprAssign) {
        self.found("it assigns".to_string());
        syn::visit::visit_expr_assign(self, a);
    }

    fn visit_expr_binary(&mut self, b: &'a syn::ExprBinary) {
        if matches!(
            b.op,
            syn::BinOp::AddAssign(_) | syn::BinOp::SubAssign(_) | syn::BinOp::MulAssign(_)
        ) {
            self.found("it assigns".to_string());
        }
        syn::visit::visit_expr_binary(self, b);
    }

    fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {
        self.found("it builds a closure".to_string());
    }

    fn visit_expr_unsafe(&mut self, _: &'a syn::ExprUnsafe) {
        self.found("it has an `unsafe` block".to_string());
    }

    /// A printing or logging macro is fine whatever its arguments format; no other macro is.
    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        self.logging_macro(mac);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_text(text: &str) -> Handler {
        classify(&syn::parse_str(text).unwrap())
    }

    #[test]
    fn printing_and_logging_handlers_only_log() {
        for handler in [
            r#"|e| eprintln!("otel: {e}")"#,
            r#"|error| { tracing::error!(%error, "OpenTelemetry error"); }"#,
            r#"|e| match e { Error::Trace(t) => log::warn!("{}", t.to_string()), _ => {} }"#,
            r#"move |e| { let _ = &e; println!("{:?}", e) }"#,
        ] {
            assert_eq!(classify_text(handler), Handler::OnlyLogs, "{handler}");
        }
    }

    #[test]
    fn handle_error_becomes_a_tracing_event_or_the_default_line() {
        assert_eq!(
            handle_error_replacement(Some("tracing"), "err"),
            r#"tracing::error!("OpenTelemetry error occurred. {}", err)"#
        );
        assert_eq!(
            handle_error_replacement(None, "TraceError::from(\"x\")"),
            r#"eprintln!("OpenTelemetry error occurred. {}", TraceError::from("x"))"#
        );
    }

    #[test]
    fn the_macros_a_handler_calls() {
        let handler: syn::Expr =
            syn::parse_str(r#"|e| match e { A => error!("{e}"), _ => log::warn!("{e:?}") }"#)
                .unwrap();
        let paths: Vec<String> = macro_paths(&handler)
            .iter()
            .map(|p| quote::quote!(#p).to_string().replace(' ', ""))
            .collect();
        assert_eq!(paths, ["error", "log::warn"]);
    }

    #[test]
    fn handlers_that_do_more_are_told_apart() {
        for (handler, why) in [
            (r#"|e| sentry::capture_error(&e)"#, "it calls a function"),
            (
                r#"|e| { ERRORS.inc(); eprintln!("{e}") }"#,
                "it calls `.inc(..)`",
            ),
            (r#"|e| { tx.send(e).ok(); }"#, "it calls `.ok(..)`"),
            (r#"|e| panic!("{e}")"#, "it calls `panic!`"),
            ("report_error", "the handler is not a closure"),
        ] {
            assert_eq!(
                classify_text(handler),
                Handler::DoesMore(why.to_string()),
                "{handler}"
            );
        }
    }
}
