//! The ledger: what each pipeline, exporter, provider or service-name site exports, before and
//! after the run, in fixed keys a reviewer can compare at a glance. Plain data, like
//! [`crate::engine::finding`]: the knowledge layer fills it, transforms hand it in with their
//! changes, the pipeline locates it in the original text and the report carries it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::engine::edit::TextRange;

/// The observable settings a ledger compares, in the order its views show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Key {
    ServiceName,
    Endpoint,
    Protocol,
    /// Header (or tonic metadata) keys only: values may be secrets.
    Headers,
    Timeout,
    Compression,
    Tls,
    Sampler,
    /// `batch` / `simple`, with the batch settings.
    Export,
    Resource,
    Temporality,
    ReaderInterval,
    GlobalRegistration,
    ScopeName,
    /// The Prometheus exporter's listen address (`metrics` users).
    PrometheusListen,
    /// The Prometheus exporter's histogram buckets (`metrics` users).
    PrometheusBuckets,
}

impl Key {
    pub const ALL: [Key; 16] = [
        Key::ServiceName,
        Key::Endpoint,
        Key::Protocol,
        Key::Headers,
        Key::Timeout,
        Key::Compression,
        Key::Tls,
        Key::Sampler,
        Key::Export,
        Key::Resource,
        Key::Temporality,
        Key::ReaderInterval,
        Key::GlobalRegistration,
        Key::ScopeName,
        Key::PrometheusListen,
        Key::PrometheusBuckets,
    ];

    /// The key as JSON spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Key::ServiceName => "service_name",
            Key::Endpoint => "endpoint",
            Key::Protocol => "protocol",
            Key::Headers => "headers",
            Key::Timeout => "timeout",
            Key::Compression => "compression",
            Key::Tls => "tls",
            Key::Sampler => "sampler",
            Key::Export => "export",
            Key::Resource => "resource",
            Key::Temporality => "temporality",
            Key::ReaderInterval => "reader_interval",
            Key::GlobalRegistration => "global_registration",
            Key::ScopeName => "scope_name",
            Key::PrometheusListen => "prometheus_listen",
            Key::PrometheusBuckets => "prometheus_buckets",
        }
    }
}

/// One setting's value: resolved (through literals, constants and config defaults), or the
/// expression as written when it stays unknown until run time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Resolved(String),
    Unresolved { unresolved: String },
}

impl Value {
    pub fn resolved(text: impl Into<String>) -> Value {
        Value::Resolved(text.into())
    }

    pub fn unresolved(expression: impl Into<String>) -> Value {
        Value::Unresolved {
            unresolved: expression.into(),
        }
    }

    /// The value as a view shows it: unresolved expressions in backticks with a `?`.
    pub fn shown(&self) -> String {
        match self {
            Value::Resolved(v) => v.clone(),
            Value::Unresolved { unresolved } => format!("`{unresolved}`?"),
        }
    }
}

/// The settings of one side of a site; a key left out is the library's default.
pub type Settings = BTreeMap<Key, Value>;

/// What the run did with the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Rewritten,
    /// Recognized and left as written, with a finding saying why: the after side is empty.
    Reported,
    /// Rewritten, then taken back because the result did not compile: the after side is the
    /// before side. Produced by the verify loop through [`mark_backed_out`].
    BackedOut,
    /// Recognized and already what the migration wants (a service name that follows the
    /// convention, or one this tool cannot see and leaves alone): both sides alike.
    Unchanged,
    /// Written new by the run (the telemetry module `adopt` creates): the before side is
    /// empty.
    Added,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Rewritten => "rewritten",
            Status::Reported => "reported",
            Status::BackedOut => "backed-out",
            Status::Unchanged => "unchanged",
            Status::Added => "added",
        }
    }
}

/// The telemetry a site sets up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Signal {
    Traces,
    Metrics,
    Logs,
    /// A service-name site: the name every signal of the service reports under.
    ServiceName,
}

impl Signal {
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Traces => "traces",
            Signal::Metrics => "metrics",
            Signal::Logs => "logs",
            Signal::ServiceName => "service-name",
        }
    }
}

/// A ledger entry as the knowledge layer builds it: a byte range in the text it saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLedgerEntry {
    pub range: TextRange,
    pub signal: Signal,
    pub status: Status,
    pub before: Settings,
    pub after: Settings,
}

impl RawLedgerEntry {
    pub fn rewritten(range: TextRange, signal: Signal, before: Settings, after: Settings) -> Self {
        RawLedgerEntry {
            range,
            signal,
            status: Status::Rewritten,
            before,
            after,
        }
    }

