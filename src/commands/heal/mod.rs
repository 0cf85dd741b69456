//! Verify that heals (`--verify` on `diff`, `check` and `apply`): the migration is checked on a
//! temporary copy and whatever does not compile is taken back before anything is written.
//!
//! Each round lays the current migrated texts over one copy per project and runs `cargo check
//! --all-targets --keep-going -p …` for every package the run touched. Each compiler error is
//! mapped through its spans (and its children's) to the edits that produced those lines, and so
//! to transforms. A failing package whose errors point at transforms gets those transforms
//! disabled for it alone, and the pipeline runs again (the engine's per-package disabled set);
//! a failing package whose errors point at no edit restores its whole transaction (`units`):
//! its migration, and that of every package sharing a changed `[workspace.dependencies]`
//! entry with it. Workspace members the run left alone but that depend on a changed package
//! are checked too; when one breaks, the changed packages it depends on are backed out or
//! restored. A restored package is checked once more as it was: when it still fails, it
//! "failed before migration". Each package is checked under its feature configurations
//! (`configurations`); the lockfile and the one-version rule are checked once the loop settles
//! (`lockfile`, `graph`); the copy honours the project's cargo configuration (`environment`). The loop stops when a round changes nothing, or after
//! [`MAX_ROUNDS`] rounds; then every package still failing is restored unchecked.
//!
//! Every backed-out edit and every restore becomes a finding with the compiler's message;
//! [`Healed::patch`] holds the backed-out change as a patch a person can finish.

mod configurations;
mod environment;
mod findings;
mod graph;
mod lockfile;
mod units;
mod unverified;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::commands::cargo_check::{cargo_check, CargoRun, RawError};
use crate::commands::verify::{self, ProjectCopy};
use crate::engine::finding::{Finding, RawFinding, Severity};
use crate::engine::ledger;
use crate::engine::pipeline::{self, finding_order, FileResult, Registry, RunOptions, RunResult};
use crate::engine::report::display_path;
use crate::engine::source::SourceFile;
use crate::engine::verify_report::{
    BackedOut, BackedOutSite, CompileError, PackageOutcome, PackageVerdict, ProjectCheck,
    VerifyReport, VerifyStatus,
};

pub use lockfile::{check_lock_alone, write_locks, LockCheck};

use configurations::Configuration;
use findings::{backed_out_patch, restore_findings};
use units::{key_of, transactions, Transaction, Unit};

/// Rounds of checks before the loop gives up and restores what still fails. A round backs
/// out every transform the errors point at, so real runs settle in two or three: one to find
/// the culprits, one to confirm, one to confirm a restore.
pub const MAX_ROUNDS: usize = 5;

/// How cargo runs in the copies.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `--offline`: cargo uses what it has, never the network.
    pub offline: bool,
    /// `--locked`: the lock changes only through the refresh (`cargo update --workspace` in
    /// the copy, for the migrated requirements); every other cargo command runs `--locked`.
    pub locked: bool,
}

impl Settings {
    fn cargo_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if self.offline {
            args.push("--offline".to_string());
        }
        if self.locked {
            args.push("--locked".to_string());
        }
        args
    }
}

/// The id of the loop's findings.
const VERIFY: &str = "verify";

/// The healed run: what to print and write, what the loop did, the backed-out change.
pub struct Healed {
    pub result: RunResult,
    pub report: VerifyReport,
    /// A unified diff from the healed texts to the full migration (empty when nothing was
    /// taken back): `git apply` it to get the backed-out change back and finish it by hand.
    pub patch: String,
    /// Refreshed lockfiles (path, text), for `--update-lock` to write.
    pub locks: Vec<(PathBuf, String)>,
}

