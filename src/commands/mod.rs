//! The commands: the command line (`cli`) and one module per command. `diff`, `apply` and
//! `check` share one dry-run path (`run`); `batch`, `adopt` and `verify` have their own.
//! Commands use the engine, the registry of transforms and the knowledge; nothing below
//! uses a command.

pub mod adopt;
pub mod batch;
pub mod cli;
pub mod migrate;
pub mod output;
pub mod verify;
