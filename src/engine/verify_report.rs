//! What `--verify` found, in the shape reports show it: per project, whether the migrated code
//! compiles and its first compiler errors, attributed to transforms. The `verify` command
//! produces it; the engine's report carries it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerifyStatus {
    /// Every project compiles.
    Compiles,
    /// The compiler rejected a project.
    Fails,
    /// cargo could not be run or failed before compiling (resolution, network, I/O).
    Error,
}

impl VerifyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VerifyStatus::Compiles => "compiles",
            VerifyStatus::Fails => "fails",
            VerifyStatus::Error => "error",
        }
    }

    pub fn worst(self, other: VerifyStatus) -> VerifyStatus {
        let rank = |s| match s {
            VerifyStatus::Compiles => 0,
            VerifyStatus::Fails => 1,
            VerifyStatus::Error => 2,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VerifyReport {
    pub status: VerifyStatus,
    pub projects: Vec<ProjectCheck>,
    /// The back-out loop's verdict per changed package (empty when the loop did not run).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<PackageVerdict>,
    /// Rounds of checks the loop ran.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rounds: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl VerifyReport {
    pub fn passed(&self) -> bool {
        self.status == VerifyStatus::Compiles
    }

    /// Whether the loop changed the migration: something backed out or restored.
    pub fn healed(&self) -> bool {
        self.packages
            .iter()
            .any(|p| !p.backed_out.is_empty() || p.outcome != PackageOutcome::Ok)
    }

    /// Every backed-out edit's site, for ledgers and annotations.
    pub fn backed_out_sites(&self) -> impl Iterator<Item = &BackedOutSite> {
        self.packages
            .iter()
            .flat_map(|p| p.backed_out.iter().flat_map(|b| &b.sites))
    }

    /// `compiles`, or `fails (3 errors)`, for tables; after the back-out loop the worst
    /// package's outcome: `ok`, `ok (2 backed out)`, `restored`, `failed before migration`,
    /// `loop bound reached`.
    pub fn short(&self) -> String {
        if self.status != VerifyStatus::Error && !self.packages.is_empty() {
            return self.verdict();
        }
        let errors: usize = self.projects.iter().map(|p| p.errors.len()).sum();
        match self.status {
            VerifyStatus::Compiles => "compiles".to_string(),
            VerifyStatus::Fails => format!("fails ({errors} error(s))"),
            VerifyStatus::Error => "error".to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectCheck {
    pub path: String,
    pub status: VerifyStatus,
    /// Whether a second check ran with `--all-features`.
    pub all_features: bool,
    pub seconds: f64,
    /// The first compiler errors (of both feature sets).
    pub errors: Vec<CompileError>,
    /// Why cargo failed when it failed before the compiler said anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// After the back-out loop: the lockfile in the check, `none`, `unchanged`, `refreshed`
    /// (`refreshed, written` with `--update-lock`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lockfile: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CompileError {
    /// The user's file (not the temporary copy).
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The transforms whose edits produced this line; empty when the line is unchanged.
    pub transforms: Vec<String>,
    /// The feature configuration: `"default"` or `"all"` (a plain check); after the back-out
    /// loop `"default"`, `"all-features"` or `"no-default-features"`.
    pub features: String,
    /// rustc's own rendering.
    pub rendered: String,
}

/// What the back-out loop made of one changed package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PackageOutcome {
    /// It compiles with its migration (maybe less some backed-out transforms).
    Ok,
    /// Its migration was taken back whole (it, or a package sharing an edited manifest entry,
    /// could not be made to compile); as it was, it compiles.
    Restored,
    /// Restored, and it does not compile as it was either.
    FailedBeforeMigration,
    /// The loop ran out of rounds: restored without a last check.
    LoopBoundReached,
}

impl PackageOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            PackageOutcome::Ok => "ok",
            PackageOutcome::Restored => "restored",
            PackageOutcome::FailedBeforeMigration => "failed before migration",
            PackageOutcome::LoopBoundReached => "loop bound reached",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackageVerdict {
    /// The package's name (`[package] name`), or the manifest's path for a virtual root.
    pub name: String,
    /// Its manifest, as reports show paths.
    pub manifest: String,
    pub outcome: PackageOutcome,
    /// The configurations it compiled under (`default`, `all-features`,
    /// `no-default-features`), empty when it did not.
    pub compiled: Vec<String>,
    /// Configurations not checked because they fail before the migration too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
    /// Kept edits under a `cfg` no checked configuration enables: not compiled by the check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unverified: Vec<UnverifiedSite>,
    pub backed_out: Vec<BackedOut>,
    /// Why it was restored: the blocking package and its first error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restored_because: Option<String>,
    /// The first error that made the loop act on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_error: Option<CompileError>,
}

/// A transform taken back from one package, with the compiler's reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackedOut {
    pub transform: String,
    /// The first compiler error that pointed at its edits.
    pub error: CompileError,
    /// Where its edits were (original lines).
    pub sites: Vec<BackedOutSite>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackedOutSite {
    pub path: String,
    /// 1-based, in the original text.
    pub line: usize,
    pub transform: String,
}

/// A kept edit the checks did not compile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnverifiedSite {
    pub path: String,
    /// 1-based, in the original text.
    pub line: usize,
    /// The gate, as written: `cfg(target_os = "windows")`.
    pub cfg: String,
}

impl VerifyReport {
    /// The batch column: the worst package's outcome, `ok (k backed out)` when transforms
    /// were taken back and nothing worse happened.
    fn verdict(&self) -> String {
        let worst = self
            .packages
            .iter()
            .map(|p| p.outcome)
            .max()
            .unwrap_or(PackageOutcome::Ok);
        let backed_out: usize = self.packages.iter().map(|p| p.backed_out.len()).sum();
        match worst {
            PackageOutcome::Ok if backed_out > 0 => format!("ok ({backed_out} backed out)"),
            other => other.as_str().to_string(),
        }
    }
}
