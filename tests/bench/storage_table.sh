#!/usr/bin/env bash
# Every measure of the storage-engine table (README, "Benchmarks") in one run
# on one machine, one after the other, into one log (not part of ctest; about
# 20-40 minutes on 2 cores, mostly the 1M-device fleet and the peers):
#   1. replace one real TD in stores of 1k / 10k / 100k devices (LMDB on disk,
#      Oxigraph in the same run)                        replace_bench.sh
#   2. the fleet at 100k and 1M devices: load, disk size, compact, catalogue
#      and filter queries, match --device / explain / match --model, the full
#      matrix at 100k, stats while a writer holds the store   scale_bench.sh
#   3. the catalogue and filter queries at 100k against Oxigraph   store_bench.sh
#   4. the server: 10k requests, 4 clients, 10 % writes, on the 100k store of 2.
#                                                             serve_bench.sh
#   5. TD import: 500 / 5,000 TDs converted (jsonld.js in the same run) and
#      imported; 10,000 distinct TDs imported into an initialised store
#                                                             td_bench.sh
# The log starts with the commit, the date and the load average; every part
# prints its own table. Wall times include whatever else the machine runs:
# read the load average lines between the parts.
#   BUILD_DIR=build bash tests/bench/storage_table.sh [LOG]
#   (LOG default: $BUILD_DIR/bench/storage-table.log; SIZES="100000 1000000")
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
tinykg="$build/cli/tinykg"
[ -x "$tinykg" ] || { echo "storage_table: build first ($tinykg missing)" >&2; exit 1; }
log="${1:-$build/bench/storage-table.log}"
read -r -a sizes <<< "${SIZES:-100000 1000000}"
mkdir -p "$build/bench" "$(dirname "$log")"
: > "$log"
say() { echo "$*" | tee -a "$log"; }
part() { say ""; say "== $1 ($(date -u '+%H:%M:%S') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg))"; }
# The commit, read from .git without git (not every machine that runs this has it).
commit=$(python3 - "$root" <<'PY'
import os, sys
git = os.path.join(sys.argv[1], ".git")
try:
    head = open(os.path.join(git, "HEAD")).read().strip()
    if head.startswith("ref: "):
        ref = head[5:]
        path = os.path.join(git, ref)
        if os.path.exists(path):
            head = open(path).read().strip()
        else:
            head = next(l.split()[0] for l in open(os.path.join(git, "packed-refs")) if l.rstrip().endswith(" " + ref))
    print(head[:7])
except (OSError, StopIteration):
    print("unknown")
PY
)
say "storage table: commit $commit, $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores," \
    "$(awk '/MemTotal/ {printf "%d", $2 / 1048576}' /proc/meminfo) GiB"
status=0
export BUILD_DIR="$build"

part "1. replace one TD"
BACKENDS="${REPLACE_BACKENDS:-disk oxigraph}" bash "$root/tests/bench/replace_bench.sh" 1000 10000 100000 \
  2>&1 | tee -a "$log" || status=1

part "2. the fleet: ${sizes[*]} devices (embedded store)"
BACKENDS=embedded bash "$root/tests/bench/scale_bench.sh" "${sizes[@]}" 2>&1 | tee -a "$log" || status=1

part "3. catalogue and filter queries at 100k devices, Oxigraph in the same run"
bash "$root/tests/bench/store_bench.sh" 100000 2>&1 | tee -a "$log" || status=1

part "4. tinykg serve on the 100k-device store"
store="$build/bench/serve-100k"
rm -rf "$store"
"$tinykg" --store "$store" -q init >/dev/null &&
  "$tinykg" --store "$store" -q load "$build/bench/match-100000-1000/fleet-models.nt" \
    "$build/bench/match-100000-1000/fleet-devices.nt" >/dev/null &&
  STORE="$store" WRITE_PERCENT=10 bash "$root/tests/bench/serve_bench.sh" 10000 4 2>&1 | tee -a "$log" || status=1

part "5. TD import"
bash "$root/tests/bench/td_bench.sh" 500 5000 2>&1 | tee -a "$log" || status=1
corpus="$build/bench/td-10000/corpus"
[ -d "$corpus" ] || python3 "$root/tests/bench/td_corpus.py" "$root/../shared/data/wot" 10000 "$corpus" >/dev/null
store="$build/bench/import-10k"
rm -rf "$store"
"$tinykg" --store "$store" -q init >/dev/null
start=$(date +%s%N)
"$tinykg" --store "$store" -q import td "$corpus" >/dev/null || status=1
ms=$(( ($(date +%s%N) - start) / 1000000 ))
say "import 10,000 distinct TDs into an initialised on-disk store: $ms ms wall," \
    "$(( 10000 * 1000 / (ms > 0 ? ms : 1) )) TDs/s"

part "done (status $status)"
exit $status
