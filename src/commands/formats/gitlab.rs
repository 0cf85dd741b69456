//! `--format gitlab`: a GitLab Code Quality report, a JSON array of issues (description,
//! check_name, fingerprint, severity, location path and lines). The fingerprint hashes what
//! identifies a finding across runs (its transform, file, message and the code it covers,
//! plus its rank among identical ones), never its line, so an edit above it keeps it stable.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Project;
use crate::engine::finding::Severity;

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

pub fn render(projects: &[Project]) -> String {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut issues = Vec::new();
    let mut fingerprint = |parts: &[&str]| {
        let key = parts.join("\0");
        let rank = seen.entry(key.clone()).or_default();
        *rank += 1;
        let digest = Sha256::digest(format!("{key}\0{rank}").as_bytes());
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()[..32]
            .to_string()
    };
    for p in projects {
        for f in &p.report.findings {
            let path = f.path.to_string_lossy().to_string();
            let excerpt = f.excerpt.as_deref().unwrap_or("");
            let mut description = f.message.clone();
            if let Some(help) = &f.suggestion {
                description.push_str(&format!(" (help: {help})"));
            }
            issues.push(Issue {
                fingerprint: fingerprint(&[&f.transform, &path, &f.message, excerpt.trim()]),
                description,
                check_name: f.transform.clone(),
                severity: match f.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "major",
                    Severity::Note => "info",
                },
                location: Location {
                    path,
                    lines: Lines {
                        begin: f.line,
                        end: f.end_line.max(f.line),
                    },
                },
            });
        }
        for e in &p.report.errors {
            issues.push(Issue {
                fingerprint: fingerprint(&["otel-migrate", &e.path, &e.message]),
                description: e.message.clone(),
                check_name: "otel-migrate".to_string(),
                severity: "blocker",
                location: Location {
                    path: e.path.clone(),
                    lines: Lines { begin: 1, end: 1 },
                },
            });
        }
    }
    serde_json::to_string_pretty(&issues).expect("serializable") + "\n"
}
