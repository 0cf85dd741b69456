//! The import editor: every edit to `use` items goes through here, and is checked here.
//!
//! - `plan`: the items new code needs ([`ImportPlan`]): a name already in scope is reused, a
//!   module alias in scope is used as a prefix, otherwise the item is merged into an existing
//!   `use` tree or added on a new line; imports are removed only when certainly unused.
//! - `remove`: the one implementation of removing and renaming leaves (the plan's removals
//!   and [`edit_use_leaves`]): a leaf goes with its group element and comma, an emptied item
//!   with its line.
//! - `add`: merging an added item into an existing `use`, or writing new `use` lines.
//! - `order`: rustfmt's order of imports, so that additions go where `cargo fmt` puts them.
//! - `scope`: the `use` items visible at a site and where new ones go.
//! - `tree`: reading `use` trees: leaves, the full path each leaf imports.
//! - `gate`: the `#[cfg]` conditions new code sits under, so its imports are gated alike.
//! - `guard`: the invariant every edit keeps: the imported paths change by exactly what was
//!   asked (issue 22); otherwise the file is left as it was, with an internal error.

mod add;
mod gate;
mod guard;
mod order;
mod plan;
mod remove;
mod scope;
mod tree;

pub(crate) use plan::ident_counts;
pub(crate) use plan::{name_reads_outside_uses, name_use_counts};
pub use plan::{ImportPlan, ImportPlans};
pub use remove::{edit_use_leaves, LeafEdit};
pub use tree::{imports_item, use_leaves, UseLeaf};
