#!/usr/bin/env bash
# Scores the tool on real code (issue 15): every file of scripts/corpus/recipe.tsv is downloaded
# at its commit into SCRATCH/<slug>/src/lib.rs with a Cargo.toml declaring the versions the
# recipe states (the file is scored alone: the rest of its repository is not there), migrated
# with `otel-migrate diff --format json`, and counted from the report's coverage: old-API sites
# before, migrated, reported at the site (error/warning), left with a note, and silent (none of
# those). Fetched code stays in SCRATCH: never commit it (docs/coverage.md has the figures).
# Usage: scripts/corpus/score.sh [SCRATCH_DIR]   (files already in SCRATCH are not fetched again)
# Offline: CORPUS_MIRRORS=DIR reads each file from the git mirror DIR/<owner>+<name>/repo (the
# layout the library's `fetch` writes, e.g. /work/.mirror) instead of downloading it.
# CORPUS_CONFIG='rewrite-public-api = true' scores the run a library's own maintainers would make
# (the text becomes each scratch project's otel-migrate.toml; default: none, the tool's defaults).
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
scratch="${1:-$(mktemp -d -t otel-migrate-corpus.XXXXXX)}"
cargo build --quiet --manifest-path "$here/Cargo.toml"
tool="$here/target/debug/otel-migrate"
dep() { # name version features
  [ "$2" = "-" ] && return
  if [ -n "$3" ]; then echo "$1 = { version = \"$2\", features = [$3] }"; else echo "$1 = \"$2\""; fi
}
printf '%-22s %7s %9s %9s %5s %7s\n' file sites migrated reported note silent
total=(0 0 0 0 0)
while IFS=$'\t' read -r slug repo commit path otel sdk otlp jaeger; do
  case "$slug" in ''|'#'*) continue ;; esac
  dir="$scratch/$slug"
  mkdir -p "$dir/src"
  if [ ! -s "$dir/src/lib.rs" ]; then
    mirror="${CORPUS_MIRRORS:-}/${repo/\//+}/repo"
    if [ -n "${CORPUS_MIRRORS:-}" ] && [ -d "$mirror" ]; then
      git -C "$mirror" show "$commit:$path" > "$dir/src/lib.rs"
    else
      curl -fsSL "https://raw.githubusercontent.com/$repo/$commit/$path" -o "$dir/src/lib.rs"
    fi
  fi
  {
    printf '[package]\nname = "%s"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n' "$slug"
    dep opentelemetry "$otel" '"rt-tokio"'
    dep opentelemetry_sdk "$sdk" '"rt-tokio"'
    dep opentelemetry-otlp "$otlp" '"grpc-tonic", "http-proto", "reqwest-client"'
    dep opentelemetry-jaeger "$jaeger" '"rt-tokio"'
    echo 'tokio = { version = "1", features = ["full"] }'
  } > "$dir/Cargo.toml"
  if [ -n "${CORPUS_CONFIG:-}" ]; then
    printf '%s\n' "$CORPUS_CONFIG" > "$dir/otel-migrate.toml"
  else
    rm -f "$dir/otel-migrate.toml"
  fi
  read -r before migrated reported note allowed < <("$tool" diff --format json "$dir" 2>/dev/null |
    python3 -c 'import json,sys; c=json.load(sys.stdin)["summary"]["coverage"]; print(c["before"], c["migrated"], c["error"]+c["warning"], c["note"], c["allowed"])')
  silent=$((before - migrated - reported - note - allowed))
  printf '%-22s %7d %9d %9d %5d %7d\n' "$slug" "$before" "$migrated" "$reported" "$note" "$silent"
  total=($((total[0] + before)) $((total[1] + migrated)) $((total[2] + reported)) $((total[3] + note)) $((total[4] + silent)))
done < "$here/scripts/corpus/recipe.tsv"
printf '%-22s %7d %9d %9d %5d %7d\n' TOTAL "${total[@]}"
