//! Unified diffs with `a/` `b/` paths relative to the current directory, so
//! `otel-migrate diff | git apply` works.

use similar::TextDiff;

/// A unified diff of `old` → `new` for `display_path` (empty when the texts are equal).
pub fn unified(display_path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    crate::engine::timings::time("render", || {
        let diff = TextDiff::from_lines(old, new);
        let body = diff
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{display_path}"), &format!("b/{display_path}"))
            .to_string();
        format!("diff --git a/{display_path} b/{display_path}\n{body}")
    })
}

/// The diff of a file the run creates, in git's form (`--- /dev/null`).
pub fn created(display_path: &str, new: &str) -> String {
    let diff = TextDiff::from_lines("", new);
    let body = diff
        .unified_diff()
        .context_radius(3)
        .header("/dev/null", &format!("b/{display_path}"))
        .to_string();
    format!("diff --git a/{display_path} b/{display_path}\nnew file mode 100644\n{body}")
}

/// Colors a unified diff for a terminal, line by line.
pub fn colorize(diff: &str) -> String {
    const RED: &str = "\x1b[31m";
    const GREEN: &str = "\x1b[32m";
    const CYAN: &str = "\x1b[36m";
    const BOLD: &str = "\x1b[1m";
    const RESET: &str = "\x1b[0m";
    let mut out = String::with_capacity(diff.len() + diff.len() / 8);
    for line in diff.split_inclusive('\n') {
        let (content, eol) = match line.strip_suffix('\n') {
            Some(c) => (c, "\n"),
            None => (line, ""),
        };
        let style = if content.starts_with("diff --git")
            || content.starts_with("+++")
            || content.starts_with("---")
        {
            BOLD
        } else if content.starts_with("@@") {
            CYAN
        } else if content.starts_with('+') {
            GREEN
        } else if content.starts_with('-') {
            RED
        } else {
            ""
        };
        if style.is_empty() {
            out.push_str(line);
        } else {
            out.push_str(style);
            out.push_str(content);
            out.push_str(RESET);
            out.push_str(eol);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_has_git_headers_and_keeps_crlf() {
        let d = unified("src/a.rs", "a\r\nb\r\n", "a\r\nc\r\n");
        assert!(d.starts_with("diff --git a/src/a.rs b/src/a.rs\n--- a/src/a.rs\n+++ b/src/a.rs\n"));
        assert!(d.contains("-b\r\n+c\r\n"));
        assert_eq!(unified("x", "same", "same"), "");
    }
}
