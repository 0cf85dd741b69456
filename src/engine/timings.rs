//! Per-phase timing behind a switch: with `OTEL_MIGRATE_TIMINGS=1` in the environment, the
//! pipeline records how long each phase took (walk, reading and gating, manifests, parsing,
//! each transform, the package facts, rendering) and the command prints the table to stderr at
//! the end. Phases run on several threads at once, so a phase's time is summed over threads
//! (CPU-like), beside the run's wall time. Phases may nest: the package facts are timed where
//! they are first built, inside a transform's run or its per-file `wants` check. Off, a phase
//! costs one check of a once-read flag. On Linux the table also shows the resident memory at
//! a few marks (after the walk, at the end) and its peak, read from `/proc/self/status`.

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub const ENV: &str = "OTEL_MIGRATE_TIMINGS";

/// Phase → (summed time, calls), in the order phases were first seen.
static TOTALS: Mutex<Vec<(String, Duration, u64)>> = Mutex::new(Vec::new());
static STARTED: OnceLock<Instant> = OnceLock::new();
/// Mark → resident memory (kB) when it was passed, in order.
static MEMORY: Mutex<Vec<(String, u64)>> = Mutex::new(Vec::new());

/// Whether timings are on (read once).
pub fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| {
        let on = std::env::var(ENV).is_ok_and(|v| !v.is_empty() && v != "0");
        if on {
            STARTED.get_or_init(Instant::now);
        }
        on
    })
}

/// Runs `f`, adding its time to `phase` when timings are on.
pub fn time<T>(phase: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let out = f();
    record(phase, start.elapsed());
    out
}

/// Adds `took` to `phase`.
pub fn record(phase: &str, took: Duration) {
    let mut totals = TOTALS.lock().unwrap_or_else(|e| e.into_inner());
    match totals.iter_mut().find(|(p, _, _)| p == phase) {
        Some((_, total, calls)) => {
            *total += took;
            *calls += 1;
        }
        None => totals.push((phase.to_string(), took, 1)),
    }
}

/// Records the resident memory at `mark` when timings are on (and `/proc` says it).
pub fn memory(mark: &str) {
    if !enabled() {
        return;
    }
    if let Some(kb) = status_kb("VmRSS:") {
        let mut marks = MEMORY.lock().unwrap_or_else(|e| e.into_inner());
        marks.push((mark.to_string(), kb));
    }
}

/// A `kB` field of `/proc/self/status` (`VmRSS:`, `VmHWM:`).
fn status_kb(field: &str) -> Option<u64> {
    field_kb(&std::fs::read_to_string("/proc/self/status").ok()?, field)
}

/// A `kB` field of one reading of `/proc/self/status`.
fn field_kb(status: &str, field: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The table of the phases recorded so far, when timings are on.
pub fn report() -> Option<String> {
    if !enabled() {
        return None;
    }
    let totals = TOTALS.lock().unwrap_or_else(|e| e.into_inner());
    let wall = STARTED.get().map(Instant::elapsed).unwrap_or_default();
    let width = totals
        .iter()
        .map(|(p, _, _)| p.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = format!(
        "timings ({ENV}): wall {:.3} s; phases summed over threads\n{:<width$}  {:>10}  {:>8}\n",
        wall.as_secs_f64(),
        "phase",
        "ms",
        "calls"
    );
    for (phase, total, calls) in totals.iter() {
        out.push_str(&format!(
            "{phase:<width$}  {:>10.1}  {calls:>8}\n",
            total.as_secs_f64() * 1000.0
        ));
    }
    let marks = MEMORY.lock().unwrap_or_else(|e| e.into_inner());
    let rss: Vec<String> = marks
        .iter()
        .map(|(mark, kb)| format!("{mark} {:.1}", *kb as f64 / 1024.0))
        .chain(status_kb("VmHWM:").map(|kb| format!("peak {:.1}", kb as f64 / 1024.0)))
        .collect();
    if !rss.is_empty() {
        out.push_str(&format!("resident MB: {}\n", rss.join(", ")));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_add_up_in_first_seen_order() {
        record("test-phase-a", Duration::from_millis(2));
        record("test-phase-b", Duration::from_millis(1));
        record("test-phase-a", Duration::from_millis(3));
        let totals = TOTALS.lock().unwrap();
        let of = |name: &str| {
            totals
                .iter()
                .position(|(p, _, _)| p == name)
                .map(|i| (i, totals[i].1, totals[i].2))
                .unwrap()
        };
        let (a_at, a, a_calls) = of("test-phase-a");
        let (b_at, b, b_calls) = of("test-phase-b");
        assert!(a_at < b_at);
        assert_eq!((a, a_calls), (Duration::from_millis(5), 2));
        assert_eq!((b, b_calls), (Duration::from_millis(1), 1));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn resident_memory_is_read_from_proc() {
        // One reading: the kernel computes VmHWM as at least VmRSS within a read, not across two.
        let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
        let rss = field_kb(&status, "VmRSS:").expect("VmRSS in /proc/self/status");
        let peak = field_kb(&status, "VmHWM:").expect("VmHWM in /proc/self/status");
        assert!(rss > 0 && peak >= rss, "rss {rss} kB, peak {peak} kB");
        assert_eq!(status_kb("NoSuchField:"), None);
    }
}
