//! Type-preserving placement of a rewritten pipeline (design.md §5), and finding the sites.
//!
//! The old chain returned `Result<Provider, E>` (or a `Tracer`); the new code builds an exporter
//! (`…build()` → `Result<Exporter, E'>`) and then a provider from it. Where the old expression
//! stood decides the form:
//! - statement form, for `let p = <pipeline>?;` (or `.unwrap()`, `.expect(..)`): the exporter
//!   first (`let exporter = …build()?;`), then the setup statements and `let p = <provider>;`;
//! - `Result`-keeping expression form anywhere else: `…build().map(|exporter| { …; provider })`,
//!   so `?`, `.unwrap()`, a function tail or a `match` still type-check.
//!
//! - [`otlp_sites`]: the site loop of the OTLP metrics and logs transforms.
//! - [`otlp_locals`]: an OTLP metrics/logs pipeline kept in a local and built later.
//! - [`trace_sites`]: the trace pipeline finder (statements, builders kept in locals, macro
//!   bodies) of `jaeger-pipeline` and `otlp-trace-pipeline`.
//! - [`statement`], [`expression`]: the two forms, for any [`parts::ProviderParts`] model
//!   (metrics, logs, and the trace model through [`trace_parts`]).
//! - [`pipeline_creator`]: a private function returning the old pipeline it creates, and its
//!   callers that install it: the function returns the 0.27 provider builder (exporter built
//!   inside), the callers build it.
//! - [`otlp_creator`]: the same for a private function creating an OTLP metrics or logs
//!   pipeline.
//! - [`conditional`]: settings a pipeline kept in a `let mut` received under a condition, moved
//!   onto a mutable provider builder under the same condition.
//! - [`site_edit`]: the edit steps every site shares (leftover comments, deleted statements,
//!   replacing through the line ending).
//!
//! Knowledge only: the sites take an [`crate::engine::syntax::ParsedRust`] and the facts the
//! transform read from its run (versions, flags), never the run itself.

pub mod conditional;
pub mod expression;
pub mod otlp_creator;
pub mod otlp_locals;
pub mod otlp_sites;
pub mod parts;
pub mod pipeline_creator;
pub mod site_edit;
pub mod statement;
pub mod trace_parts;
pub mod trace_sites;
