#!/usr/bin/env bash
# How much of the migrated code stays as `cargo fmt` left it (a diff a reviewer trusts): every
# tree of SCRATCH (the whole repositories scripts/corpus/whole-repos.sh exported) is copied,
# migrated with `otel-migrate apply`, and each changed .rs file is checked with `rustfmt --check`
# (the repository's own rustfmt.toml applies) before and after. Prints the files that were
# rustfmt-clean before and are not after, and the counts.
# Usage: scripts/corpus/fmt-clean.sh SCRATCH_DIR [TOOL]   (TOOL defaults to target/debug/otel-migrate)
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
scratch="$1"
tool="${2:-$here/target/debug/otel-migrate}"
[ -n "${2:-}" ] || cargo build --quiet --manifest-path "$here/Cargo.toml"
work="$(mktemp -d -t otel-migrate-fmt.XXXXXX)"
trap 'rm -rf "$work"' EXIT
changed=0 clean_before=0 clean_after=0
for tree in "$scratch"/*/; do
  slug="$(basename "$tree")"
  copy="$work/$slug"
  cp -r "$tree" "$copy"
  (cd "$copy" && git init -q && git add -A &&
    git -c user.email=bench@localhost -c user.name=bench commit -qm base &&
    "$tool" apply . >/dev/null 2>&1) || true
  edition="$(grep -m1 '^edition' "$copy/Cargo.toml" 2>/dev/null | grep -o '20[0-9][0-9]' || true)"
  while read -r file; do
    [ -n "$file" ] || continue
    changed=$((changed + 1))
    if rustfmt --edition "${edition:-2021}" --check "$tree/$file" >/dev/null 2>&1; then
      clean_before=$((clean_before + 1))
      if rustfmt --edition "${edition:-2021}" --check "$copy/$file" >/dev/null 2>&1; then
        clean_after=$((clean_after + 1))
      else
        echo "no longer rustfmt-clean: $slug/$file"
      fi
    fi
  done < <(cd "$copy" && git diff --name-only -- '*.rs')
  rm -rf "$copy"
done
echo "$changed changed .rs files; $clean_before rustfmt-clean before; $clean_after of those still clean after"