    pub fn reported(range: TextRange, signal: Signal, before: Settings) -> Self {
        RawLedgerEntry {
            range,
            signal,
            status: Status::Reported,
            before,
            after: Settings::new(),
        }
    }
}

impl RawLedgerEntry {
    /// The entry of a site left as it is, without a finding: its settings on both sides.
    pub fn unchanged(range: TextRange, signal: Signal, settings: Settings) -> Self {
        RawLedgerEntry {
            range,
            signal,
            status: Status::Unchanged,
            before: settings.clone(),
            after: settings,
        }
    }

    /// The entry of a site whose rewrite was dropped (it did not parse): left as written.
    pub fn into_reported(self) -> RawLedgerEntry {
        RawLedgerEntry::reported(self.range, self.signal, self.before)
    }

    /// Whether a value on either side is still an unresolved expression (only those can be
    /// resolved later, through the package's other files).
    pub fn has_unresolved(&self) -> bool {
        self.before
            .values()
            .chain(self.after.values())
            .any(|v| matches!(v, Value::Unresolved { .. }))
    }
}

/// A ledger entry located in the original text, as the report carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub path: PathBuf,
    pub line: usize,
    pub signal: Signal,
    pub status: Status,
    pub before: Settings,
    pub after: Settings,
    /// The keys whose value differs (see [`changed_keys`]).
    pub changed: Vec<Key>,
}

impl LedgerEntry {
    pub fn located(path: PathBuf, line: usize, raw: RawLedgerEntry) -> LedgerEntry {
        let changed = match raw.status {
            Status::Rewritten | Status::Added => changed_keys(&raw.before, &raw.after),
            Status::Reported | Status::BackedOut | Status::Unchanged => Vec::new(),
        };
        LedgerEntry {
            path,
            line,
            signal: raw.signal,
            status: raw.status,
            before: raw.before,
            after: raw.after,
            changed,
        }
    }

    /// The entry of a site the run writes new (`after` its settings): every key changed.
    pub fn added(path: PathBuf, line: usize, signal: Signal, after: Settings) -> LedgerEntry {
        let raw = RawLedgerEntry {
            range: TextRange::empty(0),
            signal,
            status: Status::Added,
            before: Settings::new(),
            after,
        };
        LedgerEntry::located(path, line, raw)
    }

    /// The entry of a site whose rewrite was taken back: the code exports what it did before.
    pub fn backed_out(mut self) -> LedgerEntry {
        self.status = Status::BackedOut;
        self.after = self.before.clone();
        self.changed.clear();
        self
    }
}

/// The ledger after a loop that takes rewrites back (verify's back-out): a site the first run
/// rewrote and the healed run no longer rewrites (its transform backed out, its package
/// restored) is [`Status::BackedOut`], in place of whatever the healed run says of it.
pub fn mark_backed_out(first: &[LedgerEntry], healed: &mut Vec<LedgerEntry>) {
    let key = |e: &LedgerEntry| (e.path.clone(), e.line, e.signal);
    let kept: std::collections::BTreeSet<_> = healed
        .iter()
        .filter(|e| e.status == Status::Rewritten)
        .map(key)
        .collect();
    let taken_back: Vec<LedgerEntry> = first
        .iter()
        .filter(|e| e.status == Status::Rewritten && !kept.contains(&key(e)))
        .map(|e| e.clone().backed_out())
        .collect();
    if taken_back.is_empty() {
        return;
    }
    healed.retain(|e| !taken_back.iter().any(|t| key(t) == key(e)));
    healed.extend(taken_back);
    healed.sort_by_key(key);
}

/// The keys whose value differs between the sides. The endpoint counts as changed whenever the
/// protocol did, even when its text did not: the same address now receives another transport.
pub fn changed_keys(before: &Settings, after: &Settings) -> Vec<Key> {
    let protocol_changed = before.get(&Key::Protocol) != after.get(&Key::Protocol);
    Key::ALL
        .into_iter()
        .filter(|k| before.get(k) != after.get(k) || (*k == Key::Endpoint && protocol_changed))
        .collect()
}

