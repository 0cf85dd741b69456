#!/usr/bin/env bash
# Scores the tool on whole repositories (issue 15), as a user runs it: every repository of
# scripts/corpus/whole-repos.tsv is exported at its commit into SCRATCH/<slug> (its whole tree:
# workspace members, helpers in other files, its own manifests and lockfile), migrated with
# `otel-migrate diff --format json`, and counted from the report's coverage like score.sh does.
# Fetched code stays in SCRATCH: never commit it (docs/coverage.md has the figures).
# Usage: scripts/corpus/whole-repos.sh [SCRATCH_DIR]   (trees already in SCRATCH are reused)
# Offline: CORPUS_MIRRORS=DIR exports from the git mirror DIR/<owner>+<name>/repo (the layout
# the library's `fetch` writes, e.g. /work/.mirror) instead of downloading a tarball.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
scratch="${1:-$(mktemp -d -t otel-migrate-repos.XXXXXX)}"
cargo build --quiet --manifest-path "$here/Cargo.toml"
tool="$here/target/debug/otel-migrate"
printf '%-18s %6s %7s %9s %9s %5s %7s\n' repository files sites migrated reported note silent
total=(0 0 0 0 0)
while IFS=$'\t' read -r slug repo commit; do
  case "$slug" in ''|'#'*) continue ;; esac
  dir="$scratch/$slug"
  if [ ! -d "$dir" ]; then
    mirror="${CORPUS_MIRRORS:-}/${repo/\//+}/repo"
    if [ -n "${CORPUS_MIRRORS:-}" ] && [ -d "$mirror" ]; then
      python3 "$here/benches/export-commit.py" "$mirror" "$commit" "$dir.tmp" >/dev/null
    else
      mkdir -p "$dir.tmp"
      curl -fsSL "https://codeload.github.com/$repo/tar.gz/$commit" | tar -xz -C "$dir.tmp" --strip-components=1
    fi
    mv "$dir.tmp" "$dir"
  fi
  read -r files before migrated reported note allowed < <("$tool" diff --format json "$dir" 2>/dev/null |
    python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; c=s["coverage"]; print(s["files_scanned"], c["before"], c["migrated"], c["error"]+c["warning"], c["note"], c["allowed"])')
  silent=$((before - migrated - reported - note - allowed))
  printf '%-18s %6d %7d %9d %9d %5d %7d\n' "$slug" "$files" "$before" "$migrated" "$reported" "$note" "$silent"
  total=($((total[0] + before)) $((total[1] + migrated)) $((total[2] + reported)) $((total[3] + note)) $((total[4] + silent)))
done < "$here/scripts/corpus/whole-repos.tsv"
printf '%-18s %6s %7d %9d %9d %5d %7d\n' TOTAL "" "${total[@]}"
