//! Environment variables whose meaning a hop changed without an API change (otel-ladder.md
//! §3.2, §3.6 run-time notes), found where deployment files set them: `KEY=value`,
//! `KEY: value`, `ENV KEY value`, `- name: KEY` / `value: …` is not followed (one line only).

use crate::engine::edit::TextRange;

/// Read as milliseconds from 0.29 on (were seconds).
pub const TIMEOUT_VARS: &[&str] = &[
    "OTEL_EXPORTER_OTLP_TIMEOUT",
    "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
    "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT",
    "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT",
];

/// A scheme-less value means `https://` for gRPC from 0.33 on.
pub const ENDPOINT_VARS: &[&str] = &[
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
];

/// One assignment: the variable, the value's range and the value (quotes stripped).
pub struct Assignment {
    pub var: &'static str,
    pub value: String,
    pub range: TextRange,
}

/// The assignments of `vars` in a deployment file's text.
pub fn assignments(text: &str, vars: &'static [&'static str]) -> Vec<Assignment> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        for var in vars {
            let Some(at) = find_word(line, var) else {
                continue;
            };
            let after = &line[at + var.len()..];
            let rest = after
                .trim_start_matches(['"', '\''])
                .trim_start_matches([' ', '\t']);
            let rest = rest
                .strip_prefix('=')
                .or_else(|| rest.strip_prefix(':'))
                .unwrap_or(rest)
                .trim_start_matches([' ', '\t', '"', '\'']);
            let value: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | ',' | '#' | ';'))
                .collect();
            if value.is_empty() {
                continue;
            }
            let start = line_start + (line.len() - rest.len());
            out.push(Assignment {
                var,
                range: TextRange::new(start, start + value.len()),
                value,
            });
        }
        line_start += line.len();
    }
    out
}

/// `word` in `line` with no identifier character on either side.
fn find_word(line: &str, word: &str) -> Option<usize> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    line.match_indices(word)
        .map(|(i, _)| i)
        .find(|&i| !line[..i].ends_with(ident) && !line[i + word.len()..].starts_with(ident))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_assignments_in_env_docker_and_yaml_shapes() {
        let text = "OTEL_EXPORTER_OTLP_TIMEOUT=10\nENV OTEL_EXPORTER_OTLP_TRACES_TIMEOUT 5000\n  OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: \"3\"\nMY_OTEL_EXPORTER_OTLP_TIMEOUT=1\n";
        let found = assignments(text, TIMEOUT_VARS);
        let values: Vec<(&str, &str)> = found.iter().map(|a| (a.var, a.value.as_str())).collect();
        assert_eq!(
            values,
            [
                ("OTEL_EXPORTER_OTLP_TIMEOUT", "10"),
                ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "5000"),
                ("OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "3"),
            ]
        );
        assert_eq!(&text[found[0].range.start..found[0].range.end], "10");
        assert_eq!(&text[found[2].range.start..found[2].range.end], "3");
    }
}
