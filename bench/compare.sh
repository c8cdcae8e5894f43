#!/usr/bin/env bash
# Speed and peak memory of `preclin stats compare` with Tukey on 1,000,000 rows in
# 10 groups (release build). The data are generated here with awk from a fixed seed.
# Usage: bash bench/compare.sh   — prints wall time and peak RSS per run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

awk 'BEGIN {
  srand(20261121); print "animal,group,immobility_s";
  for (i = 0; i < 1000000; i++) {
    g = i % 10; u1 = rand(); u2 = rand(); if (u1 < 1e-12) u1 = 1e-12;
    z = sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
    printf "A%07d,G%02d,%.2f\n", i, g, 150 + 2 * g + 30 * z
  }
}' > "$work/big.csv"

for i in 1 2 3; do
  run "ANOVA + Tukey, 1e6 rows (run $i)" stats compare "$work/big.csv" \
    --value immobility_s --group group --test anova --posthoc tukey --json
done
