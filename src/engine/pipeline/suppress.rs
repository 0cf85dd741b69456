//! Suppressed findings: `// otel-migrate: allow(<id>[, <id>…])` on the finding's line or the
//! line before, or an `allow` rule in the project config. A finding several transforms
//! reported is suppressed by an allow of any of them.

use crate::engine::config::Config;
use crate::engine::context::Project;
use crate::engine::finding::Finding;
use crate::engine::source::SourceFile;

pub(super) fn is_suppressed(
    file: &SourceFile,
    finding: &Finding,
    project: &Project,
    config: &Config,
) -> bool {
    if config.allow.iter().any(|rule| {
        finding
            .transforms
            .iter()
            .any(|id| rule.matches(id, project.relative(&finding.path)))
    }) {
        return true;
    }
    let lines = [finding.line.checked_sub(1), Some(finding.line)];
    lines
        .into_iter()
        .flatten()
        .filter(|&l| l >= 1 && l <= file.line_count())
        .any(|l| {
            let text = file.slice(file.line_range(l));
            allow_comment_ids(text).any(|id| finding.reported_by(id))
        })
}

fn allow_comment_ids(line: &str) -> impl Iterator<Item = &str> {
    line.match_indices("otel-migrate: allow(")
        .flat_map(move |(i, m)| {
            let rest = &line[i + m.len()..];
            let inner = rest.split(')').next().unwrap_or("");
            inner.split(',').map(str::trim)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_comments_list_ids() {
        let ids: Vec<_> =
            allow_comment_ids("x(); // otel-migrate: allow(jaeger-pipeline, service-name)")
                .collect();
        assert_eq!(ids, vec!["jaeger-pipeline", "service-name"]);
    }
}
