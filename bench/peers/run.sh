#!/usr/bin/env bash
# preclin beside the tools a lab would otherwise use, on the same data, release build:
#   1. `preclin analyze` of the sample 2 x 2 forced swim study (report and every figure)
#      against analyze.R (car, TukeyHSD, ggplot2: one figure) and analyze.py (pandas,
#      scipy, matplotlib: one figure);
#   2. `preclin stats compare` of 1,000,000 rows in 10 groups (ANOVA + Tukey) against
#      compare.R (aov, TukeyHSD) and compare.py (pandas, scipy.stats.tukey_hsd).
# Each is run RUNS times (default 5); the median wall time, the median peak RSS and the
# peer's time over preclin's are printed. A peer that is not installed is skipped with a
# line saying so. Targets (issue: analyze <= 75 ms; compare <= 0.3 s and <= 100 MiB) are
# printed beside preclin's figures.
# Usage: bash bench/peers/run.sh [RUNS]
set -euo pipefail
runs=${1:-5}
source "$(dirname "$0")/../lib.sh"
peers="$(pwd)/bench/peers"

# median of the numbers on standard input
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# measure NAME CMD…: RUNS runs; prints median seconds and MiB, remembers the seconds.
measure() {
  local name=$1; shift
  : > "$work/times"; : > "$work/rss"
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/one" "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    echo "$end - $start" | bc >> "$work/times"
    cat "$work/one" >> "$work/rss"
  done
  last_s=$(median < "$work/times")
  local mib
  mib=$(median < "$work/rss" | awk '{printf "%.0f", $1 / 1024}')
  printf '  %-44s %7.3f s  %5s MiB' "$name" "$last_s" "$mib"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "   %.1f× preclin\n", a / b}'; }

has_r() { command -v Rscript >/dev/null && Rscript -e "$1" >/dev/null 2>&1; }
has_py() { command -v python3 >/dev/null && python3 -c "$1" >/dev/null 2>&1; }

echo "median of $runs runs, wall time and peak RSS"
echo
echo "analyze: the sample 2 x 2 forced swim study (target <= 0.075 s)"
"$bin" template fst-imipramine-zinc --seed 20261121 --out "$work/zinc" >/dev/null
cp sample_data/fst-imipramine-zinc/scoring.csv "$work/zinc/sheets/scoring.csv"
mkdir -p "$work/peer-out"
measure "preclin analyze (report, 6 figure files)" "$bin" analyze "$work/zinc" --force
echo; base=$last_s
if has_r 'library(car); library(ggplot2)'; then
  measure "R (car, TukeyHSD, ggplot2: one figure)" Rscript "$peers/analyze.R" "$work/zinc" "$work/peer-out"
  ratio "$last_s" "$base"
else
  echo "  R with car and ggplot2 is not installed: skipped"
fi
if has_py 'import pandas, scipy, matplotlib'; then
  measure "Python (pandas, scipy, matplotlib: one fig.)" python3 "$peers/analyze.py" "$work/zinc" "$work/peer-out"
  ratio "$last_s" "$base"
else
  echo "  Python with pandas, scipy and matplotlib is not installed: skipped"
fi

echo
echo "stats compare: 1,000,000 rows, 10 groups, ANOVA + Tukey (target <= 0.3 s, <= 100 MiB)"
ten_groups "$work/big.csv"
measure "preclin stats compare --test anova --posthoc tukey" "$bin" stats compare "$work/big.csv" \
  --value immobility_s --group group --test anova --posthoc tukey --json
echo; base=$last_s
if has_r 'stats::TukeyHSD'; then
  measure "R (read.csv, aov, TukeyHSD)" Rscript "$peers/compare.R" "$work/big.csv"
  ratio "$last_s" "$base"
else
  echo "  R is not installed: skipped"
fi
if has_py 'import pandas, scipy'; then
  measure "Python (pandas, scipy f_oneway, tukey_hsd)" python3 "$peers/compare.py" "$work/big.csv"
  ratio "$last_s" "$base"
else
  echo "  Python with pandas and scipy is not installed: skipped"
fi
