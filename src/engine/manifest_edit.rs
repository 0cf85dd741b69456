//! Edit builders for Cargo.toml: byte-range splices on the original text (design.md §7) for
//! the manifest transforms. Version requirements keep their operator and precision
//! (cargo-upgrade's `preserve_op`); new text uses the file's line ending; nothing outside the
//! returned ranges moves.

use crate::engine::edit::{Edit, TextRange};
use crate::engine::manifest::DepEntry;

/// A target version with the precision it must be written with at least (`0.27.1` → 3, so
/// `"0.26"` becomes `"0.27.1"`; `0.27` → 2, so `"0.26"` becomes `"0.27"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetVersion {
    pub version: semver::Version,
    pub precision: usize,
}

impl TargetVersion {
    /// `"0.27"`, `"0.27.1"`, `"1"`: a plain version, no operator.
    pub fn parse(text: &str) -> Option<TargetVersion> {
        let parts: Vec<u64> = text
            .trim()
            .split('.')
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        if parts.is_empty() || parts.len() > 3 {
            return None;
        }
        let at = |i: usize| parts.get(i).copied().unwrap_or(0);
        Some(TargetVersion {
            version: semver::Version::new(at(0), at(1), at(2)),
            precision: parts.len(),
        })
    }

    /// The part that decides compatibility: the minor for 0.x, else the major.
    fn compat_key(&self) -> (u64, u64) {
        compat_key(&self.version)
    }
}

impl std::fmt::Display for TargetVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = &self.version;
        let all = [v.major, v.minor, v.patch];
        let shown: Vec<String> = all[..self.precision].iter().map(u64::to_string).collect();
        f.write_str(&shown.join("."))
    }
}

fn compat_key(v: &semver::Version) -> (u64, u64) {
    if v.major == 0 {
        (0, v.minor)
    } else {
        (v.major, 0)
    }
}

/// What to do with one version requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retarget {
    /// Already on the target's minor (or major for 1.x): left alone.
    OnTarget,
    /// The new requirement text (no quotes).
    Bump(String),
    /// Admits only versions newer than the target: never downgraded.
    Newer,
    /// A shape this tool does not rewrite (ranges, several comparators, `*`, `0`, pre-releases).
    Unsupported,
}

/// Moves `req` to `target`, keeping its operator (`=`, `^`, `~`, none, `.*`) and precision,
/// except that the result is at least as precise as the target (minimum patches).
pub fn retarget(req: &str, target: &TargetVersion) -> Retarget {
    let s = req.trim();
    let (op, rest) = match s.chars().next() {
        Some(c @ ('=' | '^' | '~')) => (c.to_string(), s[1..].trim_start()),
        Some(c) if c.is_ascii_digit() => (String::new(), s),
        _ => return Retarget::Unsupported,
    };
    let mut nums = Vec::new();
    let mut wildcard = false;
    for (i, part) in rest.split('.').enumerate() {
        if wildcard || i > 2 {
            return Retarget::Unsupported;
        }
        if part == "*" || part == "x" || part == "X" {
            if op == "=" || i == 0 {
                return Retarget::Unsupported;
            }
            wildcard = true;
            continue;
        }
        match part.parse::<u64>() {
            Ok(n) => nums.push(n),
            Err(_) => return Retarget::Unsupported,
        }
    }
    // `"0"` and `"0.*"` admit every 0.x release; there is no operator-preserving bump.
    if nums.is_empty() || (nums.len() == 1 && nums[0] == 0) {
        return Retarget::Unsupported;
    }
    let at = |i: usize| nums.get(i).copied().unwrap_or(0);
    let lowest = semver::Version::new(at(0), at(1), at(2));
    match compat_key(&lowest).cmp(&target.compat_key()) {
        std::cmp::Ordering::Equal => return Retarget::OnTarget,
        std::cmp::Ordering::Greater => return Retarget::Newer,
        std::cmp::Ordering::Less => {}
    }
    let t = &target.version;
    let all = [t.major, t.minor, t.patch];
    if wildcard {
        // `0.26.*` admits the whole minor; with a minimum patch, `~0.27.1` says the same.
        if target.precision > nums.len() + 1 || (target.precision == 3 && t.patch > 0) {
            return Retarget::Bump(format!("~{}.{}.{}", t.major, t.minor, t.patch));
        }
        let shown: Vec<String> = all[..nums.len()].iter().map(u64::to_string).collect();
        return Retarget::Bump(format!("{op}{}.*", shown.join(".")));
    }
    let precision = nums.len().max(target.precision);
    let shown: Vec<String> = all[..precision].iter().map(u64::to_string).collect();
    Retarget::Bump(format!("{op}{}", shown.join(".")))
}

