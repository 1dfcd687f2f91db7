#!/usr/bin/env bash
# TD import benchmark (not part of ctest): Thing Descriptions per second,
# tinykg against jsonld.js toRDF + N3 writing N-Quads (npm peers), on the same
# corpus in the same run.
#   - conversion: `tinykg import td --dry-run --format nquads DIR` (read,
#     JSON Schema + TD checks, JSON-LD 1.1 toRdf, N-Quads) vs td_bench.mjs
#     (toRDF + N-Quads; jsonld.js validates nothing);
#   - import: `tinykg import td DIR` into a fresh on-disk store and into
#     memory: (one transaction for the whole batch).
# The corpus is the real plugfest TDs of ../shared/data/wot repeated with
# distinct ids (tests/bench/td_corpus.py). Several sizes show whether import
# time grows linearly.
# Usage: tests/bench/td_bench.sh [N ...]     (default: 500 5000)
# The ratio is jsonld.js time / tinykg time on the same corpus (tinykg timed
# as a whole process, start-up and schema loading included; jsonld.js inside
# node, start-up excluded).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
tinykg="$build/cli/tinykg"
shared="${TINYKG_SHARED_DATA:-$root/../shared/data}"
[ -x "$tinykg" ] || { echo "td_bench: build first ($tinykg missing)" >&2; exit 1; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(500 5000)
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
printf '%-6s | %-28s | %8s | %9s | %s\n' "TDs" "what" "ms" "TDs/s" "ratio"
for n in "${sizes[@]}"; do
  work="$build/bench/td-$n"
  rm -rf "$work"
  python3 "$root/tests/bench/td_corpus.py" "$shared/wot" "$n" "$work/corpus" >/dev/null
  rate() { python3 -c "print(f'{$1 * 1000 / max($2, 1):.0f}')"; }
  t=$(date +%s%N)
  "$tinykg" -q import td --dry-run --format nquads "$work/corpus" > "$work/tinykg.nq"
  ours=$(ms_since "$t")
  peer_json=$(node "$root/tests/bench/td_bench.mjs" "$root/ontology/contexts" "$work/corpus" "$work/peer.nq")
  peer=$(python3 -c "import json,sys; print(round(json.loads(sys.argv[1])['ms']))" "$peer_json")
  ratio=$(python3 -c "print(f'{$peer / max($ours, 1):.2f}x jsonld.js speed')")
  printf '%-6s | %-28s | %8s | %9s | %s\n' "$n" "tinykg toRdf (validating)" "$ours" "$(rate "$n" "$ours")" "$ratio"
  printf '%-6s | %-28s | %8s | %9s |\n' "$n" "jsonld.js toRDF + N3" "$peer" "$(rate "$n" "$peer")"
  for store in disk memory; do
    spec="$work/store"
    [ "$store" = memory ] && spec="memory:"
    t=$(date +%s%N)
    "$tinykg" --store "$spec" -q import td "$work/corpus" > /dev/null
    took=$(ms_since "$t")
    printf '%-6s | %-28s | %8s | %9s |\n' "$n" "tinykg import ($store store)" "$took" "$(rate "$n" "$took")"
  done
  echo "       quads: tinykg $(wc -l < "$work/tinykg.nq"), jsonld.js $(wc -l < "$work/peer.nq")"
done
