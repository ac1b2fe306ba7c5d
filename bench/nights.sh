#!/usr/bin/env bash
# Sixty nights of `run` in a row on one generated export: does a night's time, memory and
# live ledger stay flat as the nights pile up?
#   bash bench/nights.sh [ROWS] [NIGHTS]      (default: 100000 60)
# Prints a markdown table of nights 1, 5, 30 and the last: time, peak RSS, ledger size,
# and the last night's ratio to the first.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
nights=${2:-60}
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }

cargo build --release --quiet --bin followup --example gen_tickets
bin=target/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin/examples/gen_tickets" --rows "$rows" --seed 7 > "$work/tickets.csv"
# The safety limit is for real desks; a generated one resolves thousands a night.
sed 's/^max_resolutions = .*/max_resolutions = 100000000/' rules.toml > "$work/rules.toml"

echo "| night | date | time (s) | peak RSS (MB) | ledger.tsv (MB) | archive (MB) |"
echo "|---:|---|---:|---:|---:|---:|"
first_t=; first_m=; fifth_l=
for n in $(seq 1 "$nights"); do
  day=$(date -u -d "2026-11-23 + $((n - 1)) days" +%F)
  /usr/bin/time -f "%e %M" -o "$work/t" "$bin/followup" -q --rules "$work/rules.toml" \
    --now "${day}T07:00:00Z" run "$work/tickets.csv" --out "$work/out" || [ $? -le 5 ]
  read -r t m < "$work/t"
  ledger=$(stat -c %s "$work/out/ledger.tsv")
  archive=$(du -sb "$work/out/archive" 2>/dev/null | cut -f1 || echo 0)
  # Only the ledger is carried from night to night; old day folders would fill the disk.
  find "$work/out" -mindepth 1 -maxdepth 1 -type d -name '20*' ! -name "$day" -exec rm -rf {} +
  [ "$n" = 1 ] && { first_t=$t; first_m=$m; }
  [ "$n" = 5 ] && fifth_l=$ledger
  if [ "$n" = 1 ] || [ "$n" = 5 ] || [ "$n" = 30 ] || [ "$n" = "$nights" ]; then
    awk -v n="$n" -v d="$day" -v t="$t" -v m="$m" -v l="$ledger" -v a="$archive" 'BEGIN {
      printf "| %d | %s | %.2f | %d | %.1f | %.1f |\n", n, d, t, m / 1024, l / 1048576, a / 1048576 }'
  fi
done
awk -v t="$t" -v ft="$first_t" -v m="$m" -v fm="$first_m" -v l="$ledger" -v fl="${fifth_l:-$ledger}" 'BEGIN {
  printf "\nnight %d against night 1: %.2fx the time, %.2fx the memory; ledger %.2fx its size after night 5\n",
    '"$nights"', t / ft, m / fm, l / fl }'
