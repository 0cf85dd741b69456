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
}

impl VerifyReport {
    pub fn passed(&self) -> bool {
        self.status == VerifyStatus::Compiles
    }

    /// `compiles`, or `fails (3 errors)`, for tables.
    pub fn short(&self) -> String {
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
    /// `"default"` or `"all"`.
    pub features: String,
    /// rustc's own rendering.
    pub rendered: String,
}
