#!/usr/bin/env bash
# Sets up, builds and runs every test (the README's second command).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh" --tests
bash "$root/scripts/build.sh" --tests
cd "${BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "${JOBS:-2}" --timeout 900 "$@"
