#!/usr/bin/env bash
# Speed and peak memory of `preclin stats compare` with Tukey on 1,000,000 rows in
# 10 groups (release build). The data are generated here with awk from a fixed seed.
# Usage: bash bench/compare.sh   — prints wall time and peak RSS per run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/preclin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

awk 'BEGIN {
  srand(20261121); print "animal,group,immobility_s";
  for (i = 0; i < 1000000; i++) {
    g = i % 10; u1 = rand(); u2 = rand(); if (u1 < 1e-12) u1 = 1e-12;
    z = sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
    printf "A%07d,G%02d,%.2f\n", i, g, 150 + 2 * g + 30 * z
  }
}' > "$work/big.csv"

run() {
  local name=$1; shift
  local start end rss_kib="?"
  start=$(date +%s.%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%M" -o "$work/rss" "$bin" "$@" >/dev/null
    rss_kib=$(cat "$work/rss")
  else
    "$bin" "$@" >/dev/null
  fi
  end=$(date +%s.%N)
  printf '%-40s wall %6.3f s   peak RSS %s KiB\n' "$name" "$(echo "$end - $start" | bc)" "$rss_kib"
}

for i in 1 2 3; do
  run "ANOVA + Tukey, 1e6 rows (run $i)" stats compare "$work/big.csv" \
    --value immobility_s --group group --test anova --posthoc tukey --json
done
