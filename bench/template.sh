#!/usr/bin/env bash
# Speed and peak memory of `preclin template` (release build).
# Usage: bash bench/template.sh   — prints wall time and peak RSS per case.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

for i in 1 2 3; do
  run "fst-mouse, 10 per group (run $i)" template fst-mouse --seed 1 --out "$work/fst-$i"
  run "cms-cyp-rat, 10 per group (run $i)" template cms-cyp-rat --seed 1 --out "$work/cms-$i"
  run "cms-cyp-rat, 250 per group = 1000 rats (run $i)" template cms-cyp-rat --seed 1 --n-per-group 250 --out "$work/big-$i"
done
