#!/usr/bin/env bash
# Rerunnable benchmark (issue 10): `otel-migrate diff` (release build) over
#   (a) the demo repositories, (b) a copy of $CARGO_HOME/registry/src, (c) a synthetic tree 10x
#   the registry (ten hard-linked copies of (b): same bytes, distinct paths and packages),
#   (d) "ordinary": 21 ordinary open-source repositories (benches/ordinary-tree.sh, from local
#   mirrors) and (e) its 10x copy,
# with 2 cores and with 1 (RAYON_NUM_THREADS=1), side by side with the peers a user would
# otherwise run: `rg -l opentelemetry` (the floor for finding the files) and
# `ast-grep run -p 'opentelemetry_otlp::new_pipeline()' -l rust` (parses every file).
# Reports mean wall time (hyperfine), files/s, MB/s and peak RSS (/usr/bin/time -v).
# Warm page cache: every command gets a warmup run. Never a test: numbers depend on the machine.
#
# Usage: benches/run.sh [--quick]     (--quick: 1 run per command)
# Env:   BENCH_DIR (default target/bench), RUNS (default 3), TREES (default
#        "repos registry x10 ordinary ordinary-x10"),
#        AST_GREP_X10=1 to also run ast-grep on (c) (about 15 minutes here)
# Needs: hyperfine, rg, ast-grep, GNU time. Installs them when it can:
#   apt-get update && apt-get install -y hyperfine ripgrep time ; pip install ast-grep-cli
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
runs="${RUNS:-3}"

[[ "${1:-}" == "--quick" ]] && runs=1
bench="${BENCH_DIR:-$here/target/bench}"
trees="${TREES:-repos registry x10 ordinary ordinary-x10}"
registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hyperfine || ! need rg || [[ ! -x /usr/bin/time ]]; then
  if [[ $(id -u) == 0 ]] && need apt-get; then
    apt-get update -qq && apt-get install -y -qq hyperfine ripgrep time >/dev/null
  else
    echo "missing hyperfine/ripgrep/time: apt-get install -y hyperfine ripgrep time" >&2; exit 2
  fi
fi
if ! need ast-grep; then
  pip install -q ast-grep-cli || { echo "missing ast-grep: pip install ast-grep-cli" >&2; exit 2; }
fi

echo "building otel-migrate (release) ..." >&2
cargo build --release --quiet --bin otel-migrate
bin="${CARGO_TARGET_DIR:-$here/target}/release/otel-migrate"

mkdir -p "$bench"
if [[ ! -d "$bench/registry" ]]; then
  echo "copying $registry to $bench/registry ..." >&2
  mkdir -p "$bench/registry.tmp"
  for index in "$registry"/*/; do cp -r "$index"/. "$bench/registry.tmp"/; done
  mv "$bench/registry.tmp" "$bench/registry"
fi
if [[ ! -d "$bench/repos" ]]; then
  cp -r fixtures/repos "$bench/repos"
fi
if [[ ! -d "$bench/x10" ]]; then
  echo "generating the 10x tree (hard links) ..." >&2
  mkdir -p "$bench/x10.tmp"
  for i in 0 1 2 3 4 5 6 7 8 9; do cp -al "$bench/registry" "$bench/x10.tmp/copy-$i"; done
  mv "$bench/x10.tmp" "$bench/x10"
fi

if [[ " $trees " == *" ordinary"* ]]; then
  BENCH_DIR="$bench" "$here/benches/ordinary-tree.sh"
fi

# Files and bytes the tools look at: .rs files and manifests.
tree_stats() {
  find "$1" -type f \( -name '*.rs' -o -name Cargo.toml \) -printf '%s\n' |
    awk '{n++; b+=$1} END {printf "%d %d\n", n, b}'
}

out="$bench/results.md"
json="$bench/json"
mkdir -p "$json"
{
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(uptime | sed 's/.*load average: /load /')), $runs run(s) per row, warm cache."
  echo
  echo "| tree | files | MB | command | cores | mean s | ± s | files/s | MB/s | peak RSS MB |"
  echo "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|"
} >"$out"

for t in $trees; do
  dir="$bench/$t"
  read -r files bytes < <(tree_stats "$dir")
  mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b/1e6}')
  declare -a names=() cmds=() cores=()
  names+=("otel-migrate diff"); cmds+=("env RAYON_NUM_THREADS=2 $bin diff --color never $dir"); cores+=(2)
  names+=("otel-migrate diff"); cmds+=("env RAYON_NUM_THREADS=1 $bin diff --color never $dir"); cores+=(1)
  names+=("rg -l opentelemetry"); cmds+=("rg -l opentelemetry $dir"); cores+=(2)
  names+=("rg -l opentelemetry"); cmds+=("rg -j1 -l opentelemetry $dir"); cores+=(1)
  # ast-grep parses every file: about 100 s on the registry here, so 10x that on (c); opt in.
  if [[ $t != *x10 || "${AST_GREP_X10:-0}" == 1 ]]; then
    names+=("ast-grep run -p 'opentelemetry_otlp::new_pipeline()'"); cores+=(2)
    cmds+=("ast-grep run -p 'opentelemetry_otlp::new_pipeline()' -l rust $dir")
  fi
  for i in "${!cmds[@]}"; do
    cmd="${cmds[$i]}"
    r=$runs
    warmup=1
    # One cold-ish run of ast-grep on the big trees keeps the script practical.
    if [[ "${names[$i]}" == ast-grep* && $t != repos ]]; then r=1; warmup=0; fi
    echo "[$t] ${names[$i]} (${cores[$i]} cores) ..." >&2
    # Peak RSS of every measured run, recorded by GNU time around the command itself.
    rssfile="$json/$t-$i.rss"
    : >"$rssfile"
    hyperfine --style none --ignore-failure --warmup "$warmup" --runs "$r" \
      --export-json "$json/$t-$i.json" "/usr/bin/time -f %M -a -o $rssfile $cmd >/dev/null 2>&1" >/dev/null
    read -r mean sd < <(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(r['mean'], r.get('stddev') or 0)" "$json/$t-$i.json")
    rss=$(awk '$1 ~ /^[0-9]+$/ && $1 > m {m=$1} END {printf "%.0f", m/1024}' "$rssfile")
    awk -v t="$t" -v f="$files" -v mb="$mb" -v n="${names[$i]}" -v c="${cores[$i]}" \
        -v m="$mean" -v s="$sd" -v rss="$rss" 'BEGIN {
      printf "| %s | %d | %s | `%s` | %d | %.3f | %.3f | %.0f | %.1f | %s |\n", t, f, mb, n, c, m, s, f/m, mb/m, rss
    }' >>"$out"
  done
  unset names cmds cores
done
cat "$out"
echo "(results in $out; raw hyperfine JSON in $json)" >&2
