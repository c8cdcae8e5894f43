#!/usr/bin/env bash
# The recorder's timing (release build): a 6-min fst-mouse trial played from a script on
# the wall clock (`record --script --pace real`), a behaviour key every 0.25 s (1,439 keys).
# Each key is acknowledged on standard output only after its journal line is on disk
# (fsync). For every key: lag = time the acknowledgement is read − time the key was due,
# both from the start of the session. Prints the median, 99th percentile and maximum lag
# (key due → durable journal line, as seen by another process), and the drift: the lag of
# the last minute's keys minus that of the first minute's (of the first and last
# halves in a run shorter than 2 min) (a clock that drifts would
# grow it). Usage: bash bench/record.sh [SECONDS]   (default 360)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

seconds=${1:-360}
"$bin" template fst-mouse --seed 7 --n-per-group 2 --out "$work/study" >/dev/null
code=$(awk -F, 'NR == 2 { print $2 }' "$work/study/sheets/run-order.csv")
{
  printf 'animal %s\nfield water_temperature_c 24\nstart\n' "$code"
  awk -v s="$seconds" 'BEGIN { for (t = 0.25; t < s; t += 0.25) printf "%.2f i\n", t }'
  printf '%s end\n' "$seconds"
} > "$work/trial.txt"
# Session line numbers: the `start` command is line 3; key k (1-based) is line 3 + k.
"$bin" record "$work/study" --script "$work/trial.txt" --pace real | while read -r ack line; do
  if [ "$ack" = ack ]; then printf '%s %s\n' "$line" "$EPOCHREALTIME"; fi
done > "$work/acks.txt"
awk -v keys="$(grep -c ' i$' "$work/trial.txt")" '
  $1 == 3 { t0 = $2 }
  $1 > 3 && $1 <= 3 + keys { k = $1 - 3; printf "%d %.6f\n", k, ($2 - t0 - k * 0.25) * 1000 }
' "$work/acks.txt" > "$work/lags.txt"
n=$(wc -l < "$work/lags.txt")
sort -k2,2g "$work/lags.txt" | awk -v n="$n" '
  NR == int((n + 1) / 2) { median = $2 }
  NR == int(n * 0.99) { p99 = $2 }
  NR == n { max = $2 }
  END {
    printf "%d keys acknowledged\n", n
    printf "lag, key due -> durable journal line read by another process: median %.3f ms, p99 %.3f ms, max %.3f ms\n", median, p99, max
  }'
awk -v n="$n" '
  BEGIN { m = int(60 / 0.25); if (m > n / 2) m = int(n / 2) }
  $1 <= m { first += $2 }
  $1 > n - m { last += $2 }
  END { printf "drift over the session (mean lag, last %d keys - first %d keys): %+.3f ms\n", m, m, (last - first) / m }
' "$work/lags.txt"
