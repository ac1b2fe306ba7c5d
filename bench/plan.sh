#!/usr/bin/env bash
# Whole-process speed of `plan` against the raw-read floor, and of `run` (the nightly job,
# drafts by assignee and one file per action) against that `plan`, on generated exports.
#   bash bench/plan.sh [ROWS...]        (default: 100000 1000000)
# Prints two markdown tables: rows, median time, rows/s, ratio to the raw read, peak RSS;
# then rows, plan, run and its ratio to the plan, peak RSS, for each draft layout (and for
# the second night of the default one, on the first night's folder).
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

# The safety limit is for real desks; a generated one resolves thousands a night.
sed 's/^max_resolutions = .*/max_resolutions = 100000000/' rules.toml > "$work/rules.toml"
sed 's/^drafts = .*/drafts = "per_action"/' "$work/rules.toml" > "$work/per_action.toml"
plan_args=(--now 2026-11-23T14:00:00Z plan --within 24h --format ndjson)
run_args=(--now 2026-11-23T14:00:00Z run)
runs_table=""

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

  # run against plan --within 24h, taking turns likewise; a fresh folder each time.
  for layout in by_assignee per_action; do
    rules="$work/rules.toml"; [ "$layout" = per_action ] && rules="$work/per_action.toml"
    : > "$work/p24"; : > "$work/run"
    for _ in $(seq "$runs"); do
      once "$bin/followup" -q --rules "$work/rules.toml" "${plan_args[@]}" "$file" >> "$work/p24"
      rm -rf "$work/out"
      once "$bin/followup" -q --rules "$rules" "${run_args[@]}" "$file" --out "$work/out" >> "$work/run"
    done
    rm -rf "$work/out"
    p24=$(cut -d' ' -f1 "$work/p24" | median)
    run=$(cut -d' ' -f1 "$work/run" | median)
    rss=$(( $(cut -d' ' -f2 "$work/run" | sort -n | tail -1) / 1024 ))
    runs_table+=$(awk -v n="$n" -v l="$layout" -v p="$p24" -v r="$run" -v m="$rss" 'BEGIN {
      printf "| %d | %s | %.2f | %.2f | %.1fx | %d |", n, l, p, r, (p > 0 ? r / p : 0), m }')$'\n'
    # A nightly job always runs on the night before's folder: the second night, whose ledger
    # holds the first night's actions, timed on its own.
    if [ "$layout" = by_assignee ]; then
      : > "$work/run2"
      for _ in $(seq "$runs"); do
        rm -rf "$work/out"
        "$bin/followup" -q --rules "$rules" "${run_args[@]}" "$file" --out "$work/out" > /dev/null
        once "$bin/followup" -q --rules "$rules" --now 2026-11-24T14:00:00Z run "$file" --out "$work/out" >> "$work/run2"
      done
      rm -rf "$work/out"
      run=$(cut -d' ' -f1 "$work/run2" | median)
      rss=$(( $(cut -d' ' -f2 "$work/run2" | sort -n | tail -1) / 1024 ))
      runs_table+=$(awk -v n="$n" -v p="$p24" -v r="$run" -v m="$rss" 'BEGIN {
        printf "| %d | by_assignee, second night | %.2f | %.2f | %.1fx | %d |", n, p, r, (p > 0 ? r / p : 0), m }')$'\n'
    fi
  done
done

echo
echo "| rows | drafts | plan --within 24h (s) | run (s) | ratio | run peak RSS (MB) |"
echo "|---:|---|---:|---:|---:|---:|"
printf "%s" "$runs_table"
