//! `--ledger`: the ledger of a run as one compact table per repository, in place of the diff on
//! stdout: a row per setting of each site, changed settings marked `*` (text) or in bold
//! (`--ledger-format markdown`, ready to paste into a pull request).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use crate::engine::ledger::{Key, LedgerEntry, Settings, Status, Value};
use crate::engine::pipeline::RunResult;
use crate::engine::report::display_path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LedgerFormat {
    Text,
    Markdown,
}

/// The ledger flags of diff/apply/check and batch.
#[derive(Debug, Clone, Args)]
pub struct LedgerArgs {
    /// Print the ledger (each rewritten or reported pipeline, exporter and provider site, and
    /// every service-name site: its settings before and after) on stdout in place of the diff.
    #[arg(long)]
    pub ledger: bool,
    /// How `--ledger` prints: a text table, or Markdown for a pull request.
    #[arg(long, value_enum, default_value_t = LedgerFormat::Text, requires = "ledger")]
    pub ledger_format: LedgerFormat,
}

const HEADER: [&str; 6] = ["site", "signal", "status", "setting", "before", "after"];

/// The table of one repository (`title`), ending with a newline.
pub fn render(title: &str, entries: &[LedgerEntry], format: LedgerFormat) -> String {
    let changed = entries.iter().filter(|e| !e.changed.is_empty()).count();
    let heading = format!(
        "ledger: {title}: {} site(s), {changed} with changes",
        entries.len()
    );
    let rows = rows(entries);
    match format {
        LedgerFormat::Text => text(&heading, &rows),
        LedgerFormat::Markdown => markdown(&heading, &rows),
    }
}

/// The tables of a run (diff, check, apply): one per project (repository) the run's files
/// belong to, titled by its root, in the order of the roots; an entry of a file the run holds
/// no result for goes under `.`. Nothing for a run with neither files nor entries.
pub fn render_per_project(result: &RunResult, format: LedgerFormat) -> String {
    let root_of: BTreeMap<&Path, &Path> = result
        .files
        .iter()
        .map(|f| (f.path.as_path(), f.project_root.as_path()))
        .collect();
    let mut projects: BTreeMap<Option<PathBuf>, Vec<LedgerEntry>> = root_of
        .values()
        .map(|root| (Some(root.to_path_buf()), Vec::new()))
        .collect();
    for e in &result.ledger {
        let root = root_of.get(e.path.as_path()).map(|r| r.to_path_buf());
        projects.entry(root).or_default().push(LedgerEntry {
            path: PathBuf::from(display_path(&e.path)),
            ..e.clone()
        });
    }
    projects
        .iter()
        .map(|(root, entries)| {
            let title = root.as_deref().map_or_else(|| ".".into(), display_path);
            render(&title, entries, format)
        })
        .collect()
}

/// One table row: the cells and whether the setting changed.
struct Row {
    cells: [String; 6],
    changed: bool,
}

fn rows(entries: &[LedgerEntry]) -> Vec<Row> {
    let mut rows = Vec::new();
    for e in entries {
        let site = format!("{}:{}", e.path.display(), e.line);
        let keys: Vec<Key> = Key::ALL
            .into_iter()
            .filter(|k| e.before.contains_key(k) || e.after.contains_key(k))
            .collect();
        if keys.is_empty() {
            // A site recognized but not read (a macro body that does not parse): still a row.
            let after = if e.status == Status::Reported {
                "(not rewritten)"
            } else {
                ""
            };
            rows.push(Row {
                cells: [
                    site,
                    e.signal.as_str().into(),
                    e.status.as_str().into(),
                    "-".into(),
                    "-".into(),
                    after.into(),
                ],
                changed: false,
            });
            continue;
        }
        for (i, key) in keys.iter().enumerate() {
            let first = i == 0;
            let after = match e.status {
                Status::Reported => "(not rewritten)".to_string(),
                _ => shown(&e.after, *key),
            };
            // A site written new had nothing before it (not the library's default).
            let before = match e.status {
                Status::Added => "-".to_string(),
                _ => shown(&e.before, *key),
            };
            rows.push(Row {
                cells: [
                    if first { site.clone() } else { String::new() },
                    if first {
                        e.signal.as_str().into()
                    } else {
                        String::new()
                    },
                    if first {
                        e.status.as_str().into()
                    } else {
                        String::new()
                    },
                    key.as_str().into(),
                    before,
                    after,
                ],
                changed: e.changed.contains(key),
            });
        }
    }
    rows
}

/// A setting as a cell: its value, `(default)` when the side leaves it to the library.
fn shown(side: &Settings, key: Key) -> String {
    side.get(&key)
        .map(Value::shown)
        .unwrap_or_else(|| "(default)".into())
}

fn text(heading: &str, rows: &[Row]) -> String {
    let mut widths = HEADER.map(|h| h.chars().count());
    for r in rows {
        for (w, c) in widths.iter_mut().zip(&r.cells) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String], mark: &str| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:w$}"))
            .collect();
        format!("{mark} {}\n", padded.join("  ").trim_end())
    };
    let mut out = format!("{heading} (* = changed)\n");
    out.push_str(&line(&HEADER.map(String::from), " "));
    for r in rows {
        out.push_str(&line(&r.cells, if r.changed { "*" } else { " " }));
    }
    out
}

