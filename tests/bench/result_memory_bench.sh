#!/usr/bin/env bash
# Memory of one large SPARQL answer in `tinykg serve`, with the result bounds
# and without the byte bound (the peer: the same server, --max-result-bytes 0).
# Loads the shipped knowledge graph into a fresh on-disk store, then for each
# server sends one query whose result stays inside the row bound (1,000,000
# rows of up to 4 columns) but not inside 256 MiB of values:
#
#   SELECT ?a ?b ?c ?t WHERE { ?a ?b ?c . ?d a ?t } LIMIT 999999
#
# and prints the HTTP status, the time, the answer's size and the server's
# peak RSS (VmHWM), then the ratio of the peaks. A fresh server per query:
# the peak is that one request's.
#
#   bash tests/bench/result_memory_bench.sh
#
# Needs a build with the tinykg binary (BUILD_DIR, default build/) and curl.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tinykg="${BUILD_DIR:-$root/build}/cli/tinykg"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
port="${PORT:-18777}"
query='SELECT ?a ?b ?c ?t WHERE { ?a ?b ?c . ?d a ?t } LIMIT 999999'

(cd "$root" && "$tinykg" --store "$work/store" -q init)

# run LABEL SERVE_FLAGS...: prints "LABEL status seconds bytes peak_kb"
run() {
  local label="$1"
  shift
  "$tinykg" --store "$work/store" serve --port "$port" "$@" > "$work/serve.log" 2>&1 &
  local pid=$!
  for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$port/things?limit=1" && break
    sleep 0.1
  done
  local answer
  answer="$(curl -s -o "$work/body" -w '%{http_code} %{time_total} %{size_download}' -G \
    --data-urlencode "query=$query" -H 'Accept: application/sparql-results+json' \
    "http://127.0.0.1:$port/search/sparql")"
  local peak
  peak="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  echo "$label $answer $peak"
}

bounded="$(run bounded)"
unbounded="$(run unbounded --max-result-bytes 0)"
printf '%-10s %6s %9s %12s %12s\n' server status seconds answer_bytes peak_rss_kb
for line in "$bounded" "$unbounded"; do
  # shellcheck disable=SC2086
  printf '%-10s %6s %9s %12s %12s\n' $line
done
awk -v a="$(echo "$bounded" | awk '{print $5}')" -v b="$(echo "$unbounded" | awk '{print $5}')" \
  'BEGIN { printf "peak RSS bounded / unbounded: %.2f\n", a / b }'
