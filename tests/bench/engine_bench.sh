#!/usr/bin/env bash
# Engine training speed vs NumPy on the same steps, in one run:
#   bash tests/bench/engine_bench.sh            (uses $BUILD_DIR or ./build)
# Prints steps/s for both and the ratio engine / NumPy (> 1: engine faster).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" >/dev/null
cmake --build "$build" --target engine_bench -j "${JOBS:-2}" >/dev/null
engine="$("$build/tests/bench/engine_bench")"
# Debian python3-numpy lives with the system interpreter.
numpy="$("${PYTHON:-/usr/bin/python3}" "$root/tests/bench/engine_bench.py")"
printf '%-22s %14s %14s %8s\n' case engine_steps/s numpy_steps/s ratio
join <(sort <<<"$engine") <(sort <<<"$numpy") |
  awk '{ printf "%-22s %14.1f %14.1f %8.2f\n", $1, $2, $3, $2 / $3 }'
