#!/usr/bin/env bash
# Replays the whole UCI ServiceNow event log (141,712 rows, 356 nights), alone and against a
# second policy: median wall time and peak RSS of RUNS runs.
#   bash bench/replay.sh [LOG.csv.zip]     (default: ../shared/data/real/incident_event_log.csv.zip)
set -euo pipefail
cd "$(dirname "$0")/.."
zip=${1:-../shared/data/real/incident_event_log.csv.zip}
runs=${RUNS:-5}
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
command -v unzip >/dev/null || { echo "needs unzip: apt-get install unzip" >&2; exit 1; }

cargo build --release --quiet --bin followup
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unzip -p "$zip" incident_event_log.csv > "$work/log.csv"
range=(--from 2016-02-29 --to 2017-02-18)

measure() {
  local name=$1; shift
  : > "$work/times"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -a -o "$work/times" target/release/followup -q \
      --rules examples/servicenow-eventlog.toml replay "$work/log.csv" "${range[@]}" "$@" \
      --format json > /dev/null || [ $? -eq 3 ]   # 3: the log's five rows of state -100
  done
  grep -E "^[0-9.]+ [0-9]+$" "$work/times" | sort -n | awk -v n="$name" -v r="$runs" \
    '{t[NR]=$1; m[NR]=$2} END {printf "| %s | %.2f | %.0f |\n", n, t[int((r+1)/2)], m[int((r+1)/2)]/1024}'
}

echo "| replay of the ServiceNow log, 356 nights | time (s) | peak RSS (MB) |"
echo "|---|---:|---:|"
measure "count = 3"
measure "count = 3 --against count = 2" --against examples/servicenow-eventlog-count2.toml