/// Raises `req` to admit no version below `floor` within the same compatible line, keeping
/// its operator (`"0.1.34"` → `"0.1.40"`, `"^0.1"` → `"^0.1.40"`): `OnTarget` when it already
/// does, `Newer` when it is on a later line, `Unsupported` for pins (`=`), wildcards and shapes
/// [`retarget`] does not rewrite.
pub fn raise_floor(req: &str, floor: &semver::Version) -> Retarget {
    let trimmed = req.trim();
    let lowest = crate::engine::manifest::minimum_version(trimmed);
    if lowest.as_ref().is_some_and(|v| v >= floor) {
        return Retarget::OnTarget;
    }
    let line = TargetVersion {
        version: floor.clone(),
        precision: 3,
    };
    match retarget(req, &line) {
        Retarget::OnTarget => {}
        Retarget::Newer => return Retarget::Newer,
        Retarget::Bump(_) | Retarget::Unsupported => return Retarget::Unsupported,
    }
    if trimmed.starts_with('=') || trimmed.contains('*') {
        return Retarget::Unsupported;
    }
    let op = if trimmed.starts_with(['^', '~']) {
        &trimmed[..1]
    } else {
        ""
    };
    Retarget::Bump(format!("{op}{floor}"))
}

/// A string literal with the quote style of `original` (`"0.26"` or `'0.26'`).
pub fn requote(original: &str, value: &str) -> String {
    let q = if original.starts_with('\'') {
        '\''
    } else {
        '"'
    };
    format!("{q}{value}{q}")
}

/// Start of the line containing `offset`.
pub fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0)
}

/// End of the line containing `offset`, after its line break (or the end of the text).
pub fn line_end(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map(|i| offset + i + 1)
        .unwrap_or(text.len())
}

/// The whole lines `range` touches, line breaks included.
pub fn full_lines(text: &str, range: TextRange) -> TextRange {
    TextRange::new(line_start(text, range.start), line_end(text, range.end))
}

/// The line break after the last line of the entry: where a related new line goes.
pub fn after_entry(text: &str, entry: &DepEntry) -> Option<usize> {
    entry.parts.iter().map(|p| line_end(text, p.end)).max()
}

/// Adds the entry `key` on the lines after `beside`, in the same table and form: a table of
/// its own after a `[dependencies.x]` table, `key.workspace = true` beside a dotted inherited
/// entry, else one line (`key = "v"`, or an inline table when it inherits or has features).
/// `version: None` inherits it from the workspace.
pub fn add_sibling_entry(
    text: &str,
    beside: &DepEntry,
    key: &str,
    version: Option<&str>,
    features: &[String],
    line_ending: &str,
) -> Option<Edit> {
    add_sibling(text, beside, key, version, features, false, line_ending)
}

/// [`add_sibling_entry`] marked `optional = true`: a crate that comes with an optional one
/// (enabled by the same features, see the caller).
pub fn add_optional_sibling_entry(
    text: &str,
    beside: &DepEntry,
    key: &str,
    version: Option<&str>,
    line_ending: &str,
) -> Option<Edit> {
    add_sibling(text, beside, key, version, &[], true, line_ending)
}