/// Checks `first` (a run of `registry` with `options`) and takes back what does not compile.
/// `contain` is applied to every re-run as it was to `first` (containment, overlays).
pub fn heal(
    registry: &Registry,
    options: &RunOptions,
    settings: &Settings,
    first: RunResult,
    contain: &dyn Fn(&mut RunResult),
) -> Healed {
    let started = Instant::now();
    let transactions = transactions(&first);
    // The projects as the run names them, so copied paths map back to its files.
    let roots: BTreeSet<PathBuf> = transactions
        .iter()
        .flat_map(|t| &t.units)
        .map(|u| u.project_root.clone())
        .collect();
    let mut lp = Loop::new(registry, options, transactions);
    lp.cargo_args = settings.cargo_args();
    lp.locked = settings.locked;
    let mut copies = Vec::new();
    for root in &roots {
        let copy = ProjectCopy::new(root).and_then(|c| {
            environment::place_toolchain(root, &c.root)
                .map_err(|e| format!("cannot place the project's toolchain file: {e}"))?;
            Ok(c)
        });
        match copy {
            Ok(c) => copies.push(c),
            Err(e) => return lp.could_not_run(first, root, e),
        }
    }
    let mut current: Option<RunResult> = None;
    for round in 1..=MAX_ROUNDS {
        lp.rounds = round;
        let now = current.as_ref().unwrap_or(&first);
        let mut checks = Vec::new();
        for copy in &copies {
            match lp.check(copy, now) {
                Ok(runs) => checks.extend(runs),
                Err(e) => return lp.could_not_run(first, &copy.user_root, e),
            }
        }
        let acted = lp.decide(&checks, now, round == MAX_ROUNDS);
        lp.last_errors = checks
            .iter()
            .map(|c| (c.copy.user_root.clone(), locate_all(c, now)))
            .collect();
        if !acted {
            break;
        }
        let mut next = pipeline::run(registry, &lp.options);
        contain(&mut next);
        current = Some(next);
    }
    let now = current.as_ref().unwrap_or(&first);
    for copy in &copies {
        if let Err(e) = lp.lay(copy, now) {
            return lp.could_not_run(first, &copy.user_root, e);
        }
        lp.check_lock(copy);
    }
    lp.finish(first, current, &roots, started)
}

/// The loop's state: the run options with their disabled sets, the transactions, what
/// happened to each package.
struct Loop<'a> {
    registry: &'a Registry,
    options: RunOptions,
    transactions: Vec<Transaction>,
    /// Per transaction: the round it was restored in.
    restored: BTreeMap<usize, usize>,
    verdicts: BTreeMap<PathBuf, PackageVerdict>,
    /// Files whose text in the copy was replaced, with their original text.
    laid: BTreeMap<PathBuf, String>,
    /// A finding at every backed-out edit, and the original texts they point into.
    findings: Vec<Finding>,
    sources: BTreeMap<PathBuf, String>,
    rounds: usize,
    /// The last round's errors, per project root.
    last_errors: Vec<(PathBuf, Vec<CompileError>)>,
    /// Configurations of a package that fail before migration too: not checked.
    skipped: BTreeSet<(PathBuf, Configuration)>,
    /// Copies of projects as they were, to tell whether a configuration failed before.
    pristine: BTreeMap<PathBuf, ProjectCopy>,
    target: PathBuf,
    /// Passed to every cargo command (`--offline`, `--locked`).
    cargo_args: Vec<String>,
    locked: bool,
    /// Per project root: the lockfile's state and its refreshed text.
    locks: BTreeMap<PathBuf, (&'static str, Option<String>)>,
    /// Workspace members the run did not change that depend on a package it did: checked
    /// too (under the default features), with the changed packages they depend on.
    dependents: BTreeMap<PathBuf, (Unit, BTreeSet<PathBuf>)>,
    /// Projects whose dependents are known.
    graphed: BTreeSet<PathBuf>,
    /// Dependents that fail before migration too: not checked again.
    broken_dependents: BTreeSet<PathBuf>,
}

