#!/usr/bin/env bash
# Speed and peak memory of `preclin stats anova` (2 × 2, Type III, sum-to-zero coding) on
# 1,000,000 rows, with and without Tukey on the 4 cells (release build). The data are
# generated here with awk from a fixed seed.
# Usage: bash bench/anova.sh   — prints wall time and peak RSS per run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Unbalanced on purpose: imipramine:zinc cells are a little rarer.
awk 'BEGIN {
  srand(20261121); print "animal,drug,zinc,immobility_s";
  for (i = 0; i < 1000000; i++) {
    d = (rand() < 0.5) ? "vehicle" : "imipramine";
    z = (rand() < 0.45) ? "zinc" : "water";
    u1 = rand(); u2 = rand(); if (u1 < 1e-12) u1 = 1e-12;
    e = sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
    m = 170 - (d == "imipramine" ? 40 : 0) - (z == "zinc" ? 10 : 0);
    printf "A%07d,%s,%s,%.1f\n", i, d, z, m + 25 * e
  }
}' > "$work/big.csv"

for i in 1 2 3; do
  run "2x2 Type III ANOVA, 1e6 rows (run $i)" stats anova "$work/big.csv" \
    --value immobility_s --factors drug,zinc --json
done
run "2x2 Type III ANOVA + Tukey on cells, 1e6 rows" stats anova "$work/big.csv" \
  --value immobility_s --factors drug,zinc --posthoc tukey --json
