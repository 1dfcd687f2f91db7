#!/usr/bin/env bash
# Compiles every engine source except the platform files for a Cortex-M4F
# with the project's warnings as errors: the engine must stay portable.
# Usage: check_cortex_m.sh ENGINE_SOURCE_DIR ARM_GXX
set -euo pipefail
src="$1"
gxx="$2"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cd "$src"
for f in *.cc kernels/*.cc; do
  "$gxx" -std=c++20 -O2 -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 \
    -fno-exceptions -fno-rtti -Wall -Wextra -Wpedantic -Wshadow -Wcast-align -Werror \
    -Iinclude -I. -c "$f" -o "$out/$(basename "$f").o"
done
echo "engine: $(ls "$out" | wc -l) sources compile for cortex-m4"