/// One compiler error of a round, with where and how it was found.
struct Failure<'c> {
    copy: &'c ProjectCopy,
    configuration: Configuration,
    error: &'c RawError,
}

impl Failure<'_> {
    /// The error in the user's files, the transforms behind its line named.
    fn located(&self, now: &RunResult) -> CompileError {
        verify::locate(
            self.error.clone(),
            &self.copy.root,
            &self.copy.user_root,
            &now.files,
            self.configuration.name(),
        )
    }
}

/// One cargo run of a round: a project's copy under one configuration.
struct Check<'c> {
    copy: &'c ProjectCopy,
    configuration: Configuration,
    run: CargoRun,
}

impl<'a> Loop<'a> {
    fn new(registry: &'a Registry, options: &RunOptions, transactions: Vec<Transaction>) -> Self {
        let verdicts = transactions
            .iter()
            .flat_map(|t| &t.units)
            .filter(|u| u.name.is_some())
            .map(|u| (u.key.clone(), verdict(u)))
            .collect();
        Loop {
            registry,
            options: options.clone(),
            transactions,
            restored: BTreeMap::new(),
            verdicts,
            laid: BTreeMap::new(),
            findings: Vec::new(),
            sources: BTreeMap::new(),
            rounds: 0,
            last_errors: Vec::new(),
            skipped: BTreeSet::new(),
            pristine: BTreeMap::new(),
            target: verify::target_dir(),
            cargo_args: Vec::new(),
            locked: false,
            locks: BTreeMap::new(),
            dependents: BTreeMap::new(),
            graphed: BTreeSet::new(),
            broken_dependents: BTreeSet::new(),
        }
    }

    /// `args`, then the project's cargo configuration files and the settings' flags.
    fn args_for(&self, user_root: &Path, copy_root: &Path, args: &[impl ToString]) -> Vec<String> {
        args.iter()
            .map(ToString::to_string)
            .chain(environment::config_args(user_root, copy_root))
            .chain(self.cargo_args.iter().cloned())
            .collect()
    }

    /// Lays the texts of `now` over the copy (and the originals back where nothing changes
    /// any more).
    fn lay(&mut self, copy: &ProjectCopy, now: &RunResult) -> Result<(), String> {
        let in_project = |p: &Path| p.starts_with(&copy.user_root);
        for f in now
            .files
            .iter()
            .filter(|f| in_project(&f.path) && f.changed())
        {
            copy.write(&f.path, f.output())?;
            self.laid.insert(f.path.clone(), f.original.clone());
        }
        // A file no transform changes any more goes back to its original text.
        for (path, original) in self.laid.iter().filter(|(p, _)| in_project(p)) {
            if !now.files.iter().any(|f| &f.path == path && f.changed()) {
                copy.write(path, original)?;
            }
        }
        Ok(())
    }

    /// Refreshes the copy's lock and checks the graph for second versions, when the project
    /// keeps a migration.
    fn check_lock(&mut self, copy: &ProjectCopy) {
        let keeps = self
            .transactions
            .iter()
            .flat_map(|t| &t.units)
            .filter(|u| u.project_root == copy.user_root)
            .any(|u| {
                self.verdicts
                    .get(&u.key)
                    .is_some_and(|v| v.outcome == PackageOutcome::Ok)
            });
        if !keeps {
            return;
        }
        let lock = lockfile::check(
            copy,
            &self.args_for(&copy.user_root, &copy.root, &[] as &[String]),
        );
        self.findings.extend(lock.findings);
        self.locks
            .insert(copy.user_root.clone(), (lock.state, lock.refreshed));
    }

