//! `--format github`: one GitHub Actions workflow command per finding
//! (`::error file=…,line=…,endLine=…,col=…,endColumn=…,title=<id>::message`), which the runner
//! turns into an inline annotation; warnings and notes likewise, errors that stopped a file as
//! `::error`. Paths are as shown (relative to where the tool ran: the checkout).

use super::Project;
use crate::engine::finding::Finding;

pub fn render(projects: &[Project]) -> String {
    let mut out = String::new();
    for p in projects {
        for f in &p.report.findings {
            out.push_str(&annotation(f));
        }
        for e in &p.report.errors {
            out.push_str(&format!(
                "::error file={},title=otel-migrate::{}\n",
                property(&e.path),
                data(&e.message)
            ));
        }
    }
    out
}

fn annotation(f: &Finding) -> String {
    let level = match f.severity.as_str() {
        "note" => "notice",
        other => other,
    };
    let mut message = f.message.clone();
    if let Some(help) = &f.suggestion {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{level} file={},line={},endLine={},col={},endColumn={},title={}::{}\n",
        property(&f.path.to_string_lossy()),
        f.line,
        f.end_line.max(f.line),
        f.column,
        f.end_column.max(1),
        property(&f.transform),
        data(&message)
    )
}

/// The escaping of a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The escaping of a workflow command's property value (also `:` and `,`).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_properties_are_escaped() {
        assert_eq!(data("50%\na"), "50%25%0Aa");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
