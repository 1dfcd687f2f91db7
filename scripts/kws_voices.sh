#!/usr/bin/env bash
# Synthesizes keyword-spotting speakers with espeak-ng into a folder in the
# Speech Commands layout (OUT/WORD/SPEAKER_nohash_TAKE.wav, 16 kHz 16-bit
# mono, 1 s), which `tinykg train --data OUT` reads; real Speech Commands
# has the same layout.
#   kws_voices.sh OUT [SPEAKERS] [TAKES]
# SPEAKERS (1-56, default 16) speakers are espeak-ng English voices with a
# voice variant (m1..m7, f1..f5): speaker i is voice i mod 7 with variant
# i div 7. Each speaker says every keyword (red green blue seven) TAKES times
# (1-20, default 8) and one "unknown" word per take (cat dog house tree bird
# happy wow bed, in turn). Take t varies speed (130-190 words/min), pitch
# (20-80), the start of the word (50-200 ms) and background noise (none,
# white noise at -36 dBFS, pink noise at -30 dBFS, against speech normalised
# to a -3 dBFS peak). Deterministic: the same arguments give the same files
# (sox -R). Bounded: at most 56 x 20 x 5 = 5,600 clips. Runs again only when
# OUT/.kws_voices does not record the same arguments.
set -euo pipefail
out="${1:?usage: kws_voices.sh OUT [SPEAKERS] [TAKES]}"
speakers="${2:-16}"
takes="${3:-8}"
if ! [[ "$speakers" =~ ^[0-9]+$ ]] || [[ $speakers -lt 1 || $speakers -gt 56 ]]; then
  echo "kws_voices.sh: SPEAKERS must be 1-56, got '$speakers'" >&2; exit 2
fi
if ! [[ "$takes" =~ ^[0-9]+$ ]] || [[ $takes -lt 1 || $takes -gt 20 ]]; then
  echo "kws_voices.sh: TAKES must be 1-20, got '$takes'" >&2; exit 2
fi
for program in espeak-ng sox; do
  command -v "$program" >/dev/null || { echo "kws_voices.sh: $program is not installed (scripts/setup.sh --tests)" >&2; exit 1; }
done
stamp="v1 speakers=$speakers takes=$takes"
if [[ -f "$out/.kws_voices" && "$(cat "$out/.kws_voices")" == "$stamp" ]]; then exit 0; fi
rm -rf "$out"
mkdir -p "$out"
voices=("en-us" "en-gb" "en-gb-scotland" "en-gb-x-rp" "en-029" "en-gb-x-gbclan" "en-gb-x-gbcwmd")
variants=("m1" "f1" "m3" "f3" "m5" "f5" "m7" "f2")
keywords=("red" "green" "blue" "seven")
unknown=("cat" "dog" "house" "tree" "bird" "happy" "wow" "bed")
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
say() {  # voice word speed pitch start noise dest
  local raw="$tmp/raw.wav" speech="$tmp/speech.wav" noise="$tmp/noise.wav"
  espeak-ng -v "$1" -s "$3" -p "$4" -w "$raw" "$2"
  # -V1: pad's "input too short" warning is expected (the word is shorter than 1 s).
  sox -V1 -R "$raw" -r 16000 -b 16 -c 1 "$speech" norm -3 pad "$5" 0 pad 0 1 trim 0 1
  if [[ "$6" == "none" ]]; then
    cp "$speech" "$7"
  else
    local level=0.0158
    if [[ "$6" == "pink" ]]; then level=0.0316; fi
    sox -V1 -R -n -r 16000 -b 16 -c 1 "$noise" synth 1 "${6}noise" vol "$level"
    sox -V1 -R -m -v 1 "$speech" -v 1 "$noise" -b 16 "$7"
  fi
}
noises=("none" "white" "pink")
i=0
while [[ $i -lt $speakers ]]; do
  voice="${voices[i % 7]}+${variants[i / 7]}"
  name="${voices[i % 7]}-${variants[i / 7]}"
  t=0
  while [[ $t -lt $takes ]]; do
    speed=$((130 + 20 * ((t + i) % 4)))
    pitch=$((20 + 15 * ((3 * t + i) % 5)))
    start="0.$(printf '%02d' $((5 + 5 * ((t + 2 * i) % 4))))"
    noise="${noises[(t + i) % 3]}"
    for word in "${keywords[@]}" "${unknown[(t + i) % 8]}"; do
      mkdir -p "$out/$word"
      say "$voice" "$word" "$speed" "$pitch" "$start" "$noise" "$out/$word/${name}_nohash_$t.wav"
    done
    t=$((t + 1))
  done
  i=$((i + 1))
done
echo "$stamp" > "$out/.kws_voices"
