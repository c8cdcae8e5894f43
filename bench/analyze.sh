#!/usr/bin/env bash
# Speed and peak memory of `preclin analyze` on the sample 2 × 2 study (report and all
# figures included) and of `preclin demo` (four studies templated and analysed), release
# build. Targets: analyze under 300 ms, demo under 1 s.
# Usage: bash bench/analyze.sh   — prints wall time and peak RSS per run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

"$bin" template fst-imipramine-zinc --seed 20261121 --out "$work/zinc" >/dev/null
cp sample_data/fst-imipramine-zinc/scoring.csv "$work/zinc/sheets/scoring.csv"
for i in 1 2 3; do
  run "analyze 2x2 sample study (run $i)" analyze "$work/zinc" --force
done
for i in 1 2 3; do
  run "demo, four studies (run $i)" demo --out "$work/demo" --force
done
