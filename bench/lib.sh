# Shared by the benchmarks: builds the release binary, makes a scratch folder and defines
# `run NAME ARGS…`, which prints the wall time and peak RSS of `preclin ARGS…`.
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