/// What a site's after side reads from a value renamed later in the same file run (a
/// service name a pipeline resolved from a constant or config default, which the service-name
/// rename edits afterwards): the final code exports the new name, so the after side shows it.
/// A rename is a rewritten [`Signal::ServiceName`] entry with resolved names on both sides.
pub fn follow_renames(entries: &mut [RawLedgerEntry]) {
    let renames = renames_in(
        entries
            .iter()
            .map(|e| (e.signal, e.status, &e.before, &e.after)),
    );
    for entry in entries
        .iter_mut()
        .filter(|e| e.signal != Signal::ServiceName)
    {
        apply_renames(&mut entry.after, &renames);
    }
}

/// [`follow_renames`] across the files of a package (`package_of` names a file's package): a
/// pipeline resolves a constant or config default of another file through the package, and
/// the service-name rename edits it there. `changed` follows the after side.
pub fn follow_renames_across<K: Ord>(
    entries: &mut [LedgerEntry],
    package_of: impl Fn(&std::path::Path) -> K,
) {
    let mut packages: BTreeMap<K, Vec<&mut LedgerEntry>> = BTreeMap::new();
    for entry in entries.iter_mut() {
        packages
            .entry(package_of(&entry.path))
            .or_default()
            .push(entry);
    }
    for package in packages.values_mut() {
        let renames = renames_in(
            package
                .iter()
                .map(|e| (e.signal, e.status, &e.before, &e.after)),
        );
        for entry in package
            .iter_mut()
            .filter(|e| e.signal != Signal::ServiceName && e.status == Status::Rewritten)
        {
            apply_renames(&mut entry.after, &renames);
            entry.changed = changed_keys(&entry.before, &entry.after);
        }
    }
}

/// The (old, new) service names of the rewritten service-name sites.
fn renames_in<'a>(
    sites: impl Iterator<Item = (Signal, Status, &'a Settings, &'a Settings)>,
) -> Vec<(Value, Value)> {
    sites
        .filter(|(signal, status, _, _)| {
            *signal == Signal::ServiceName && *status == Status::Rewritten
        })
        .filter_map(|(_, _, before, after)| {
            let from = before.get(&Key::ServiceName)?;
            Some((from.clone(), after.get(&Key::ServiceName)?.clone()))
        })
        .collect()
}

/// The renames applied to an after side's service name and resource.
fn apply_renames(after: &mut Settings, renames: &[(Value, Value)]) {
    for (from, to) in renames {
        if let Some(v) = after.get_mut(&Key::ServiceName) {
            if let Some(renamed) = renamed(v, from, to) {
                *v = renamed;
            }
        }
        if let (Some(Value::Resolved(v)), Value::Resolved(from), Value::Resolved(to)) =
            (after.get_mut(&Key::Resource), from, to)
        {
            *v = rename_in_resource(v, from, to);
        }
    }
}

/// `value` after the rename `from` → `to`: the same expression, or the same resolved name
/// (with the ` (…)` note it may carry, like `(config default)`).
fn renamed(value: &Value, from: &Value, to: &Value) -> Option<Value> {
    if value == from {
        return Some(to.clone());
    }
    let (Value::Resolved(v), Value::Resolved(from), Value::Resolved(to)) = (value, from, to) else {
        return None;
    };
    let note = v.strip_prefix(from.as_str())?;
    note.starts_with(" (")
        .then(|| Value::Resolved(format!("{to}{note}")))
}

/// `service.name=<from>` (possibly with a ` (…)` note) becomes `service.name=<to>` in a
/// resource's `default + k=v, …` text.
fn rename_in_resource(resource: &str, from: &str, to: &str) -> String {
    map_resource_pairs(resource, |pair| {
        let v = pair.strip_prefix("service.name=")?;
        (v == from || v.strip_prefix(from).is_some_and(|r| r.starts_with(" (")))
            .then(|| format!("service.name={to}{}", &v[from.len()..]))
    })
}

