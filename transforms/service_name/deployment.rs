//! Deployment files (`.env`, Dockerfiles, YAML, docker-compose): the service names they set
//! (`OTEL_SERVICE_NAME`, `service.name=` in `OTEL_RESOURCE_ATTRIBUTES`, a `key: service.name`
//! attribute) are reported with the new name, never edited.

use crate::engine::changes::Changes;
use crate::engine::edit::TextRange;
use crate::engine::finding::Severity;
use crate::engine::source::SourceFile;
use crate::otel::naming::{Mapping, Naming};

/// The service names a deployment file sets: (byte range of the value, value).
pub(super) fn deployment_names(text: &str) -> Vec<(TextRange, String)> {
    let mut out = Vec::new();
    let mut offset = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut starts = Vec::new();
    for l in &lines {
        starts.push(offset);
        offset += l.len();
    }
    // The value after `key` on a line: `KEY=v`, `KEY: v`, `ENV KEY v`, quotes stripped.
    let value_at = |line: &str, from: usize| -> Option<(usize, String)> {
        let rest = &line[from..];
        let trimmed = rest.trim_start_matches(['"', '\'']);
        let trimmed = trimmed.trim_start_matches([' ', '\t']);
        let trimmed = trimmed
            .strip_prefix('=')
            .or_else(|| trimmed.strip_prefix(':'))
            .unwrap_or(trimmed);
        let trimmed = trimmed.trim_start_matches([' ', '\t', '"', '\'']);
        let start = line.len() - trimmed.len();
        let value: String = trimmed
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | ',' | '#' | ';'))
            .collect();
        (!value.is_empty()).then_some((start, value))
    };
    let next_value = |i: usize| -> Option<(usize, usize, String)> {
        for (j, l) in lines.iter().enumerate().skip(i + 1).take(3) {
            let t = l.trim_start().trim_start_matches("- ");
            if let Some(rest) = t.strip_prefix("value:") {
                let from = l.len() - rest.len();
                return value_at(l, from).map(|(s, v)| (j, s, v));
            }
        }
        None
    };
    for (i, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        let mut found: Vec<(usize, usize, String)> = Vec::new();
        if let Some(k) = line.find("OTEL_SERVICE_NAME") {
            match value_at(line, k + "OTEL_SERVICE_NAME".len()) {
                Some((s, v)) => found.push((i, s, v)),
                None => found.extend(next_value(i)),
            }
        }
        for (k, _) in line.match_indices("service.name=") {
            if let Some((s, v)) = value_at(line, k + "service.name".len()) {
                found.push((i, s, v));
            }
        }
        let t = line.trim_start().trim_start_matches("- ");
        if t.starts_with("key:")
            && t["key:".len()..].trim().trim_matches(['"', '\'']) == "service.name"
        {
            found.extend(next_value(i));
        }
        for (j, s, v) in found {
            // `${SERVICE}`, `{{ .Values.name }}`: set elsewhere.
            if v.contains('$') || v.contains('{') {
                continue;
            }
            let start = starts[j] + s;
            out.push((TextRange::new(start, start + v.len()), v));
        }
    }
    out
}

/// The findings for one deployment file of crate `krate` (none: a file outside any package).
pub(super) fn run_deployment(file: &SourceFile, krate: Option<&str>, naming: &Naming) -> Changes {
    let mut out = Changes::default();
    for (range, value) in deployment_names(&file.text) {
        match naming.classify(&value, krate) {
            Mapping::Conforming => {}
            Mapping::Rename { to, reason } => out.finding(
                range,
                Severity::Note,
                format!("deployment file sets service name `{value}`; the convention names it `{to}` ({reason})"),
                format!("change it to `{to}` together with the code (deployment files are reported, not edited), or dashboards and alerts keyed on the name split"),
            ),
            Mapping::Unknown { candidates } => out.finding(
                range,
                Severity::Note,
                format!("deployment file sets service name `{value}`, which does not follow `{}.{{component}}[.{{subcomponent}}]` and is not in the map", naming.prefix()),
                format!(
                    "candidates: {}; update it by hand (deployment files are reported, not edited)",
                    candidates.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                ),
            ),
        }
    }
    out
}
