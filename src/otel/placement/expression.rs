//! Expression form, for a pipeline anywhere but `let p = …?;` (a function's tail, a `match` arm,
//! an argument, before `.unwrap()`): `<exporter>.build().map(|exporter| { … })` keeps the
//! `Result` the old expression had, so `?`, `.unwrap()` and signatures still type-check.

use crate::otel::imports::ImportPlan;

use super::parts::ProviderParts;

/// `<exporter chain>.map(|exporter| { … })` for a chain that starts on a line indented `base`:
/// the body is the provider, or `let provider = …;` then its registration and what the old
/// call yielded.
pub fn expression(
    p: &dyn ProviderParts,
    names: &mut ImportPlan<'_>,
    register: Option<&str>,
    base: &str,
    le: &str,
) -> String {
    let unit = names.indent_unit();
    let i1 = crate::engine::source::deeper(base, unit);
    let i2 = crate::engine::source::deeper(&i1, unit);
    let i3 = crate::engine::source::deeper(&i2, unit);
    let exporter = p.exporter(names, &i1, le);
    let (setup, provider) = p.provider(names, "exporter", &i3, le);
    let mut lines: Vec<String> = p.comments().to_vec();
    lines.extend(setup);
    let derived = p.derived(names, "provider", &i2, le);
    if register.is_some() || derived.is_some() {
        lines.push(format!("let provider = {provider};"));
        if let Some(register) = register {
            lines.push(format!("{register}(provider.clone());"));
        }
        lines.push(derived.unwrap_or_else(|| "provider".to_string()));
    } else {
        lines.push(provider);
    }
    let body: String = lines.iter().map(|l| format!("{le}{i2}{l}")).collect();
    format!("{exporter}{le}{i1}.map(|exporter| {{{body}{le}{i1}}})")
}
