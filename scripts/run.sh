#!/usr/bin/env bash
# The main job (the README's first command): install what is needed, build,
# load the ontology and the shipped knowledge graph into the default embedded
# store (./.tinykg, or $TINYKG_STORE), and print a matchmaking report.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh" >/dev/null
tinykg="${BUILD_DIR:-$root/build}/cli/tinykg"
cd "$root"
"$tinykg" init
if "$tinykg" report --help >/dev/null 2>&1; then
  "$tinykg" report --format md
else
  echo "## Devices in the shipped knowledge graph"
  "$tinykg" query -f ontology/queries/device-catalogue.rq
  echo
  echo "## Devices with an accelerometer and a gyroscope, >= 100 kB free RAM and >= 300 kB free flash"
  "$tinykg" query -f ontology/queries/devices-with-sensors.rq
fi
