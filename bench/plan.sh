#!/usr/bin/env bash
# Whole-process speed of `plan` against the raw-read floor, on generated exports.
#   bash bench/plan.sh [ROWS...]        (default: 100000 1000000)
# Prints a markdown table: rows, median time, rows/s, ratio to the raw read, peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }

cargo build --release --quiet --bin followup --example gen_tickets --example raw_read
bin=target/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One timed run: wall time (s) and peak RSS (KB).
once() {
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" > /dev/null
  cat "$work/t"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "| rows | plan (s) | rows/s | raw read (s) | ratio | peak RSS (MB) |"
echo "|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  file="$work/tickets-$n.csv"
  "$bin/examples/gen_tickets" --rows "$n" --seed 7 > "$file"
  # The raw read and the plan take turns, so that a slower spell of a shared machine
  # weighs on both alike; medians of each, and the largest peak RSS of the plan.
  : > "$work/raw"; : > "$work/plan"
  for _ in $(seq "$runs"); do
    once "$bin/examples/raw_read" "$file" >> "$work/raw"
    once "$bin/followup" --rules rules.toml --now 2026-11-23T14:00:00Z plan "$file" --format ndjson >> "$work/plan"
  done
  raw=$(cut -d' ' -f1 "$work/raw" | median)
  plan=$(cut -d' ' -f1 "$work/plan" | median)
  rss=$(( $(cut -d' ' -f2 "$work/plan" | sort -n | tail -1) / 1024 ))
  awk -v n="$n" -v p="$plan" -v r="$raw" -v m="$rss" 'BEGIN {
    printf "| %d | %.2f | %.0f | %.2f | %.1fx | %d |\n", n, p, (p > 0 ? n / p : 0), r, (r > 0 ? p / r : 0), m }'
done
