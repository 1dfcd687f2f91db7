#!/usr/bin/env bash
# Store benchmark of the spine: a synthetic fleet (match_fleet.py, fixed
# seed) of N devices and N/100 models is loaded into each tinykg backend
# (on-disk BerkeleyDB hashes, memory hashes) and into Oxigraph (npm, in
# memory) in the same run; the catalogue and filter queries are timed
# (median of 5) and printed with the ratio tinykg / Oxigraph.
#
#   bash tests/bench/store_bench.sh [N ...]      (default: 1000 10000 100000)
#
# Needs a build (scripts/build.sh) and the npm peers (scripts/setup.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
bench="$build/tests/bench/tinykg_store_bench"
[ -x "$bench" ] || { echo "store_bench: build first (scripts/build.sh)" >&2; exit 1; }
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
queries=(--query "catalogue=$root/ontology/queries/device-catalogue.rq"
         --query "filter=$root/ontology/queries/devices-with-sensors.rq")
printf "%-8s %-10s %12s %12s %14s %14s %10s\n" devices backend triples "load t/s" "catalogue ms" "filter ms" rows
for n in "${sizes[@]}"; do
  m=$(( n / 100 > 10 ? n / 100 : 10 ))
  python3 "$root/tests/bench/match_fleet.py" --devices "$n" --models "$m" --seed 7 "$work/fleet-$n" >/dev/null
  data=("$work/fleet-$n"/*.nt)
  results="$work/results-$n.jsonl"
  "$bench" --backend disk --dir "$work/store-$n" "${queries[@]}" "${data[@]}" > "$results"
  "$bench" --backend memory "${queries[@]}" "${data[@]}" >> "$results"
  node "$root/tests/bench/store_bench.mjs" "${queries[@]}" "${data[@]}" >> "$results"
  python3 - "$n" "$results" <<'PY'
import json, sys
n, path = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for l in open(path)]
by = {}
for r in rows:
    by.setdefault(r["backend"], {})[r.get("query", "load")] = r
ox = by.get("oxigraph", {})
for backend in ("disk", "memory", "oxigraph"):
    b = by.get(backend)
    if not b: continue
    def q(name):
        t = b[name]["median_ms"]
        if backend != "oxigraph" and name in ox:
            return "%8.1f (%5.1fx)" % (t, t / max(ox[name]["median_ms"], 1e-3))
        return "%8.1f" % t
    print("%-8s %-10s %12d %12d %14s %14s %10s" % (n, backend, b["load"]["triples"], b["load"]["triples_per_s"],
          q("catalogue"), q("filter"), "%d/%d" % (b["catalogue"]["rows"], b["filter"]["rows"])))
PY
done
echo "(ratios in parentheses: tinykg time / Oxigraph time on the same data; >1 means Oxigraph is faster)"
