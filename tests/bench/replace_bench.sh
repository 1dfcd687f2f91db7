#!/usr/bin/env bash
# Replacing one Thing Description in stores of growing size: the write a
# directory server makes on every PUT. A real plugfest TD (its triples and its
# original text) replaces itself K times in a store holding the synthetic
# fleet (match_fleet.py, fixed seed) of N devices, on tinykg's LMDB engine
# (on disk), on Redland's hashes storage (the format before it) and on
# Oxigraph (npm, in memory: DROP GRAPH + load) in the same run. The cost
# must not grow with the store.
#
#   BUILD_DIR=build bash tests/bench/replace_bench.sh [N ...]   (default 1000 10000 100000)
#   TIMES=200 (writes per store; 10 on hashes), BACKENDS="disk oxigraph" to leave hashes out
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
bench="$build/tests/bench/tinykg_store_bench"
tinykg="$build/cli/tinykg"
[ -x "$bench" ] && [ -x "$tinykg" ] || { echo "replace_bench: build first (scripts/build.sh --tests)" >&2; exit 1; }
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
times="${TIMES:-200}"
backends="${BACKENDS:-disk hashes oxigraph}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
td="$root/../shared/data/wot/td/valid/real/plugfest__2019-tpac-fukuoka__TDs__Oracle__HVAC_TUM.jsonld"
"$tinykg" --store memory: import td --dry-run --format nquads "$td" |
  sed -E 's/ <[^<>]*> \.$/ ./' > "$work/td.nt"
printf "%-8s %-9s %10s %12s %12s %14s\n" devices backend triples "median ms" "p99 ms" "÷ Oxigraph"
for n in "${sizes[@]}"; do
  m=$(( n / 100 > 10 ? n / 100 : 10 ))
  python3 "$root/tests/bench/match_fleet.py" --devices "$n" --models "$m" --seed 7 "$work/fleet-$n" >/dev/null
  data=("$work/fleet-$n"/*.nt)
  results="$work/results-$n.jsonl"
  : > "$results"
  for b in $backends; do
    case $b in
      oxigraph) node "$root/tests/bench/store_bench.mjs" --replace "$work/td.nt" --times "$times" "${data[@]}" >> "$results" ;;
      # Each write on hashes costs seconds at 100k devices: 10 of them say enough.
      hashes) "$bench" --backend hashes --dir "$work/store-$n-$b" --replace "$work/td.nt" --times 10 "${data[@]}" >> "$results" ;;
      *) "$bench" --backend "$b" --dir "$work/store-$n-$b" --replace "$work/td.nt" --times "$times" "${data[@]}" >> "$results" ;;
    esac
  done
  python3 - "$n" "$results" <<'PY'
import json, sys
n, path = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for l in open(path)]
load = {r["backend"]: r["triples"] for r in rows if r["event"] == "load"}
rep = {r["backend"]: r for r in rows if r["event"] == "replace"}
ox = rep.get("oxigraph")
for b, r in rep.items():
    ratio = "%13.2fx" % (r["median_ms"] / max(ox["median_ms"], 1e-6)) if ox and b != "oxigraph" else "%14s" % "-"
    print("%-8s %-9s %10d %12.3f %12.3f %s" % (n, b, load.get(b, 0), r["median_ms"], r["p99_ms"], ratio))
PY
done
echo "(a TD of $(wc -l < "$work/td.nt") triples and its JSON text replaced $times times per store; ratio = tinykg median / Oxigraph median)"
