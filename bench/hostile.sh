#!/usr/bin/env bash
# Time and peak memory of `plan`, `drafts` and `run` on hostile files: giant lines and
# fields, sparse files, a quote left open, deep JSON, a template that loops or explodes.
#   bash bench/hostile.sh
# Prints a markdown table: file, command, exit code, seconds, peak RSS (MB). Each must end
# within a minute and 300 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
cargo build --release --quiet --bin followup
bin=$PWD/target/release/followup
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

header="id,status,opened_at,subject,awaiting_since"
row="H1,Pending,2026-11-10T10:00:00Z,ok,2026-11-18T10:00:00Z"
# Sparse: holes read as NUL bytes and take no room on disk.
truncate -s 2G nul-line.csv
{ echo "$header"; echo "$row"; } > tail-line.csv && truncate -s 2G tail-line.csv
{ echo "$header"; head -c 200000000 /dev/zero | tr '\0' 'x'; echo; echo "$row"; } > x-line.csv
{ echo "$header"; printf 'H2,Pending,2026-11-10T10:00:00Z,"'; head -c 200000000 /dev/zero | tr '\0' 'y'; echo; echo "$row"; } > open-quote.csv
{ echo "$header"; printf 'H2,Pending,2026-11-10T10:00:00Z,'; head -c 3000000 /dev/zero | tr '\0' 'z'; echo ",2026-11-18T10:00:00Z"; echo "$row"; } > big-field.csv
{ printf '['; head -c 50000000 /dev/zero | tr '\0' '['; } > deep.json
{ printf '[{"id": "J1", "status": "Pending", "opened_at": "2026-11-10T10:00:00Z", "subject": "'; head -c 200000000 /dev/zero | tr '\0' 'j'; printf '"}, {"id": "J2", "status": "Pending", "opened_at": "2026-11-10T10:00:00Z", "attempts": 1e400}]'; } > big.json
{ echo "$header"; echo "$row"; } > small.csv
cp "$OLDPWD/rules.toml" rules.toml
cat "$OLDPWD/rules.toml" > loop.toml
printf '\n[templates.strike]\nbody = "{%% for i in range(100000000000) %%}x{%% endfor %%}"\n' >> loop.toml
cat "$OLDPWD/rules.toml" > explode.toml
printf '\n[templates.strike]\nbody = "{%% set s = namespace(v=\\"xxxxxxxxxx\\") %%}{%% for i in range(60) %%}{%% set s.v = s.v ~ s.v %%}{%% endfor %%}{{ s.v }}"\n' >> explode.toml

echo "| file | command | exit | s | peak MB |"
echo "|---|---|---:|---:|---:|"
once() {
  local file=$1 rules=$2; shift 2
  local code=0
  /usr/bin/time -f "%e %M" -o t "$bin" --rules "$rules" --now 2026-11-23T14:00:00Z "$@" > /dev/null 2> err || code=$?
  read -r s kb < <(tail -1 t)
  echo "| $file | ${1} | $code | $s | $((kb / 1024)) |"
}
for f in nul-line.csv tail-line.csv x-line.csv open-quote.csv big-field.csv deep.json big.json; do
  once "$f" rules.toml plan "$f"
  rm -rf d o
  once "$f" rules.toml drafts --out d "$f"
  once "$f" rules.toml run --out o "$f"
done
for r in loop.toml explode.toml; do
  rm -rf d o
  once "small.csv ($r)" "$r" drafts --out d small.csv
  once "small.csv ($r)" "$r" run --out o small.csv
done
