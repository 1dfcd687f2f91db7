#!/usr/bin/env bash
# Installs everything tinykg needs to build and test on Debian 12, as root.
# Safe to run again. Package lists live in scripts/packages/*.txt (one
# package per line, '#' comments) so each module names what it needs;
# test peers from npm are listed in scripts/packages/npm-*.txt and go into
# .peers/ inside the checkout (never used by the product at run time).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

sudo_cmd=""
if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi

mapfile -t debs < <(cat "$here"/packages/deb-*.txt | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing Node.js and npm (test peers only)" >&2
  $sudo_cmd apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

mapfile -t npms < <(cat "$here"/packages/npm-*.txt 2>/dev/null | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
if [ ${#npms[@]} -gt 0 ]; then
  need=0
  for p in "${npms[@]}"; do
    name="${p%@*}"; [ -n "$name" ] || name="$p"
    [ -d "$root/.peers/node_modules/$name" ] || need=1
  done
  if [ $need = 1 ]; then
    echo "setup: installing npm test peers into .peers/: ${npms[*]}" >&2
    mkdir -p "$root/.peers"
    (cd "$root/.peers" && [ -f package.json ] || echo '{"private":true}' > package.json)
    npm install --prefix "$root/.peers" --no-audit --no-fund --loglevel=error "${npms[@]}" >/dev/null
  fi
fi
echo "setup: ok" >&2
