#!/usr/bin/env bash
# Installs what tinykg needs on Debian 12, as root (or with sudo). Safe to run
# again.
#   setup.sh           what the build and the `tinykg` command need
#                      (scripts/packages/deb-*.txt): the main job, run.sh
#   setup.sh --tests   that plus the test-only packages (test-*.txt) and the
#                      npm test peers (npm-*.txt, into .peers/ inside the
#                      checkout; never used by the product): test.sh
# Package lists: one package per word, '#' comments, one file per module.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
tests=0
case "${1:-}" in
  --tests) tests=1 ;;
  "") ;;
  *) echo "usage: setup.sh [--tests]" >&2; exit 2 ;;
esac

sudo_cmd=""
if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi

lists=("$here"/packages/deb-*.txt)
if [ $tests = 1 ]; then lists+=("$here"/packages/test-*.txt); fi
mapfile -t debs < <(cat "${lists[@]}" | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
missing=()
for p in "${debs[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then continue; fi
  # A package named after its program (npm, curl) counts as present when that
  # program is installed by another package: NodeSource's nodejs carries npm,
  # and Debian's npm cannot be installed beside it (apt: "held broken packages").
  if prog="$(command -v "$p" 2>/dev/null)" && owner="$(dpkg -S "$(readlink -f "$prog")" 2>/dev/null)"; then
    echo "setup: $p is provided by ${owner%%:*} (${prog}); not installing Debian's $p" >&2
    continue
  fi
  missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ $tests = 1 ]; then
  mapfile -t npms < <(cat "$here"/packages/npm-*.txt 2>/dev/null | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
  need=0
  for p in "${npms[@]}"; do
    name="${p%@*}"; [ -n "$name" ] || name="$p"
    want="${p##*@}"
    have="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$root/.peers/node_modules/$name/package.json" 2>/dev/null || true)"
    [ "$have" = "$want" ] || need=1
  done
  if [ $need = 1 ]; then
    echo "setup: installing npm test peers into .peers/: ${npms[*]}" >&2
    mkdir -p "$root/.peers"
    [ -f "$root/.peers/package.json" ] || echo '{"private":true}' > "$root/.peers/package.json"
    npm install --prefix "$root/.peers" --no-audit --no-fund --loglevel=error "${npms[@]}" >/dev/null
  fi
fi
echo "setup: ok" >&2
