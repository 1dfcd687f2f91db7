#!/usr/bin/env bash
# Makes docs/report.png, the README's picture of the matchmaking report: the
# shipped graph plus one emulator run (`train --on emulator` on the Arduino
# Nano 33 BLE with the UCI occupancy data), rendered by headless Chromium at
# 1280 px wide and scaled to 50 % so the file stays small.
# Usage: scripts/report-screenshot.sh   (BUILD_DIR=build, SHARED_DATA=../shared/data)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tinykg="${TINYKG:-${BUILD_DIR:-$root/build}/cli/tinykg}"
data="${SHARED_DATA:-$root/../shared/data}/datasets/occupancy"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
store="$tmp/store"
"$tinykg" --store "$store" -q init
"$tinykg" --store "$store" -q train --on emulator --device Arduino-Nano-BLE-33_1 --data "$data/datatraining.txt" \
  --eval "$data/datatest.txt" --label Occupancy --steps 200 >/dev/null
mkdir -p "$root/docs"
"$tinykg" --store "$store" -q report --format html -o "$tmp/report.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$tmp/profile" \
  --force-device-scale-factor=0.5 --window-size=1280,3300 --screenshot="$root/docs/report.png" \
  "file://$tmp/report.html" >/dev/null 2>&1
echo "tinykg: wrote docs/report.png ($(wc -c <"$root/docs/report.png") bytes)" >&2
