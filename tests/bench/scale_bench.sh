#!/usr/bin/env bash
# Embedded store vs Virtuoso at fleet scale (not part of ctest). For each N:
# the synthetic fleet of tests/bench/match_fleet.py (N devices, N/100 models,
# fixed seed) is loaded with `tinykg load` into the embedded on-disk store
# and into a private Virtuoso (scripts/virtuoso.sh, new database), then the
# same commands are timed on both (median of RUNS runs, default 3, TIMEOUT
# seconds at most each):
# the catalogue and filter queries, match --device, explain, match --model.
# Prints one table, side by side.
# Usage: BUILD_DIR=build tests/bench/scale_bench.sh [N ...]   (default 100000)
#        BACKENDS="virtuoso" to run one backend only.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
tinykg="$build/cli/tinykg"
limit="${TIMEOUT:-600}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000)
vdir="$build/bench/scale-virtuoso"
export TINYKG_VIRTUOSO_SQL_PORT="${TINYKG_VIRTUOSO_SQL_PORT:-11141}"
export TINYKG_VIRTUOSO_HTTP_PORT="${TINYKG_VIRTUOSO_HTTP_PORT:-18941}"
results="$build/bench/scale-results.tsv"
mkdir -p "$build/bench"
: > "$results"
cleanup() { bash "$root/scripts/virtuoso.sh" stop "$vdir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap "exit 130" INT TERM

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# run NAME BACKEND STORE ARGS...: one timed command, RUNS times (default 3;
# the first run may meet a cold page cache), the median into $results.
run() {
  local name="$1" backend="$2" store="$3"; shift 3
  local start rc out ms times=()
  for _ in $(seq 1 "${RUNS:-3}"); do
    start=$(date +%s%N)
    out=$(timeout "$limit" "$tinykg" --store "$store" -q "$@" 2>&1 >/dev/null)
    rc=$?
    ms=$(ms_since "$start")
    if [ $rc = 124 ]; then times=("timeout>${limit}s"); break; fi
    if [ $rc != 0 ]; then times=("error($rc)"); echo "$out" >&2; break; fi
    times+=("$ms")
  done
  if [ ${#times[@]} -gt 1 ]; then
    ms=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (${#times[@]} + 1) / 2 ))p")
  else
    ms="${times[0]}"
  fi
  printf '%s\t%s\t%s\t%s\n' "$N" "$name" "$backend" "$ms" >> "$results"
  echo "  $backend $name: $ms ms (median of ${#times[@]}: ${times[*]})" >&2
}
for N in "${sizes[@]}"; do
  models=$(( N / 100 ))
  work="$build/bench/match-$N-$models"
  mkdir -p "$work"
  [ -f "$work/fleet-devices.nt" ] || python3 "$root/tests/bench/match_fleet.py" --devices "$N" --models "$models" "$work"
  triples=$(( $(wc -l < "$work/fleet-devices.nt") + $(wc -l < "$work/fleet-models.nt") ))
  # The embedded store loads the devices file as it comes, one `tinykg load`
  # of one file (it reads and writes it in parts of 256k triples). Virtuoso's
  # client gathers a document before it writes it, so above 100k devices it
  # gets the file in parts of ~1.1M triples, one `tinykg load` each.
  parts=("$work"/fleet-devices.nt)
  if [ "$N" -gt 100000 ]; then
    mkdir -p "$work/parts"
    [ -f "$work/parts/devices-aa.nt" ] || split -l 1200000 --additional-suffix=.nt "$work/fleet-devices.nt" "$work/parts/devices-"
    parts=("$work"/parts/devices-*.nt)
  fi
  bash "$root/scripts/virtuoso.sh" fresh "$vdir" >/dev/null || exit 3
  vspec="$(bash "$root/scripts/virtuoso.sh" spec "$vdir" | sed 's|/tinykg?|/fleet?|')"
  dstore="$work/scale-store"
  rm -rf "$dstore"
  echo "N=$N devices, $models models, $triples triples" >&2
  for backend in ${BACKENDS:-embedded virtuoso}; do
    store="$dstore"; [ $backend = virtuoso ] && store="$vspec"
    "$tinykg" --store "$store" -q init
    start=$(date +%s%N)
    # Each load runs under a wrapper that reports the peak RSS of the process.
    peak=0
    files=("$work/fleet-devices.nt")
    [ $backend = virtuoso ] && files=("${parts[@]}")
    for part in "$work/fleet-models.nt" "${files[@]}"; do
      rss=$(python3 -c 'import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:]).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if rc == 0 else -1)' "$tinykg" --store "$store" -q load "$part")
      [ "$rss" -ge 0 ] || exit 1
      [ "$rss" -gt "$peak" ] && peak=$rss
    done
    ms=$(ms_since "$start")
    printf '%s\tload (triples/s)\t%s\t%s\n' "$N" "$backend" "$(( triples * 1000 / (ms > 0 ? ms : 1) ))" >> "$results"
    printf '%s\tload: peak RSS of one tinykg load (MB)\t%s\t%s\n' "$N" "$backend" "$(( peak / 1024 ))" >> "$results"
    if [ $backend = embedded ]; then
      printf '%s\tstore on disk (MB)\t%s\t%s\n' "$N" "$backend" "$(( $(du -sk "$store" | cut -f1) / 1024 ))" >> "$results"
      # tinykg compact: index pages rewritten full, free pages dropped.
      RUNS=1 run "compact" $backend "$store" compact
      printf '%s\tstore on disk after compact (MB)\t%s\t%s\n' "$N" "$backend" "$(( $(du -sk "$store" | cut -f1) / 1024 ))" >> "$results"
    fi
    echo "  $backend load: $ms ms, peak RSS $(( peak / 1024 )) MB" >&2
    model_iri="$(printf 'https://w3id.org/tinykg/id/fleet/model/%04d' $(( models / 2 )))"
    device_iri="$(printf 'https://w3id.org/tinykg/id/fleet/device/%06d' $(( N / 2 )))"
    run "catalogue query" $backend "$store" query -f "$root/ontology/queries/device-catalogue.rq" --format csv
    run "filter query" $backend "$store" query -f "$root/ontology/queries/devices-with-sensors.rq" --format csv
    run "match --device" $backend "$store" match --device "$device_iri" --format csv
    run "explain" $backend "$store" explain --model "$model_iri" --device "$device_iri"
    run "match --model" $backend "$store" match --model "$model_iri" --format csv
    if [ "$N" -le 100000 ]; then
      run "match --all (csv, every fitting pair)" $backend "$store" match --all --format csv
    fi
    # A reader while another process holds the write lock (flock -o, as a
    # writing tinykg would): it must answer at once.
    if [ $backend = embedded ]; then
      flock -o "$store/write.lock" sleep 60 & holder=$!
      sleep 0.2
      run "stats while a writer holds the store" $backend "$store" stats
      kill $holder 2>/dev/null; wait $holder 2>/dev/null
    fi
  done
  rm -rf "$dstore"
done

python3 - "$results" <<'PY'
import sys, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    n, name, backend, value = line.rstrip("\n").split("\t")
    rows.setdefault((n, name), {})[backend] = value
print("| devices | measure | embedded (ms) | Virtuoso (ms) |")
print("|---|---|---|---|")
for (n, name), v in rows.items():
    print(f"| {int(n):,} | {name} | {v.get('embedded', '-')} | {v.get('virtuoso', '-')} |")
PY
