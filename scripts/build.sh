#!/usr/bin/env bash
# Configures and builds tinykg into build/ (override with BUILD_DIR).
#   build.sh           the library and the `tinykg` command (the main job)
#   build.sh --tests   that plus the test suites and benchmarks
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
tests=OFF
case "${1:-}" in
  --tests) tests=ON ;;
  "") ;;
  *) echo "usage: build.sh [--tests]" >&2; exit 2 ;;
esac
# A folder configured with the tests keeps them (run.sh after test.sh must
# not drop the test binaries of the same folder).
if [ $tests = OFF ] && grep -q '^TINYKG_BUILD_TESTS:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  tests=ON
fi
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTINYKG_BUILD_TESTS=$tests \
  ${TINYKG_CMAKE_ARGS:-} >/dev/null
if [ $tests = ON ]; then
  cmake --build "$build" -j "${JOBS:-2}"
else
  cmake --build "$build" -j "${JOBS:-2}" --target tinykg
fi
