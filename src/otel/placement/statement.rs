//! Statement form, for `let p = <pipeline>?;`: the exporter is built first (the `?` now applies
//! to its `build()`), then the provider is bound to the old name.

use crate::otel::imports::ImportPlan;

use super::parts::ProviderParts;

/// `let exporter = …?; <setup> let <binding> = <provider>; [<register>(<binding>.clone());]`,
/// each statement on its own line at `indent` (the model's comments are the caller's to lead
/// with).
pub fn statements(
    p: &dyn ProviderParts,
    names: &mut ImportPlan<'_>,
    binding: &str,
    register: Option<&str>,
    indent: &str,
    le: &str,
) -> String {
    let inner = format!("{indent}    ");
    let mut lines = vec![format!(
        "let exporter = {}?;",
        p.exporter(names, &inner, le)
    )];
    let (setup, provider) = p.provider(names, &inner, le);
    lines.extend(setup);
    lines.push(format!("let {binding} = {provider};"));
    if let Some(register) = register {
        lines.push(format!("{register}({binding}.clone());"));
    }
    lines.join(&format!("{le}{indent}"))
}
