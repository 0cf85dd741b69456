#!/usr/bin/env bash
# Robustness run over real Rust code nobody wrote for this tool (issue 10): every crate source
# in $CARGO_HOME/registry/src (run a build or `cargo test` first so it is populated) plus the
# demo repositories, COPIED to a scratch directory (the registry is never written), migrated
# with every transform. Checks: 0 panics, 0 unparsable outputs, 0 changes to files without
# OpenTelemetry/metrics (independent text search), 0 changed bytes outside edits, idempotence.
# Usage: scripts/robustness.sh [SCRATCH_DIR]   (default: a new temporary directory)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
scratch="${1:-$(mktemp -d -t otel-migrate-robustness.XXXXXX)}"
tree="$scratch/tree"
rm -rf "$tree" && mkdir -p "$tree"
echo "copying $registry and fixtures/repos to $tree ..." >&2
for index in "$registry"/*/; do
  cp -r "$index"/. "$tree"/
done
for repo in "$here"/fixtures/repos/*/; do
  cp -r "$repo" "$tree/repo-$(basename "$repo")"
done
cd "$here"
cargo run --release --quiet --example robustness -- "$tree"
