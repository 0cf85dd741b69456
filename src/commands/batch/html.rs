//! `--html FILE` (batch, merge): the batch as one self-contained page for the person deciding
//! on a migration. No network and no external assets: inline CSS and a few lines of script
//! (expand/collapse all). A summary table per repository, the service-name table, the next
//! steps, then per repository its errors, compile errors and files: findings with their
//! excerpts and suggestions, and the diff, collapsible, added and removed lines marked.
//! Every text goes through maud, which escapes it (file names and code can hold `<`).

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::{edits_of, summary_table_cells, BatchReport, RepoReport};
use crate::engine::finding::Finding;
use crate::engine::report::FileReport;

const CSS: &str = include_str!("html.css");

/// Expands or collapses every file; marks the page when the script ran to its end (the
/// browser test reads the mark).
const SCRIPT: &str = "function setAll(open){document.querySelectorAll('details.file').forEach(function(d){d.open=open;});}
document.getElementById('expand').addEventListener('click',function(){setAll(true);});
document.getElementById('collapse').addEventListener('click',function(){setAll(false);});
document.documentElement.setAttribute('data-ready','1');";

pub fn render(report: &BatchReport) -> String {
    let s = &report.summary;
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "otel-migrate report" }
                style { (PreEscaped(CSS)) }
            }
            body {
                header {
                    h1 { "otel-migrate report" }
                    p.totals {
                        (s.repos) " repositories, " (s.files_scanned) " files scanned, "
                        (s.files_changed) " changed; " (s.findings) " findings ("
                        (s.by_severity.error) " error, " (s.by_severity.warning) " warning, "
                        (s.by_severity.note) " note); " (s.errors) " errors"
                    }
                }
                section #repositories {
                    h2 { "Repositories" }
                    (repositories_table(&report.repos))
                }
                @if !s.service_names.is_empty() {
                    section #service-names {
                        h2 { "Service names" }
                        div.scroll { table {
                            thead { tr { th { "service name" } th { "convention" } th { "repositories" } } }
                            tbody { @for n in &s.service_names {
                                tr {
                                    td { code { (n.name) } }
                                    td class=(if n.conventional { "ok" } else { "differs" }) {
                                        (if n.conventional { "ok" } else { "differs" })
                                    }
                                    td { (n.repos.join(", ")) }
                                }
                            } }
                        } }
                    }
                }
                @if !s.next_steps.is_empty() {
                    section #next-steps {
                        h2 { "Next steps" }
                        ul { @for step in &s.next_steps { li { (step) } } }
                    }
                }
                nav.controls {
                    button #expand type="button" { "expand all" }
                    button #collapse type="button" { "collapse all" }
                }
                @for (i, r) in report.repos.iter().enumerate() {
                    (repository(i, r))
                }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    page.into_string()
}

fn repositories_table(repos: &[RepoReport]) -> Markup {
    // A coverage column belongs here once the run report carries `summary.coverage`.
    html! {
        div.scroll { table.summary {
            thead { tr {
                th { "repository" } th { "status" } th { "scanned" } th { "changed" }
                th { "edits per transform" } th { "findings (E/W/N)" } th { "errors" }
                th { "verify" }
            } }
            tbody { @for (i, r) in repos.iter().enumerate() {
                @let cells = summary_table_cells(r);
                tr {
                    td { a href=(format!("#repo-{i}")) { (r.name) } }
                    td class=(r.status.as_str()) { (r.status.as_str()) }
                    td.num { (cells.scanned) }
                    td.num { (cells.changed) }
                    td.edits { @for (t, n) in edits_of(&r.report) { span { (t) ":" (n) } " " } }
                    td.num { (cells.findings) }
                    td.num { (cells.errors) }
                    td { (cells.verify) }
                }
            } }
        } }
    }
}

fn repository(index: usize, r: &RepoReport) -> Markup {
    let report = &r.report;
    let mut paths: Vec<&str> = report
        .files
        .iter()
        .filter(|f| f.changed)
        .map(|f| f.path.as_str())
        .chain(report.findings.iter().filter_map(|f| f.path.to_str()))
        .collect();
    paths.sort();
    paths.dedup();
    let edits = edits_of(report);
    html! {
        section.repo id=(format!("repo-{index}")) {
            h2 { (r.name) " " small { (r.path) } }
            @if !edits.is_empty() {
                p.edits { @for (t, n) in &edits { span.badge { (t) ": " (n) } " " } }
            }
            @if !report.errors.is_empty() {
                ul.errors { @for e in &report.errors { li { code { (e.path) } ": " (e.message) } } }
            }
            @if !r.dirty.is_empty() {
                p.errors { "skipped: files to change have uncommitted changes:" }
                ul.errors { @for d in &r.dirty { li { code { (d.path) } " (" (d.state) ")" } } }
            }
            @if let Some(v) = r.verify.as_deref() {
                p.verify { "verify: " (v.short()) }
                @for p in &v.projects { @for e in &p.errors {
                    pre.compile-error { (e.path) ":" (e.line) ":" (e.column) ": " (e.message) }
                } }
            }
            @if paths.is_empty() {
                p.quiet { "nothing to change, no findings" }
            }
            @for path in paths {
                (file(path, report.files.iter().find(|f| f.path == path), &report.findings))
            }
        }
    }
}

fn file(path: &str, report: Option<&FileReport>, findings: &[Finding]) -> Markup {
    let findings: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.path.to_str() == Some(path))
        .collect();
    let diff = report.map(|f| f.diff.as_str()).unwrap_or("");
    html! {
        details.file open[!findings.is_empty()] {
            summary {
                code { (path) }
                @if !diff.is_empty() { " " span.badge.changed { "changed" } }
                @for f in &findings { " " span class=(format!("badge {}", f.severity.as_str())) { (f.severity.as_str()) } }
            }
            @for f in &findings {
                div class=(format!("finding {}", f.severity.as_str())) {
                    p.message {
                        strong { (f.severity.as_str()) "[" (f.transform) "]" }
                        " line " (f.line) ":" (f.column) ": " (f.message)
                    }
                    @if let Some(excerpt) = &f.excerpt { pre.excerpt { (excerpt) } }
                    @if let Some(help) = &f.suggestion { p.help { "help: " (help) } }
                }
            }
            @if !diff.is_empty() {
                pre.diff { @for line in diff.lines() {
                    span class=(diff_class(line)) { (line) }
                } }
            }
        }
    }
}

fn diff_class(line: &str) -> &'static str {
    if line.starts_with("+++") || line.starts_with("---") {
        "meta"
    } else if line.starts_with("@@") {
        "hunk"
    } else if line.starts_with('+') {
        "add"
    } else if line.starts_with('-') {
        "del"
    } else {
        "ctx"
    }
}
