//! `--format junit`: JUnit XML for CI dashboards. One testsuite per project (repository), one
//! testcase per file the run looked at, a `<failure>` per error or warning finding (notes never
//! fail, as in `check`), an `<error>` when the file could not be migrated.

use std::collections::BTreeSet;

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use super::Project;
use crate::engine::finding::Finding;

pub fn render(projects: &[Project]) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    write(&mut writer, projects).expect("writing to memory cannot fail");
    String::from_utf8(writer.into_inner()).expect("UTF-8 in, UTF-8 out") + "\n"
}

fn write(w: &mut Writer<Vec<u8>>, projects: &[Project]) -> std::io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let suites: Vec<Suite> = projects.iter().map(Suite::of).collect();
    let total = |count: fn(&Suite) -> usize| suites.iter().map(count).sum::<usize>().to_string();
    w.create_element("testsuites")
        .with_attribute(("name", "otel-migrate"))
        .with_attribute(("tests", total(|s| s.files.len()).as_str()))
        .with_attribute(("failures", total(|s| s.failures()).as_str()))
        .with_attribute(("errors", total(|s| s.project.report.errors.len()).as_str()))
        .write_inner_content(|w| {
            for suite in &suites {
                suite.write(w)?;
            }
            Ok(())
        })?;
    Ok(())
}

struct Suite<'a> {
    project: &'a Project<'a>,
    files: BTreeSet<&'a str>,
}

impl<'a> Suite<'a> {
    fn of(project: &'a Project<'a>) -> Suite<'a> {
        let r = project.report;
        let files = r
            .files
            .iter()
            .map(|f| f.path.as_str())
            .chain(r.findings.iter().filter_map(|f| f.path.to_str()))
            .chain(r.errors.iter().map(|e| e.path.as_str()))
            .collect();
        Suite { project, files }
    }

    fn failing(&self, path: &str) -> impl Iterator<Item = &'a Finding> + '_ {
        let path = path.to_string();
        self.project
            .report
            .findings
            .iter()
            .filter(move |f| f.severity.fails_check() && f.path.to_str() == Some(path.as_str()))
    }

    fn failures(&self) -> usize {
        let r = self.project.report;
        r.findings
            .iter()
            .filter(|f| f.severity.fails_check())
            .count()
    }

    fn write(&self, w: &mut Writer<Vec<u8>>) -> std::io::Result<()> {
        let r = self.project.report;
        let name = if self.project.name == "." {
            "otel-migrate"
        } else {
            self.project.name
        };
        w.create_element("testsuite")
            .with_attribute(("name", name))
            .with_attribute(("tests", self.files.len().to_string().as_str()))
            .with_attribute(("failures", self.failures().to_string().as_str()))
            .with_attribute(("errors", r.errors.len().to_string().as_str()))
            .write_inner_content(|w| {
                for path in &self.files {
                    let case = w
                        .create_element("testcase")
                        .with_attribute(("classname", name))
                        .with_attribute(("name", *path))
                        .with_attribute(("file", *path));
                    let failures: Vec<&Finding> = self.failing(path).collect();
                    let errors: Vec<&str> = r
                        .errors
                        .iter()
                        .filter(|e| e.path == *path)
                        .map(|e| e.message.as_str())
                        .collect();
                    if failures.is_empty() && errors.is_empty() {
                        case.write_empty()?;
                        continue;
                    }
                    case.write_inner_content(|w| {
                        for f in &failures {
                            failure(w, f)?;
                        }
                        for message in &errors {
                            w.create_element("error")
                                .with_attribute(("message", *message))
                                .write_empty()?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    }
}

fn failure(w: &mut Writer<Vec<u8>>, f: &Finding) -> std::io::Result<()> {
    let mut text = format!(
        "{}:{}:{}: {}[{}]: {}",
        f.path.display(),
        f.line,
        f.column,
        f.severity.as_str(),
        f.transform,
        f.message
    );
    if let Some(excerpt) = &f.excerpt {
        text.push_str(&format!("\n{excerpt}"));
    }
    if let Some(help) = &f.suggestion {
        text.push_str(&format!("\nhelp: {help}"));
    }
    w.create_element("failure")
        .with_attribute(("type", f.transform.as_str()))
        .with_attribute(("message", f.message.as_str()))
        .write_text_content(BytesText::new(&text))?;
    Ok(())
}
