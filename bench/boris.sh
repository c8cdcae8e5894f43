#!/usr/bin/env bash
# Speed and peak memory of `preclin import boris` on 100,000 events (release build):
# a 500-mouse fst-mouse study and a plain event log with 200 events per mouse (immobility
# bouts alternating with swimming over the 6-min session). Target: under 1 s.
# Usage: bash bench/boris.sh   — prints wall time and peak RSS per run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

"$bin" template fst-mouse --seed 7 --n-per-group 250 --out "$work/study" >/dev/null
awk -F, 'NR > 1 { print $1 }' "$work/study/key/allocation-key.csv" | awk '
  BEGIN { print "animal,behaviour,start_s,stop_s" }
  { for (k = 0; k < 100; k++) {
      t = k * 3.5
      printf "%s,i,%.3f,%.3f\n", $1, t, t + 2.5
      printf "%s,s,%.3f,%.3f\n", $1, t + 2.5, t + 3.5
  } }' > "$work/events.csv"
echo "$(($(wc -l < "$work/events.csv") - 1)) events"
for i in 1 2 3; do
  run "import boris, 100,000 events (run $i)" import boris "$work/events.csv" \
    --study "$work/study" --out "$work/scores.csv" --force
done
