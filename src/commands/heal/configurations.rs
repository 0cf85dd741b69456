//! The feature configurations a package is checked under: its default features always, and
//! `--all-features` and `--no-default-features` when it declares features. Whether a package
//! fails before migration is decided on the default features; another configuration that
//! fails before migration too is skipped and named.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Configuration {
    Default,
    AllFeatures,
    NoDefaultFeatures,
}

impl Configuration {
    /// The configurations of a package, default first.
    pub fn of(declares_features: bool) -> &'static [Configuration] {
        if declares_features {
            &[
                Configuration::Default,
                Configuration::AllFeatures,
                Configuration::NoDefaultFeatures,
            ]
        } else {
            &[Configuration::Default]
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Configuration::Default => "default",
            Configuration::AllFeatures => "all-features",
            Configuration::NoDefaultFeatures => "no-default-features",
        }
    }

    /// The cargo arguments of the configuration (besides `--all-targets`).
    pub fn cargo_args(self) -> &'static [&'static str] {
        match self {
            Configuration::Default => &[],
            Configuration::AllFeatures => &["--all-features"],
            Configuration::NoDefaultFeatures => &["--no-default-features"],
        }
    }
}
