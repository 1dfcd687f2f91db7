#!/usr/bin/env bash
# Fleet matchmaking benchmark (not part of ctest): N devices x M models
# (tests/bench/match_fleet.py, deterministic seed) in the embedded on-disk
# store, timing `tinykg match --model`, `match --device`, `explain` and the
# full matrix (`match --all`), then the same named queries with the same
# bindings on Oxigraph (tests/bench/match_bench.mjs), printed as ratios.
# Targets (issue 5): match --model/--device <= 50 ms, matrix <= 10 s.
# Usage: tests/bench/match_bench.sh [DEVICES] [MODELS]   (TIMEOUT=s per command)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
devices="${1:-100000}"
models="${2:-1000}"
build="${BUILD_DIR:-$root/build}"
tinykg="$build/cli/tinykg"
work="$build/bench/match-$devices-$models"
limit="${TIMEOUT:-600}"
mkdir -p "$work"
[ -f "$work/fleet-devices.nt" ] || python3 "$root/tests/bench/match_fleet.py" --devices "$devices" --models "$models" "$work"
if [ ! -d "$work/store" ]; then
  start=$(date +%s.%N)
  "$tinykg" --store "$work/store" -q init
  "$tinykg" --store "$work/store" -q load "$work/fleet-devices.nt" "$work/fleet-models.nt"
  echo "load: $(echo "$(date +%s.%N) - $start" | bc) s for $devices devices + $models models"
fi
model_iri="https://w3id.org/tinykg/id/fleet/model/0047"
device_iri="https://w3id.org/tinykg/id/fleet/device/000123"
declare -A ours
timed() {  # name, args...
  local name="$1"; shift
  local start end
  start=$(date +%s%N)
  if timeout "$limit" "$tinykg" --store "$work/store" -q "$@" >/dev/null 2>&1; then
    end=$(date +%s%N)
    ours[$name]=$(( (end - start) / 1000000 ))
  else
    ours[$name]="timeout>${limit}000"
  fi
  echo "tinykg  $name: ${ours[$name]} ms"
}
timed "match --device" match --device "$device_iri" --format csv
timed "explain" explain --model "$model_iri" --device "$device_iri"
timed "match --model" match --model "$model_iri" --format csv
timed "matrix" match --all --format csv
# The model's first sensor and needs, for the same candidate query on Oxigraph.
read -r sensor ram flash < <(grep -F "<$model_iri>" "$work/fleet-models.nt" | awk '
  /inputSensor/ && !s {s=$3} /ramNeedBytes/ {split($3,a,"\""); r=a[2]} /flashNeedBytes/ {split($3,b,"\""); f=b[2]}
  END {gsub(/[<>]/,"",s); print s, r, f}')
node "$root/tests/bench/match_bench.mjs" "$model_iri" "$device_iri" "$sensor" "$ram" "$flash" \
  "$root/ontology/tinykg.ttl" "$root/kg/cores.ttl" "$root/kg/runtimes.ttl" \
  "$work/fleet-devices.nt" "$work/fleet-models.nt" | tee "$work/oxigraph.jsonl"
echo "ratios (tinykg / oxigraph):"
python3 - "$work/oxigraph.jsonl" "match --device=${ours[match --device]}" "match --model=${ours[match --model]}" "matrix=${ours[matrix]}" <<'PY'
import json, sys
ox = {j["op"]: j["ms"] for j in map(json.loads, open(sys.argv[1]))}
for arg in sys.argv[2:]:
    op, ms = arg.split("=")
    o = ox.get(op)
    if ms.startswith("timeout"):
        print(f"  {op}: tinykg {ms} ms (timed out), oxigraph {o:.1f} ms")
    else:
        print(f"  {op}: tinykg {int(ms)} ms, oxigraph {o:.1f} ms, ratio {int(ms) / max(o, 0.001):.1f}x")
PY
