#!/usr/bin/env bash
# Load test of `tinykg serve` on 127.0.0.1: a memory: store preloaded with
# real TDs, then C client processes (default 2) send R requests in total
# (default 10,000) at once, mixed 30 % writes (PUT/PATCH/DELETE of their own
# TDs) and 70 % reads (GET a TD, GET /things page, SPARQL SELECT). Prints
# throughput, p50/p99/max latency, errors (must be 0: exit 1 otherwise) and
# the server's peak RSS (VmHWM).
#
#   bash tests/bench/serve_bench.sh [REQUESTS] [CLIENTS]
#
# Needs a build with the tinykg binary and tests/bench (BUILD_DIR, default build/).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
tinykg="$build/cli/tinykg"
client="$build/tests/bench/tinykg_serve_bench"
for b in "$tinykg" "$client"; do [ -x "$b" ] || { echo "serve_bench: build first ($b missing)" >&2; exit 1; }; done
requests="${1:-10000}"
write_percent="${WRITE_PERCENT:-10}"
preload="${PRELOAD:-20}"
clients="${2:-2}"
data="$root/../shared/data/wot/td/valid/real"
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
trap "exit 130" INT TERM

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# STORE=virtuoso://... runs the same load on Virtuoso (scripts/virtuoso.sh start).
"$tinykg" --quiet --store "${STORE:-memory:}" serve --bind 127.0.0.1 --port "$port" &
server_pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/.well-known/wot" >/dev/null 2>&1 && break
  sleep 0.1
done

# Preload: the first PRELOAD real TDs with an id, so reads see a realistic directory.
td_sample=""
loaded=0
for f in "$data"/*.json*; do
  id="$(python3 -c 'import json,sys
try:
  d=json.load(open(sys.argv[1])); print(d["id"] if isinstance(d.get("id"),str) and "tm:ThingModel" not in json.dumps(d.get("@type","")) else "")
except Exception: print("")' "$f")"
  [ -n "$id" ] || continue
  enc="$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=""))' "$id")"
  code="$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/td+json' \
          --data-binary "@$f" "http://127.0.0.1:$port/things/$enc")"
  if [ "$code" = 201 ] || [ "$code" = 204 ]; then
    loaded=$((loaded + 1))
    [ -n "$td_sample" ] || td_sample="$f"
  fi
  [ "$loaded" -lt "$preload" ] || break
done

per=$(( requests / clients ))
start=$(date +%s.%N)
pids=()
for k in $(seq 1 "$clients"); do
  "$client" --port "$port" --client "$k" --requests "$per" --write-percent "$write_percent" --td "$td_sample" > "$work/client-$k.json" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
end=$(date +%s.%N)
rss_kb="$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")"

STORE_SPEC="${STORE:-memory:}" python3 - "$start" "$end" "$rss_kb" "$loaded" "$write_percent" "$work"/client-*.json <<'PY'
import json, os, sys
start, end, rss_kb, loaded = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
write_percent = int(sys.argv[5])
runs = [json.loads(open(p).read()) for p in sys.argv[6:]]
lat = sorted(l for r in runs for l in r["latencies_us"])
n = len(lat)
errors = sum(r["errors"] for r in runs)
wall = end - start
pct = lambda q: lat[min(n - 1, int(q * n))] / 1000.0
print(f"serve_bench: {len(runs)} clients, {n} requests ({write_percent}% writes), {loaded} TDs preloaded, store {os.environ['STORE_SPEC'].split('?')[0]}")
print(f"  throughput  {n / wall:9.0f} req/s  (wall {wall:.2f} s)")
print(f"  latency ms  p50 {pct(0.50):.2f}  p99 {pct(0.99):.2f}  max {lat[-1] / 1000.0:.2f}")
print(f"  errors      {errors}")
print(f"  server peak RSS {rss_kb / 1024:.1f} MiB")
sys.exit(1 if errors else 0)
PY
