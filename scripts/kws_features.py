#!/usr/bin/env python3
"""Writes MLPerf Tiny KWS MFCC rows (49 x 10 = 490 columns m0..m489, then
`label`) for clips of a Speech Commands-layout folder, for runs that take CSV
rows such as `tinykg train --on emulator --model kws_ref_model.tflite`; with
--pcm the clips' raw 16-bit samples instead (16000 columns s0..s15999, the
clip cut or zero-padded at its end to 1 s), for the run whose device
computes the MFCC itself (`train --on emulator --frontend mfcc`).

    kws_features.py DIR OUT.csv --speakers S1,S2 [--keywords red,green,blue,seven] [--per-class N] [--pcm]

Labels: the keywords in order, then `unknown` for every other word folder
(as `tinykg train --data DIR`). The MFCC is the float64 NumPy reference of
tests/train/mfcc_reference.py (within 3.2e-5 of the engine's); the first
N clips per class and speaker are taken, in file-name order."""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "train"))
import mfcc_reference  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("out")
    ap.add_argument("--speakers", required=True)
    ap.add_argument("--keywords", default="red,green,blue,seven")
    ap.add_argument("--per-class", type=int, default=5)
    ap.add_argument("--pcm", action="store_true")
    a = ap.parse_args()
    keywords = a.keywords.split(",")
    speakers = a.speakers.split(",")
    rows = []
    for word in sorted(os.listdir(a.folder)):
        path = os.path.join(a.folder, word)
        if word.startswith("_") or word.startswith(".") or not os.path.isdir(path):
            continue
        label = keywords.index(word) if word in keywords else len(keywords)
        for name in sorted(os.listdir(path)):
            speaker = name.split("_nohash_")[0]
            if name.endswith(".wav") and speaker in speakers:
                rows.append((speakers.index(speaker), label, os.path.join(path, name)))
    taken = {}
    with open(a.out, "w") as f:
        columns = ["s%d" % i for i in range(16000)] if a.pcm else ["m%d" % i for i in range(490)]
        f.write(",".join(columns) + ",label\n")
        for speaker, label, file in sorted(rows):
            if taken.get((speaker, label), 0) >= a.per_class:
                continue
            taken[(speaker, label)] = taken.get((speaker, label), 0) + 1
            clip = mfcc_reference.read_clip(file)
            if a.pcm:
                clip = mfcc_reference.np.pad(clip[:16000], (0, max(0, 16000 - len(clip))))
                f.write(",".join("%d" % v for v in clip) + ",%d\n" % label)
                continue
            features = mfcc_reference.mfcc(clip).reshape(-1)
            f.write(",".join("%.6f" % v for v in features) + ",%d\n" % label)
    if not taken:
        sys.exit("kws_features.py: no clips of speakers %s in %s" % (a.speakers, a.folder))


if __name__ == "__main__":
    main()
