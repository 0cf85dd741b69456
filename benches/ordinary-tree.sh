#!/usr/bin/env bash
# Builds the "ordinary" benchmark tree (issue 20): the repositories of benches/ordinary-repos.txt,
# each at the commit listed there, exported (no .git) into $BENCH_DIR/ordinary/<owner+name>, and
# a 10x copy by hard links ($BENCH_DIR/ordinary-x10: same bytes, distinct paths and packages).
# Ordinary code, not OpenTelemetry's own: a few hundred of its files mention OpenTelemetry.
#
# The repositories come from local git mirrors ($MIRROR/<owner+name>/repo, default /work/.mirror,
# where a session's `fetch` tool puts them) or from any directory of clones given as
# MIRROR=/path with the same layout. No code of theirs is committed, only the list.
#
# Usage: benches/ordinary-tree.sh        Env: BENCH_DIR (default target/bench), MIRROR
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bench="${BENCH_DIR:-$here/target/bench}"
mirror="${MIRROR:-/work/.mirror}"
list="$here/benches/ordinary-repos.txt"

if [[ ! -d "$bench/ordinary" ]]; then
  rm -rf "$bench/ordinary.tmp"
  mkdir -p "$bench/ordinary.tmp"
  missing=0
  while read -r repo commit; do
    [[ -z "$repo" || "$repo" == \#* ]] && continue
    git_dir="$mirror/${repo/\//+}/repo"
    if ! git -C "$git_dir" cat-file -e "$commit^{commit}" 2>/dev/null; then
      echo "missing: $repo at $commit (expected a mirror at $git_dir)" >&2
      missing=1
      continue
    fi
    echo "exporting $repo ..." >&2
    out="$bench/ordinary.tmp/${repo/\//+}"
    mkdir -p "$out"
    python3 "$here/benches/export-commit.py" "$git_dir" "$commit" "$out"
  done <"$list"
  [[ $missing == 0 ]] || { echo "some repositories are missing: fetch them first" >&2; exit 2; }
  mv "$bench/ordinary.tmp" "$bench/ordinary"
fi
if [[ ! -d "$bench/ordinary-x10" ]]; then
  echo "generating the 10x ordinary tree (hard links) ..." >&2
  mkdir -p "$bench/ordinary-x10.tmp"
  for i in 0 1 2 3 4 5 6 7 8 9; do cp -al "$bench/ordinary" "$bench/ordinary-x10.tmp/copy-$i"; done
  mv "$bench/ordinary-x10.tmp" "$bench/ordinary-x10"
fi
find "$bench/ordinary" -type f -name '*.rs' -printf '%s\n' |
  awk '{n++; b+=$1} END {printf "ordinary tree: %d .rs files, %.0f MB\n", n, b/1e6}' >&2
