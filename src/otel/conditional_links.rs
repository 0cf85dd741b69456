//! Settings old code applied to a pipeline under a condition (`if c { p = p.with_x(..) }`),
//! rendered on a mutable 0.27 builder under the same condition:
//! `let mut builder = <chain>; if c { builder = builder.with_x(..); } … builder.build()`.

use super::exporter::Arg;

/// One `if`: the condition as written (`if cond`, `if let … = …`) and the 0.27 links it sets.
#[derive(Debug, Clone)]
pub struct ConditionalLinks {
    pub condition: String,
    pub links: Vec<(String, Arg)>,
}

/// The statements that build `chain` (a builder expression without `.build()`) with the
/// `conditional` links, and the expression that builds it: with none, no statement and
/// `<chain>.build()`. Links of `chain` and `if` bodies are at `step`; the closing braces one
/// level out.
pub fn render_mutable(
    builder: &str,
    chain: String,
    conditional: &[ConditionalLinks],
    step: &str,
    unit: crate::engine::source::IndentUnit,
    le: &str,
) -> (Vec<String>, String) {
    if conditional.is_empty() {
        return (Vec::new(), format!("{chain}{le}{step}.build()"));
    }
    let close = crate::engine::source::shallower(step, unit);
    let mut setup = vec![format!("let mut {builder} = {chain};")];
    for c in conditional {
        let body: String = c
            .links
            .iter()
            .map(|(name, arg)| {
                let comments: String = arg
                    .comments
                    .iter()
                    .map(|k| format!("{le}{step}{k}"))
                    .collect();
                format!(
                    "{comments}{le}{step}{builder} = {builder}.{name}({});",
                    arg.at(step)
                )
            })
            .collect();
        setup.push(format!("{} {{{body}{le}{close}}}", c.condition));
    }
    (setup, format!("{builder}.build()"))
}