fn add_sibling(
    text: &str,
    beside: &DepEntry,
    key: &str,
    version: Option<&str>,
    features: &[String],
    optional: bool,
    line_ending: &str,
) -> Option<Edit> {
    let le = line_ending;
    let at = after_entry(text, beside)?;
    let lead = if at > 0 && !text[..at].ends_with('\n') {
        le
    } else {
        ""
    };
    // The keys after the version (or `workspace = true`), in the order Cargo's docs write them.
    let mut pairs: Vec<String> = Vec::new();
    if !features.is_empty() {
        pairs.push(format!("features = {}", string_array(features)));
    }
    if optional {
        pairs.push("optional = true".to_string());
    }
    let inline = |first: String| {
        let all: Vec<String> = std::iter::once(first)
            .chain(pairs.iter().cloned())
            .collect();
        format!("{key} = {{ {} }}", all.join(", "))
    };
    let line = match version {
        None if beside.is_dotted => {
            let mut lines = format!("{key}.workspace = true");
            for p in &pairs {
                lines.push_str(&format!("{le}{key}.{p}"));
            }
            lines
        }
        None => inline("workspace = true".to_string()),
        Some(version) if beside.is_table_header => {
            // A table of its own: a new table after it, with the same header prefix.
            let key_span = beside.key_span?;
            let start = line_start(text, key_span.start);
            let prefix = &text[start..key_span.start];
            let mut body = format!("{lead}{le}{prefix}{key}]{le}version = \"{version}\"{le}");
            for p in &pairs {
                body.push_str(&format!("{p}{le}"));
            }
            return Some(Edit::insert(at, body));
        }
        Some(version) if pairs.is_empty() => format!("{key} = \"{version}\""),
        Some(version) => inline(format!("version = \"{version}\"")),
    };
    let indent = {
        let first = beside.parts.first()?;
        let s = line_start(text, first.start);
        let l = &text[s..first.start];
        l[..l.len() - l.trim_start().len()].to_string()
    };
    let line = line.replace(le, &format!("{le}{indent}"));
    Some(Edit::insert(at, format!("{lead}{indent}{line}{le}")))
}

/// Deletes a dependency entry: its lines (a trailing comment on them goes too; comment lines
/// above stay). A removed `[dependencies.x]` table also takes one blank line with it.
pub fn remove_entry(text: &str, entry: &DepEntry) -> Vec<Edit> {
    let mut ranges: Vec<TextRange> = entry.parts.iter().map(|p| full_lines(text, *p)).collect();
    ranges.sort();
    ranges.dedup();
    if entry.is_table_header {
        if let Some(last) = ranges.last_mut() {
            let next_end = line_end(text, last.end.min(text.len()));
            if last.end < text.len() && text[last.end..next_end].trim().is_empty() {
                *last = TextRange::new(last.start, next_end);
            }
        }
    }
    ranges.into_iter().map(Edit::delete).collect()
}

/// Renames the key of an entry (every dotted line, or the table header's last key).
pub fn rename_key(text: &str, entry: &DepEntry, new_key: &str) -> Vec<Edit> {
    if entry.is_dotted {
        // Each `x.k = v` line starts with the key; toml_edit gives the span of the first only.
        return entry
            .parts
            .iter()
            .filter_map(|p| {
                let start = line_start(text, p.start);
                let line = &text[start..p.start];
                let indent = line.len() - line.trim_start().len();
                let key_start = start + indent;
                let key_text = key_text_at(text, key_start)?;
                Some(Edit::replace(
                    TextRange::new(key_start, key_start + key_text.len()),
                    new_key,
                ))
            })
            .collect();
    }
    match entry.key_span {
        Some(k) => vec![Edit::replace(k, new_key)],
        None => Vec::new(),
    }
}

/// The (possibly quoted) key at `at`.
fn key_text_at(text: &str, at: usize) -> Option<&str> {
    let rest = &text[at..];
    let len = match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].find(q)? + 2,
        _ => rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len()),
    };
    Some(&rest[..len])
}

/// Replaces the entry's version literal.
pub fn set_version(text: &str, entry: &DepEntry, version: &str) -> Option<Edit> {
    let span = entry.version_span?;
    Some(Edit::replace(
        span,
        requote(&text[span.start..span.end], version),
    ))
}

