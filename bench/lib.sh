# Shared by the benchmarks: builds the release binary, makes a scratch folder and defines
# `run NAME ARGS…`, which prints the wall time and peak RSS of `preclin ARGS…`, and
# `ten_groups FILE`, the generated 1,000,000-row table of the compare benchmarks.
# Sourced, not run: `source "$(dirname "$0")/lib.sh"`.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release --quiet
bin=target/release/preclin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

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
  printf '%-46s wall %6.3f s   peak RSS %s KiB\n' "$name" "$(echo "$end - $start" | bc)" "$rss_kib"
}

# ten_groups FILE: 1,000,000 rows `animal,group,immobility_s` in 10 groups (G00 … G09,
# means 150 + 2g, SD 30), from a fixed seed.
ten_groups() {
  awk 'BEGIN {
    srand(20261121); print "animal,group,immobility_s";
    for (i = 0; i < 1000000; i++) {
      g = i % 10; u1 = rand(); u2 = rand(); if (u1 < 1e-12) u1 = 1e-12;
      z = sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
      printf "A%07d,G%02d,%.2f\n", i, g, 150 + 2 * g + 30 * z
    }
  }' > "$1"
}
