#!/usr/bin/env bash
# Runs the shipped queries on tinykg and on Oxigraph over the same data (the
# ontology, the shipped graph and the published SeLoC-ML devices) and
# compares the answers. Usage: oxigraph_diff.sh TINYKG SOURCE_DIR SHARED_DATA
set -euo pipefail
tinykg="$1"; src="$2"; data="$3"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
if [ ! -d "$src/.peers/node_modules/oxigraph" ]; then
  echo "oxigraph_diff: npm peer 'oxigraph' missing; run scripts/setup.sh" >&2
  exit 1
fi
export TINYKG_STORE="$work/store"
# On the TINYKG_TEST_STORE server (ctest -L virtuoso), in a store of its own.
if [ -n "${TINYKG_TEST_STORE:-}" ]; then
  TINYKG_STORE="$(echo "$TINYKG_TEST_STORE" | sed -E "s|^(virtuoso://[^/?]*)[^?]*|\1/oxigraph-diff-$$|")"
fi
"$tinykg" -q init
"$tinykg" -q load "$data"/seloc-ml/schema/*.ttl "$data"/seloc-ml/devices/*.ttl
"$tinykg" export --format nquads --inferred > "$work/data.nq"
mkdir -p "$work/results"
for q in "$src"/ontology/queries/*.rq; do
  "$tinykg" -q query -f "$q" --format json > "$work/results/$(basename "$q" .rq).srj"
done
TINYKG_PEERS="$src/.peers/node_modules" node "$src/tests/rdf/oxigraph_diff.mjs" "$work/data.nq" "$work/results" "$src"/ontology/queries/*.rq