/// A TOML array of strings, `["a", "b"]`.
pub fn string_array(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

/// Appends `items` to an existing array after its last element, or into `[]`.
pub fn append_to_array(
    text: &str,
    array: TextRange,
    elements: &[(String, TextRange)],
    items: &[String],
) -> Edit {
    let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
    match elements.last() {
        Some((_, last)) => Edit::insert(last.end, format!(", {}", quoted.join(", "))),
        None => {
            let _ = text;
            Edit::insert(array.start + 1, quoted.join(", "))
        }
    }
}

/// Removes one element of an array, with its separating comma.
pub fn remove_from_array(elements: &[(String, TextRange)], index: usize) -> Edit {
    let this = elements[index].1;
    if let Some((_, next)) = elements.get(index + 1) {
        Edit::delete(TextRange::new(this.start, next.start))
    } else if index > 0 {
        Edit::delete(TextRange::new(elements[index - 1].1.end, this.end))
    } else {
        Edit::delete(this)
    }
}

/// Rewrites the elements of an array: `changes[i]` is `None` to keep element `i`, or the
/// strings that replace it (empty: removed). A one-line array is rewritten whole (it holds no
/// comments); a multi-line one element by element so its layout and comments stay.
pub fn rewrite_array(
    text: &str,
    array: TextRange,
    elements: &[(String, TextRange)],
    changes: &[Option<Vec<String>>],
) -> Vec<Edit> {
    if changes.iter().all(Option::is_none) {
        return Vec::new();
    }
    let result: Vec<String> = elements
        .iter()
        .zip(changes)
        .flat_map(|((old, _), c)| c.clone().unwrap_or_else(|| vec![old.clone()]))
        .collect();
    let literal = &text[array.start..array.end];
    if !literal.contains('\n') || result.is_empty() {
        return vec![Edit::replace(array, string_array(&result))];
    }
    let mut edits = Vec::new();
    let mut i = 0;
    while i < elements.len() {
        match &changes[i] {
            Some(new) if new.is_empty() => {
                let mut j = i;
                while j + 1 < elements.len() && matches!(&changes[j + 1], Some(n) if n.is_empty()) {
                    j += 1;
                }
                let range = if let Some((_, next)) = elements.get(j + 1) {
                    TextRange::new(elements[i].1.start, next.start)
                } else if i > 0 {
                    TextRange::new(elements[i - 1].1.end, elements[j].1.end)
                } else {
                    TextRange::new(elements[i].1.start, elements[j].1.end)
                };
                edits.push(Edit::delete(range));
                i = j + 1;
            }
            Some(new) => {
                let quoted: Vec<String> = new.iter().map(|n| format!("\"{n}\"")).collect();
                // An element on a line of its own: each new one gets a line of its own too.
                let at = elements[i].1.start;
                let lead = &text[line_start(text, at)..at];
                let separator = if lead.trim().is_empty() {
                    let le = if literal.contains("\r\n") {
                        "\r\n"
                    } else {
                        "\n"
                    };
                    format!(",{le}{lead}")
                } else {
                    ", ".to_string()
                };
                edits.push(Edit::replace(elements[i].1, quoted.join(&separator)));
                i += 1;
            }
            None => i += 1,
        }
    }
    edits
}

/// Adds `items` to the entry's `features` in whatever form the entry has: appended to the
/// array, a `features` key added to the inline table / `[dependencies.x]` table / dotted keys,
/// or the string form turned into an inline table.
pub fn add_features(
    text: &str,
    entry: &DepEntry,
    items: &[String],
    line_ending: &str,
) -> Option<Edit> {
    if items.is_empty() {
        return None;
    }
    if let Some(array) = entry.features_span {
        return Some(append_to_array(text, array, &entry.feature_items, items));
    }
    let value = entry.value_span?;
    let array = string_array(items);
    if entry.is_table_header {
        let at = after_entry(text, entry)?;
        let lead = if at > 0 && !text[..at].ends_with('\n') {
            line_ending
        } else {
            ""
        };
        return Some(Edit::insert(
            at,
            format!("{lead}features = {array}{line_ending}"),
        ));
    }
    if entry.is_dotted {
        let last = entry.parts.iter().max_by_key(|p| p.end)?;
        let start = line_start(text, last.start);
        let line = &text[start..];
        let indent = &line[..line.len() - line.trim_start().len()];
        let key = key_text_at(text, start + indent.len())?;
        let at = line_end(text, last.end);
        let lead = if !text[..at].ends_with('\n') {
            line_ending
        } else {
            ""
        };
        return Some(Edit::insert(
            at,
            format!("{lead}{indent}{key}.features = {array}{line_ending}"),
        ));
    }
    let literal = &text[value.start..value.end];
    if literal.starts_with('{') {
        // Before the closing brace, after the last value (spaces kept as written).
        let inner_end = value.end - 1;
        let trimmed = text[value.start + 1..inner_end].trim_end();
        let at = value.start + 1 + trimmed.len();
        let sep = if trimmed.trim().is_empty() { " " } else { ", " };
        return Some(Edit::insert(at, format!("{sep}features = {array}")));
    }
    // `x = "0.27"` → `x = { version = "0.27", features = [...] }`.
    Some(Edit::replace(
        value,
        format!("{{ version = {literal}, features = {array} }}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> TargetVersion {
        TargetVersion::parse(s).unwrap()
    }

    #[test]
    fn keeps_operator_and_precision() {
        let sdk = t("0.27.1");
        let api = t("0.27");
        let bump = |r: &str, tv: &TargetVersion| retarget(r, tv);
        assert_eq!(bump("=0.21.0", &sdk), Retarget::Bump("=0.27.1".into()));
        assert_eq!(bump("^0.26", &sdk), Retarget::Bump("^0.27.1".into()));
        assert_eq!(bump("~0.26.1", &sdk), Retarget::Bump("~0.27.1".into()));
        assert_eq!(bump("0.26", &sdk), Retarget::Bump("0.27.1".into()));
        assert_eq!(bump("~0.26.1", &api), Retarget::Bump("~0.27.0".into()));
        assert_eq!(bump("0.26", &api), Retarget::Bump("0.27".into()));
        assert_eq!(bump("0.26.*", &api), Retarget::Bump("0.27.*".into()));
        assert_eq!(bump("0.26.*", &sdk), Retarget::Bump("~0.27.1".into()));
        assert_eq!(bump("= 0.21.2", &api), Retarget::Bump("=0.27.0".into()));
        assert_eq!(bump("0.27", &sdk), Retarget::OnTarget);
        assert_eq!(bump("=0.27.0", &api), Retarget::OnTarget);
        assert_eq!(bump("0.28", &api), Retarget::Newer);
        assert_eq!(bump(">=0.21", &api), Retarget::Unsupported);
        assert_eq!(bump(">=0.21, <0.27", &api), Retarget::Unsupported);
        assert_eq!(bump("*", &api), Retarget::Unsupported);
        assert_eq!(bump("0", &api), Retarget::Unsupported);
        assert_eq!(bump("0.26.0-beta.1", &api), Retarget::Unsupported);
        assert_eq!(bump("0.2", &t("1")), Retarget::Bump("1.0".into()));
        assert_eq!(bump("1.0", &t("1")), Retarget::OnTarget);
        assert_eq!(t("0.24.2").to_string(), "0.24.2");
        assert!(TargetVersion::parse("^0.27").is_none());
    }

    #[test]
    fn a_floor_is_raised_within_the_line_keeping_the_operator() {
        let floor = semver::Version::new(0, 1, 40);
        let raise = |r: &str| raise_floor(r, &floor);
        assert_eq!(raise("0.1.34"), Retarget::Bump("0.1.40".into()));
        assert_eq!(raise("^0.1"), Retarget::Bump("^0.1.40".into()));
        assert_eq!(raise("~0.1.37"), Retarget::Bump("~0.1.40".into()));
        assert_eq!(raise("0.1.40"), Retarget::OnTarget);
        assert_eq!(raise("0.1.41"), Retarget::OnTarget);
        assert_eq!(raise(">=0.1.40"), Retarget::OnTarget);
        assert_eq!(raise("=0.1.37"), Retarget::Unsupported);
        assert_eq!(raise("0.1.*"), Retarget::Unsupported);
        assert_eq!(raise(">=0.1.30, <0.2"), Retarget::Unsupported);
        assert_eq!(raise("0.2"), Retarget::OnTarget);
    }
}