/// A resource's text (`default + k=v, k, …`, as the ledger shows it) with each `k=v` or `k`
/// pair `f` maps replaced.
pub fn map_resource_pairs(resource: &str, f: impl Fn(&str) -> Option<String>) -> String {
    resource
        .split(" + ")
        .map(|part| {
            part.split(", ")
                .map(|pair| f(pair).unwrap_or_else(|| pair.to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(Key, Value)]) -> Settings {
        pairs.iter().cloned().collect()
    }

    #[test]
    fn changed_lists_differing_keys_in_view_order() {
        let before = settings(&[
            (Key::Timeout, Value::resolved("5s")),
            (Key::ServiceName, Value::resolved("a")),
        ]);
        let after = settings(&[
            (Key::Timeout, Value::resolved("5s")),
            (Key::ServiceName, Value::resolved("b")),
            (Key::Sampler, Value::resolved("AlwaysOn")),
        ]);
        assert_eq!(
            changed_keys(&before, &after),
            vec![Key::ServiceName, Key::Sampler]
        );
        assert!(changed_keys(&before, &before).is_empty());
    }

    #[test]
    fn an_endpoint_passed_through_to_another_transport_is_a_change() {
        let endpoint = Value::unresolved("cfg.agent_endpoint.as_str()");
        let before = settings(&[
            (Key::Endpoint, endpoint.clone()),
            (Key::Protocol, Value::resolved("jaeger-udp-thrift")),
        ]);
        let after = settings(&[
            (Key::Endpoint, endpoint),
            (Key::Protocol, Value::resolved("otlp-grpc")),
        ]);
        assert_eq!(
            changed_keys(&before, &after),
            vec![Key::Endpoint, Key::Protocol]
        );
    }

    #[test]
    fn an_unchanged_site_changes_nothing_and_an_added_one_every_key() {
        let name = settings(&[(Key::ServiceName, Value::resolved("llm.a"))]);
        let raw =
            RawLedgerEntry::unchanged(TextRange::new(0, 1), Signal::ServiceName, name.clone());
        let entry = LedgerEntry::located("f.rs".into(), 1, raw);
        assert_eq!((entry.status, &entry.before), (Status::Unchanged, &name));
        assert_eq!(entry.after, name);
        assert!(entry.changed.is_empty());
        let added = LedgerEntry::added("m.rs".into(), 3, Signal::ServiceName, name.clone());
        assert!(added.before.is_empty());
        assert_eq!(added.changed, vec![Key::ServiceName]);
    }

    #[test]
    fn reported_and_backed_out_sites_change_nothing() {
        let before = settings(&[(Key::ServiceName, Value::resolved("a"))]);
        let raw = RawLedgerEntry::reported(TextRange::new(0, 1), Signal::Traces, before.clone());
        let entry = LedgerEntry::located("f.rs".into(), 1, raw);
        assert!(entry.changed.is_empty());
        let raw = RawLedgerEntry::rewritten(
            TextRange::new(0, 1),
            Signal::Traces,
            before.clone(),
            settings(&[(Key::ServiceName, Value::resolved("b"))]),
        );
        let entry = LedgerEntry::located("f.rs".into(), 1, raw);
        assert_eq!(entry.changed, vec![Key::ServiceName]);
        let backed = entry.backed_out();
        assert_eq!(backed.status, Status::BackedOut);
        assert_eq!(backed.after, before);
        assert!(backed.changed.is_empty());
    }

    #[test]
    fn a_later_rename_reaches_the_after_side_of_the_pipelines_reading_it() {
        let name = |v: &str| settings(&[(Key::ServiceName, Value::resolved(v))]);
        let pipeline = |v: &str| {
            let mut after = name(v);
            after.insert(
                Key::Resource,
                Value::resolved(format!("k=v, service.name={v}")),
            );
            RawLedgerEntry::rewritten(TextRange::new(0, 1), Signal::Traces, name(v), after)
        };
        let mut entries = vec![
            pipeline("llm-a (config default)"),
            // A look-alike value is not the renamed one.
            pipeline("llm-ab"),
            RawLedgerEntry::rewritten(
                TextRange::new(5, 6),
                Signal::ServiceName,
                name("llm-a"),
                name("llm.a"),
            ),
        ];
        follow_renames(&mut entries);
        assert_eq!(
            entries[0].after[&Key::ServiceName],
            Value::resolved("llm.a (config default)")
        );
        assert_eq!(
            entries[0].after[&Key::Resource],
            Value::resolved("k=v, service.name=llm.a (config default)")
        );
        assert_eq!(entries[0].before, name("llm-a (config default)"));
        assert_eq!(
            entries[1].after[&Key::ServiceName],
            Value::resolved("llm-ab")
        );
        assert_eq!(
            entries[1].after[&Key::Resource],
            Value::resolved("k=v, service.name=llm-ab")
        );
    }

    #[test]
    fn a_rename_in_another_file_reaches_the_pipelines_of_its_package_only() {
        let name = |v: &str| settings(&[(Key::ServiceName, Value::resolved(v))]);
        let located = |path: &str, raw| LedgerEntry::located(path.into(), 1, raw);
        let pipeline = || {
            let mut after = name("llm-a (config default)");
            let resource = "default + service.name=llm-a (config default), k=v";
            after.insert(Key::Resource, Value::resolved(resource));
            RawLedgerEntry::rewritten(
                TextRange::new(0, 1),
                Signal::Traces,
                name("llm-a (config default)"),
                after,
            )
        };
        let mut entries = vec![
            located(
                "a/config.rs",
                RawLedgerEntry::rewritten(
                    TextRange::new(0, 1),
                    Signal::ServiceName,
                    name("llm-a"),
                    name("llm.a"),
                ),
            ),
            located("a/telemetry.rs", pipeline()),
            located("b/telemetry.rs", pipeline()),
        ];
        assert_eq!(entries[1].changed, vec![Key::Resource]);
        let package = |p: &std::path::Path| p.parent().map(|d| d.to_path_buf());
        follow_renames_across(&mut entries, package);
        assert_eq!(
            entries[1].after[&Key::ServiceName],
            Value::resolved("llm.a (config default)")
        );
        assert_eq!(
            entries[1].after[&Key::Resource],
            Value::resolved("default + service.name=llm.a (config default), k=v")
        );
        assert_eq!(entries[1].changed, vec![Key::ServiceName, Key::Resource]);
        assert_eq!(
            entries[2].after[&Key::ServiceName],
            Value::resolved("llm-a (config default)")
        );
        assert_eq!(
            entries[2].after[&Key::Resource],
            Value::resolved("default + service.name=llm-a (config default), k=v")
        );
        assert_eq!(entries[2].changed, vec![Key::Resource]);
        // Following again changes nothing (a file's own renames were followed already).
        let once = entries.clone();
        follow_renames_across(&mut entries, package);
        assert_eq!(entries, once);
    }

    #[test]
    fn sites_the_healed_run_no_longer_rewrites_are_backed_out() {
        let entry =
            |line: usize, raw: RawLedgerEntry| LedgerEntry::located("a.rs".into(), line, raw);
        let before = settings(&[(Key::ServiceName, Value::resolved("a"))]);
        let after = settings(&[(Key::ServiceName, Value::resolved("b"))]);
        let rewritten = || {
            RawLedgerEntry::rewritten(
                TextRange::new(0, 1),
                Signal::Traces,
                before.clone(),
                after.clone(),
            )
        };
        let reported =
            || RawLedgerEntry::reported(TextRange::new(0, 1), Signal::Traces, before.clone());
        let first = vec![
            entry(3, rewritten()),
            entry(9, rewritten()),
            entry(4, reported()),
        ];
        // Line 3's transform was backed out (the healed run reports the site), 9 kept.
        let mut healed = vec![
            entry(3, reported()),
            entry(4, reported()),
            entry(9, rewritten()),
        ];
        mark_backed_out(&first, &mut healed);
        let statuses: Vec<(usize, Status)> = healed.iter().map(|e| (e.line, e.status)).collect();
        assert_eq!(
            statuses,
            [
                (3, Status::BackedOut),
                (4, Status::Reported),
                (9, Status::Rewritten)
            ]
        );
        assert_eq!(healed[0].after, before);
        assert!(healed[0].changed.is_empty());
        // Nothing taken back: nothing changes.
        let mut same = first.clone();
        mark_backed_out(&first, &mut same);
        assert_eq!(same, first);
    }

    #[test]
    fn views_spell_keys_signals_and_statuses_as_json_does() {
        for key in Key::ALL {
            assert_eq!(serde_json::to_value(key).unwrap(), key.as_str());
        }
        let signals = [
            Signal::Traces,
            Signal::Metrics,
            Signal::Logs,
            Signal::ServiceName,
        ];
        for signal in signals {
            assert_eq!(serde_json::to_value(signal).unwrap(), signal.as_str());
        }
        let statuses = [
            Status::Rewritten,
            Status::Reported,
            Status::BackedOut,
            Status::Unchanged,
            Status::Added,
        ];
        for status in statuses {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
    }

    #[test]
    fn json_spells_keys_statuses_and_unresolved_values() {
        let raw = RawLedgerEntry::rewritten(
            TextRange::new(0, 1),
            Signal::ServiceName,
            settings(&[(Key::ServiceName, Value::unresolved("name()"))]),
            settings(&[(Key::ServiceName, Value::resolved("llm.x"))]),
        );
        let json = serde_json::to_value(LedgerEntry::located("f.rs".into(), 3, raw)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "path": "f.rs", "line": 3, "signal": "service-name", "status": "rewritten",
                "before": {"service_name": {"unresolved": "name()"}},
                "after": {"service_name": "llm.x"},
                "changed": ["service_name"],
            })
        );
    }
}
