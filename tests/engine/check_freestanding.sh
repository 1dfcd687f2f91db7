#!/usr/bin/env bash
# The engine library may only need libm functions and the compiler's memory
# builtins: no heap (operator new, malloc), no exceptions, no iostream/stdio.
# Usage: check_freestanding.sh libtinykg_engine.a
set -euo pipefail
allowed='^(cos|sin|sincos|sincosf|floor|sqrt|sinf|cosf|expf|logf|sqrtf|tanhf|frexp|round|roundf|memset|memcpy|memmove|clock_gettime)$'
# Undefined in some member and defined in none.
defined="$(nm --defined-only "$1" | awk 'NF == 3 { print $3 }' | sort -u)"
undefined="$(nm -u "$1" | awk 'NF == 2 { print $2 }' | sort -u)"
bad="$(comm -23 <(echo "$undefined") <(echo "$defined") | grep -Ev "$allowed" || true)"
if [[ -n "$bad" ]]; then
  echo "engine needs symbols outside the freestanding allowlist:"
  echo "$bad" | c++filt
  exit 1
fi
echo "engine: only libm and memory builtins are needed"
