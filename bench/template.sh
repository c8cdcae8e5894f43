#!/usr/bin/env bash
# Speed and peak memory of `preclin template` (release build).
# Usage: bash bench/template.sh   — prints wall time and peak RSS per case.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/preclin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {
  local name=$1; shift
  local start end
  start=$(date +%s.%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%M" -o "$work/rss" "$bin" "$@" >/dev/null
    rss_kib=$(cat "$work/rss")
  else
    "$bin" "$@" >/dev/null
    rss_kib="?"
  fi
  end=$(date +%s.%N)
  printf '%-44s wall %6.3f s   peak RSS %s KiB\n' "$name" "$(echo "$end - $start" | bc)" "$rss_kib"
}

for i in 1 2 3; do
  run "fst-mouse, 10 per group (run $i)" template fst-mouse --seed 1 --out "$work/fst-$i"
  run "cms-cyp-rat, 10 per group (run $i)" template cms-cyp-rat --seed 1 --out "$work/cms-$i"
  run "cms-cyp-rat, 250 per group = 1000 rats (run $i)" template cms-cyp-rat --seed 1 --n-per-group 250 --out "$work/big-$i"
done