    /// Lays `now` over the copy and checks every unit of the copy's project, under each of
    /// its configurations not skipped.
    fn check<'c>(
        &mut self,
        copy: &'c ProjectCopy,
        now: &RunResult,
    ) -> Result<Vec<Check<'c>>, String> {
        self.lay(copy, now)?;
        if self.locked {
            let args = self.args_for(&copy.user_root, &copy.root, &["--workspace"]);
            let args: Vec<String> = args.into_iter().filter(|a| a != "--locked").collect();
            lockfile::cargo(&copy.root, "update", &args).map_err(|e| {
                format!("cannot refresh the lockfile for the migrated requirements: {e}")
            })?;
        }
        if self.graphed.insert(copy.user_root.clone()) {
            self.find_dependents(copy)?;
        }
        let mut checks = Vec::new();
        for configuration in Configuration::of(true) {
            let dependents = self
                .dependents
                .values()
                .map(|(d, _)| d)
                .filter(|_| *configuration == Configuration::Default)
                .filter(|d| !self.broken_dependents.contains(&d.key));
            let names: BTreeSet<&str> = self
                .transactions
                .iter()
                .flat_map(|t| &t.units)
                .filter(|u| Configuration::of(u.features).contains(configuration))
                .filter(|u| !self.skipped.contains(&(u.key.clone(), *configuration)))
                .chain(dependents)
                .filter(|u| u.project_root == copy.user_root)
                .filter_map(|u| u.name.as_deref())
                .collect();
            if names.is_empty() {
                continue;
            }
            let args = self.args_for(
                &copy.user_root,
                &copy.root,
                &check_args(*configuration, &names),
            );
            let run = cargo_check(&copy.root, &self.target, &args)?;
            checks.push(Check {
                copy,
                configuration: *configuration,
                run,
            });
        }
        Ok(checks)
    }

    /// The members of the copy's workspace that the run left alone but that depend on a
    /// package it changed (their code may use an API the migration moved).
    fn find_dependents(&mut self, copy: &ProjectCopy) -> Result<(), String> {
        let args = self.args_for(&copy.user_root, &copy.root, &[] as &[String]);
        let mut g = graph::metadata(&copy.root, &args)?;
        for m in g.manifests.values_mut() {
            *m = copy.user_path(m);
        }
        let changed: BTreeSet<PathBuf> = self
            .transactions
            .iter()
            .flat_map(|t| &t.units)
            .map(|u| u.key.clone())
            .collect();
        for (id, manifest, on) in g.dependents_of(&changed) {
            let unit = Unit {
                key: manifest.clone(),
                name: g.packages.get(&id).map(|(n, _)| n.clone()),
                project_root: copy.user_root.clone(),
                features: false,
            };
            self.dependents.insert(manifest, (unit, on));
        }
        Ok(())
    }

    /// A dependent that does not compile: first the changed packages it depends on get the
    /// transforms its errors point at (a note's span often lands in their code) backed out;
    /// else, unless it failed before the migration too, their transactions are restored.
    /// Whether it acted.
    fn judge_dependent(
        &mut self,
        key: &Path,
        errs: &[Failure<'_>],
        now: &RunResult,
        last: bool,
    ) -> bool {
        let Some((dependent, on)) = self.dependents.get(key).cloned() else {
            return false;
        };
        let units: Vec<Unit> = self
            .transactions
            .iter()
            .enumerate()
            .filter(|(t, _)| !self.restored.contains_key(t))
            .flat_map(|(_, tx)| tx.units.iter().filter(|u| on.contains(&u.key)).cloned())
            .collect();
        if units.is_empty() {
            return false;
        }
        if !last {
            let mut blamed = false;
            for u in &units {
                blamed |= self.back_out(u, errs, now);
            }
            if blamed {
                return true;
            }
        }
        if !last && self.failed_before(&dependent, Configuration::Default) {
            self.broken_dependents.insert(dependent.key.clone());
            return false;
        }
        let txs: Vec<usize> = (0..self.transactions.len())
            .filter(|t| !self.restored.contains_key(t))
            .filter(|t| {
                self.transactions[*t]
                    .units
                    .iter()
                    .any(|u| on.contains(&u.key))
            })
            .collect();
        for t in txs {
            self.restore(t, &dependent, errs.first(), now, last);
        }
        true
    }

    /// Whether `unit` fails under `configuration` as it was (its project copied untouched).
    fn failed_before(&mut self, unit: &Unit, configuration: Configuration) -> bool {
        let Some(name) = unit.name.as_deref() else {
            return false;
        };
        if !self.pristine.contains_key(&unit.project_root) {
            match ProjectCopy::new(&unit.project_root) {
                Ok(c) => {
                    self.pristine.insert(unit.project_root.clone(), c);
                }
                Err(_) => return false,
            }
        }
        let copy = &self.pristine[&unit.project_root];
        let args = self.args_for(
            &unit.project_root,
            &copy.root,
            &check_args(configuration, &BTreeSet::from([name])),
        );
        // Could not tell (cargo failed before compiling): not known to fail, so not skipped.
        // Not compiled is failing: an error of its own, or one in a package it depends on.
        cargo_check(&copy.root, &self.target, &args)
            .is_ok_and(|run| !run.compiled.iter().any(|m| copy.user_path(m) == unit.key))
    }

    /// Acts on one round's checks: backs out the transforms the errors point at, restores the
    /// transactions whose errors point at none, settles restored packages. Whether it changed
    /// anything (then the pipeline runs again).
    fn decide(&mut self, checks: &[Check<'_>], now: &RunResult, last: bool) -> bool {
        let mut errors: BTreeMap<PathBuf, Vec<Failure>> = BTreeMap::new();
        // Per configuration, the packages that compiled, and which projects were checked.
        let mut compiled: BTreeMap<Configuration, BTreeSet<PathBuf>> = BTreeMap::new();
        let mut checked: BTreeSet<(&Path, Configuration)> = BTreeSet::new();
        for c in checks {
            checked.insert((c.copy.user_root.as_path(), c.configuration));
            compiled
                .entry(c.configuration)
                .or_default()
                .extend(c.run.compiled.iter().map(|m| c.copy.user_path(m)));
            for e in &c.run.errors {
                if let Some(m) = &e.manifest_path {
                    errors
                        .entry(c.copy.user_path(m))
                        .or_default()
                        .push(Failure {
                            copy: c.copy,
                            configuration: c.configuration,
                            error: e,
                        });
                }
            }
        }
        let mut acted = false;
        let mut blocked = Vec::new();
        for t in 0..self.transactions.len() {
            if let Some(&round) = self.restored.get(&t) {
                if round + 1 == self.rounds {
                    self.settle_restored(t, &errors, now);
                }
                continue;
            }
            let units: Vec<Unit> = self.transactions[t].units.clone();
            for u in units.iter().filter(|u| u.name.is_some()) {
                match errors.get(&u.key) {
                    Some(errs) => {
                        if !last && self.back_out(u, errs, now) {
                            acted = true;
                        } else if last || !self.skip_what_failed_before(u, errs) {
                            acted = true;
                            let first = errs
                                .iter()
                                .find(|f| f.configuration == Configuration::Default)
                                .or(errs.first());
                            self.restore(t, u, first, now, last);
                            break;
                        }
                    }
                    None => {
                        // Checked in a configuration but not compiled there, with no error of
                        // its own: a package it depends on failed (in the default features,
                        // or in another configuration that compiled before the migration).
                        let blocked_in: Vec<Configuration> = Configuration::of(u.features)
                            .iter()
                            .copied()
                            .filter(|c| checked.contains(&(u.project_root.as_path(), *c)))
                            .filter(|c| !self.skipped.contains(&(u.key.clone(), *c)))
                            .filter(|c| !compiled.get(c).is_some_and(|s| s.contains(&u.key)))
                            .collect();
                        if !blocked_in.is_empty() && !self.skip_failing_before(u, &blocked_in) {
                            let cause = errors.values().flatten().find(|f| {
                                blocked_in.contains(&f.configuration)
                                    && f.copy.user_root == u.project_root
                            });
                            blocked.push((t, u.clone(), cause));
                        }
                    }
                }
            }
        }
        // Dependents once the changed packages themselves compile.
        if !acted {
            let failing: Vec<PathBuf> = self
                .dependents
                .keys()
                .filter(|k| errors.contains_key(*k) && !self.broken_dependents.contains(*k))
                .cloned()
                .collect();
            for key in failing {
                acted |= self.judge_dependent(&key, &errors[&key], now, last);
            }
        }
        // A package that did not compile because one it depends on failed: once nothing else
        // moves, it cannot be made to compile.
        if !acted {
            for (t, u, cause) in blocked {
                if !self.restored.contains_key(&t) {
                    acted = true;
                    self.restore(t, &u, cause, now, last);
                }
            }
        }
        acted || self.restored.values().any(|&r| r == self.rounds)
    }

    /// When `unit`'s errors (which point at no edit) are all in configurations other than the
    /// default, and each of those fails before migration too: skips them and says true.
    fn skip_what_failed_before(&mut self, unit: &Unit, errs: &[Failure<'_>]) -> bool {
        let failing: Vec<Configuration> = errs.iter().map(|f| f.configuration).collect();
        self.skip_failing_before(unit, &failing)
    }

    /// When the configurations `unit` fails in are all others than the default, and each of
    /// them fails before migration too: skips them and says true.
    fn skip_failing_before(&mut self, unit: &Unit, failing: &[Configuration]) -> bool {
        let failing: BTreeSet<Configuration> = failing.iter().copied().collect();
        if failing.contains(&Configuration::Default) {
            return false;
        }
        for c in &failing {
            if !self.failed_before(unit, *c) {
                return false;
            }
        }
        for c in failing {
            self.skipped.insert((unit.key.clone(), c));
        }
        true
    }

    /// Disables, for `unit` alone, every transform its errors point at; false when they
    /// point at none still enabled.
    fn back_out(&mut self, unit: &Unit, errs: &[Failure<'_>], now: &RunResult) -> bool {
        let files: Vec<&FileResult> = now
            .files
            .iter()
            .filter(|f| f.changed() && key_of(f).as_deref() == Some(unit.key.as_path()))
            .collect();
        let mut blamed: BTreeMap<String, CompileError> = BTreeMap::new();
        for failure in errs {
            for (printed, line) in &failure.error.spans {
                let path = failure.copy.user_path(printed);
                let Some(f) = files.iter().find(|f| f.path == path) else {
                    continue;
                };
                for t in verify::transforms_at_line(f, *line) {
                    blamed.entry(t).or_insert_with(|| failure.located(now));
                }
            }
        }
        if blamed.is_empty() {
            return false;
        }
        let off = self.options.disabled.entry(unit.key.clone()).or_default();
        let verdict = self
            .verdicts
            .get_mut(&unit.key)
            .expect("every package unit has a verdict");
        for (transform, error) in blamed {
            let mut sites = Vec::new();
            for f in &files {
                let source = SourceFile::new(&f.path, f.original.clone());
                for (_, range) in verify::ranges_by_transform(f)
                    .into_iter()
                    .filter(|(t, _)| *t == transform)
                {
                    let finding = Finding::located(
                        &source,
                        &f.path,
                        VERIFY,
                        RawFinding::new(range, Severity::Warning, format!(
                            "`{transform}` backed out of {}: its migration does not compile: {} ({}:{})",
                            verdict.name, error.message, error.path, error.line
                        ))
                        .with_suggestion("finish this site by hand: `--backed-out-patch FILE` writes the backed-out change"),
                    );
                    sites.push(BackedOutSite {
                        path: display_path(&f.path),
                        line: finding.line,
                        transform: transform.clone(),
                    });
                    self.findings.push(finding);
                    self.sources.insert(f.path.clone(), f.original.clone());
                }
            }
            off.insert(transform.clone());
            verdict.backed_out.push(BackedOut {
                transform,
                error,
                sites,
            });
        }
        true
    }

    /// Takes back every package of transaction `t` because `blocker` failed.
    fn restore(
        &mut self,
        t: usize,
        blocker: &Unit,
        error: Option<&Failure<'_>>,
        now: &RunResult,
        last: bool,
    ) {
        self.restored.insert(t, self.rounds);
        let all: BTreeSet<String> = self
            .registry
            .iter()
            .filter(|t| !t.measures_original())
            .map(|t| t.id().to_string())
            .collect();
        let first = error.map(|f| f.located(now));
        let blocker_name = blocker
            .name
            .clone()
            .unwrap_or_else(|| display_path(&blocker.key));
        let in_transaction = self.transactions[t]
            .units
            .iter()
            .any(|u| u.key == blocker.key);
        let blocker_name = if in_transaction {
            blocker_name
        } else {
            format!("{blocker_name} (which depends on it)")
        };
        let why = match &first {
            Some(e) => format!(
                "{blocker_name} does not compile with its migration: {}",
                e.message
            ),
            None => format!(
                "{blocker_name} does not compile with its migration: a package it depends on fails"
            ),
        };
        let shared = self.transactions[t].shared.clone();
        for u in self.transactions[t].units.clone() {
            self.options.disabled.insert(u.key.clone(), all.clone());
            // A virtual root has no verdict: its members tell what became of its entries.
            let Some(v) = self.verdicts.get_mut(&u.key) else {
                continue;
            };
            v.outcome = if last {
                PackageOutcome::LoopBoundReached
            } else {
                PackageOutcome::Restored
            };
            v.restored_because = Some(if u.key == blocker.key || shared.is_empty() {
                why.clone()
            } else {
                format!(
                    "it shares the changed workspace entries {} with {blocker_name}, which blocks them: {why}",
                    shared.join(", ")
                )
            });
            if u.key == blocker.key {
                v.first_error = first.clone();
            }
        }
    }

    /// A restored transaction checked as it was: each package compiles (restored) or fails
    /// before the migration too.
    fn settle_restored(
        &mut self,
        t: usize,
        errors: &BTreeMap<PathBuf, Vec<Failure<'_>>>,
        now: &RunResult,
    ) {
        for u in &self.transactions[t].units {
            // Decided on the default features.
            let first = errors.get(&u.key).and_then(|errs| {
                errs.iter()
                    .find(|f| f.configuration == Configuration::Default)
            });
            if let Some((f, v)) = first.zip(self.verdicts.get_mut(&u.key)) {
                v.outcome = PackageOutcome::FailedBeforeMigration;
                v.first_error = Some(f.located(now));
            }
        }
    }

    fn could_not_run(self, first: RunResult, root: &Path, message: String) -> Healed {
        Healed {
            result: first,
            report: VerifyReport {
                status: VerifyStatus::Error,
                projects: vec![ProjectCheck {
                    path: display_path(root),
                    status: VerifyStatus::Error,
                    all_features: false,
                    seconds: 0.0,
                    errors: Vec::new(),
                    message: Some(message),
                    lockfile: None,
                }],
                packages: Vec::new(),
                rounds: self.rounds,
            },
            patch: String::new(),
            locks: Vec::new(),
        }
    }

    fn finish(
        self,
        first: RunResult,
        healed: Option<RunResult>,
        roots: &BTreeSet<PathBuf>,
        started: Instant,
    ) -> Healed {
        let failing_roots: BTreeSet<&PathBuf> = self
            .transactions
            .iter()
            .flat_map(|t| &t.units)
            .filter(|u| {
                self.verdicts
                    .get(&u.key)
                    .is_some_and(|v| v.outcome != PackageOutcome::Ok)
            })
            .map(|u| &u.project_root)
            .collect();
        let seconds = started.elapsed().as_secs_f64();
        let projects = roots
            .iter()
            .map(|root| ProjectCheck {
                path: display_path(root),
                status: if failing_roots.contains(root) {
                    VerifyStatus::Fails
                } else {
                    VerifyStatus::Compiles
                },
                all_features: false,
                seconds,
                errors: self
                    .last_errors
                    .iter()
                    .filter(|(r, _)| r == root)
                    .flat_map(|(_, e)| e.iter().cloned())
                    .collect(),
                message: None,
                lockfile: self.locks.get(root).map(|(state, _)| state.to_string()),
            })
            .collect();
        let locks = self
            .locks
            .iter()
            .filter_map(|(root, (_, text))| Some((root.join("Cargo.lock"), text.clone()?)))
            .collect();
        let mut verdicts = self.verdicts;
        for u in self.transactions.iter().flat_map(|t| &t.units) {
            let Some(v) = verdicts.get_mut(&u.key) else {
                continue;
            };
            for c in Configuration::of(u.features) {
                if self.skipped.contains(&(u.key.clone(), *c)) {
                    v.skipped.push(c.name().to_string());
                } else if v.outcome == PackageOutcome::Ok {
                    v.compiled.push(c.name().to_string());
                }
            }
        }
        let host = unverified::host_cfg();
        let healed_files = healed.as_ref().map_or(&first.files, |h| &h.files);
        for f in healed_files {
            if let Some(v) = key_of(f).and_then(|k| verdicts.get_mut(&k)) {
                v.unverified.extend(unverified::sites(f, &host));
            }
        }
        let verdicts: Vec<PackageVerdict> = verdicts.into_values().collect();
        let (mut result, patch) = match healed {
            Some(mut h) => {
                let patch = backed_out_patch(&first, &h);
                ledger::mark_backed_out(&first.ledger, &mut h.ledger);
                (h, patch)
            }
            None => (first, String::new()),
        };
        result.findings.extend(self.findings);
        for (path, text) in self.sources {
            if result.source_of(&path).is_none() {
                result.sources.push((path, text));
            }
        }
        result.findings.extend(restore_findings(&verdicts));
        result.findings.sort_by(finding_order);
        let status = if verdicts.iter().all(|v| v.outcome == PackageOutcome::Ok) {
            VerifyStatus::Compiles
        } else {
            VerifyStatus::Fails
        };
        Healed {
            result,
            report: VerifyReport {
                status,
                projects,
                packages: verdicts,
                rounds: self.rounds,
            },
            patch,
            locks,
        }
    }
}

/// `cargo check` arguments for `packages` under `configuration`.
fn check_args(configuration: Configuration, packages: &BTreeSet<&str>) -> Vec<String> {
    let mut args: Vec<String> = ["--all-targets", "--keep-going"]
        .iter()
        .chain(configuration.cargo_args())
        .map(|a| a.to_string())
        .collect();
    for p in packages {
        args.extend(["-p".to_string(), p.to_string()]);
    }
    args
}

fn verdict(u: &Unit) -> PackageVerdict {
    PackageVerdict {
        name: u.name.clone().unwrap_or_else(|| display_path(&u.key)),
        manifest: display_path(&u.key),
        outcome: PackageOutcome::Ok,
        compiled: Vec::new(),
        skipped: Vec::new(),
        unverified: Vec::new(),
        backed_out: Vec::new(),
        restored_because: None,
        first_error: None,
    }
}

/// The errors of a round in the user's files, for the report.
fn locate_all(check: &Check<'_>, now: &RunResult) -> Vec<CompileError> {
    check
        .run
        .errors
        .iter()
        .map(|error| {
            Failure {
                copy: check.copy,
                configuration: check.configuration,
                error,
            }
            .located(now)
        })
        .collect()
}