fn markdown(heading: &str, rows: &[Row]) -> String {
    let mut out = format!("### {heading}\n\n");
    if rows.is_empty() {
        return out;
    }
    out.push_str(&format!("| {} |\n", HEADER.join(" | ")));
    out.push_str(&format!("|{}\n", "---|".repeat(HEADER.len())));
    for r in rows {
        let cells: Vec<String> = r
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let c = c.replace('|', "\\|");
                match (i, r.changed) {
                    (3, true) => format!("**{c}** (changed)"),
                    (4 | 5, true) if !c.is_empty() => format!("**{c}**"),
                    _ => c,
                }
            })
            .collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::edit::TextRange;
    use crate::engine::ledger::{RawLedgerEntry, Signal};

    fn entries() -> Vec<LedgerEntry> {
        let side = |pairs: &[(Key, Value)]| -> Settings { pairs.iter().cloned().collect() };
        let jaeger = RawLedgerEntry::rewritten(
            TextRange::new(0, 1),
            Signal::Traces,
            side(&[
                (Key::Endpoint, Value::unresolved("cfg.endpoint")),
                (Key::Protocol, Value::resolved("jaeger-udp-thrift")),
                (Key::Export, Value::resolved("batch")),
            ]),
            side(&[
                (Key::Endpoint, Value::unresolved("cfg.endpoint")),
                (Key::Protocol, Value::resolved("otlp-grpc")),
                (Key::Export, Value::resolved("batch")),
                (Key::Headers, Value::resolved("a|b")),
            ]),
        );
        let reported = RawLedgerEntry::reported(
            TextRange::new(0, 1),
            Signal::Metrics,
            side(&[(Key::Endpoint, Value::resolved("http://c:4317"))]),
        );
        let unread = RawLedgerEntry::reported(TextRange::new(0, 1), Signal::Logs, Settings::new());
        vec![
            LedgerEntry::located("src/t.rs".into(), 7, jaeger),
            LedgerEntry::located("src/m.rs".into(), 3, reported),
            LedgerEntry::located("src/macro.rs".into(), 9, unread),
        ]
    }

    #[test]
    fn text_marks_changed_settings_and_shows_defaults_and_unresolved_values() {
        let table = render("svc", &entries(), LedgerFormat::Text);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines[0],
            "ledger: svc: 3 site(s), 1 with changes (* = changed)"
        );
        assert!(lines[1].starts_with("  site"), "{table}");
        let row = |key: &str| {
            *lines
                .iter()
                .find(|l| l.split_whitespace().any(|w| w == key))
                .unwrap_or_else(|| panic!("no row {key}: {table}"))
        };
        assert!(row("endpoint").starts_with("* src/t.rs:7"), "{table}");
        assert!(row("endpoint").contains("`cfg.endpoint`?"));
        assert!(row("protocol").starts_with("* "));
        assert!(row("protocol").contains("jaeger-udp-thrift"));
        assert!(row("export").starts_with("  "), "{table}");
        assert!(row("headers").contains("(default)"));
        assert!(row("src/m.rs:3").contains("(not rewritten)"));
        assert!(
            row("src/m.rs:3").starts_with("  "),
            "a reported site changes nothing"
        );
        let unread: Vec<&str> = row("src/macro.rs:9").split_whitespace().collect();
        assert_eq!(
            unread.join(" "),
            "src/macro.rs:9 logs reported - - (not rewritten)"
        );
    }

    #[test]
    fn markdown_is_a_table_with_changed_settings_in_bold_and_pipes_escaped() {
        let table = render("svc", &entries(), LedgerFormat::Markdown);
        assert!(
            table.starts_with("### ledger: svc: 3 site(s), 1 with changes\n\n| site | signal |")
        );
        assert!(
            table.contains("| **protocol** (changed) | **jaeger-udp-thrift** | **otlp-grpc** |"),
            "{table}"
        );
        assert!(
            table.contains("| **headers** (changed) | **(default)** | **a\\|b** |"),
            "{table}"
        );
        assert!(table.contains("| export | batch | batch |"), "{table}");
        // Every row has its six cells: seven pipes besides the escaped ones.
        for row in table.lines().filter(|l| l.starts_with('|')) {
            assert_eq!(
                row.matches('|').count() - row.matches("\\|").count(),
                7,
                "{row}"
            );
        }
    }

    #[test]
    fn an_added_site_had_nothing_before_and_an_unchanged_one_is_not_marked() {
        let name = Settings::from([(Key::ServiceName, Value::resolved("llm.svc"))]);
        let unchanged =
            RawLedgerEntry::unchanged(TextRange::new(0, 1), Signal::ServiceName, name.clone());
        let entries = [
            LedgerEntry::located("src/lib.rs".into(), 4, unchanged),
            LedgerEntry::added("src/telemetry.rs".into(), 22, Signal::ServiceName, name),
        ];
        let table = render("svc", &entries, LedgerFormat::Text);
        let rows: Vec<Vec<&str>> = table
            .lines()
            .skip(2)
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(
            rows,
            [
                vec![
                    "src/lib.rs:4",
                    "service-name",
                    "unchanged",
                    "service_name",
                    "llm.svc",
                    "llm.svc"
                ],
                vec![
                    "*",
                    "src/telemetry.rs:22",
                    "service-name",
                    "added",
                    "service_name",
                    "-",
                    "llm.svc"
                ],
            ],
            "{table}"
        );
        let md = render("svc", &entries, LedgerFormat::Markdown);
        assert!(
            md.contains("| src/telemetry.rs:22 | service-name | added | **service_name** (changed) | **-** | **llm.svc** |"),
            "{md}"
        );
    }

    #[test]
    fn an_empty_ledger_says_so() {
        assert_eq!(
            render("svc", &[], LedgerFormat::Markdown),
            "### ledger: svc: 0 site(s), 0 with changes\n\n"
        );
        assert_eq!(render("svc", &[], LedgerFormat::Text).lines().count(), 2);
    }
}
