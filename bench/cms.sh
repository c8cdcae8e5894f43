#!/usr/bin/env bash
# Speed and peak memory of `preclin analyze` on the simulated chronic mild stress / CYP
# study (sample_data/cms-cyp-rat: 40 rats, 792 HPLC rows, 960 qPCR wells in three files,
# 120 Western lanes, 320 weekly rows), report, step tables and 37 figures (80 SVG and PNG
# files) included, and of `preclin demo` (four studies templated and analysed), release
# build. Target: under 1 s.
# Usage: bash bench/cms.sh   — prints wall time and peak RSS per run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

study="$work/cms"
"$bin" template cms-cyp-rat --seed 20261121 --out "$study" >/dev/null
mkdir -p "$study/sheets/qpcr-exports"
for f in animals weekly hplc-standards hplc-samples protein-assay western-blot; do
  cp "sample_data/cms-cyp-rat/$f.csv" "$study/sheets/$f.csv"
done
cp sample_data/cms-cyp-rat/qpcr-capture-plate3.csv "$study/sheets/qpcr.csv"
cp sample_data/cms-cyp-rat/qpcr-quantstudio.txt sample_data/cms-cyp-rat/qpcr-cfx.csv \
  "$study/sheets/qpcr-exports/"
for i in 1 2 3; do
  run "analyze CMS / CYP sample study (run $i)" analyze "$study" --force
done
for i in 1 2 3; do
  run "demo, four studies (run $i)" demo --out "$work/demo" --force
done
