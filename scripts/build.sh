#!/usr/bin/env bash
# Configures and builds tinykg into build/ (override with BUILD_DIR).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${TINYKG_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "${JOBS:-2}"
