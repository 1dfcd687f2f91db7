#!/usr/bin/env python3
"""Writes N Thing Descriptions for the TD import benchmark: the real plugfest
TDs of the shared corpus (td/valid/real) repeated in turn, each with its own
"id" so each becomes its own graph. Deterministic.

usage: td_corpus.py SHARED_WOT_DIR N OUT_DIR
"""
import json
import pathlib
import sys


def main():
    wot, count, out = pathlib.Path(sys.argv[1]), int(sys.argv[2]), pathlib.Path(sys.argv[3])
    seeds = []
    for f in sorted((wot / "td" / "valid" / "real").rglob("*")):
        # The UNIBO TDs with both "id" and "@id" are not JSON-LD (jsonld.js agrees).
        if not f.is_file() or "UNIBO" in f.name:
            continue
        try:
            text = f.read_text(encoding="utf-8")
            # Mozilla WebThings TDs need `--ignore-context https://webthings.io/schemas`.
            if "webthings.io/schemas" in text:
                continue
            doc = json.loads(text)
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(doc, dict) and "@id" not in doc:
            seeds.append(doc)
    if not seeds:
        sys.exit(f"td_corpus.py: no TDs under {wot}/td/valid/real")
    out.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        doc = dict(seeds[i % len(seeds)])
        doc["id"] = f"urn:example:bench:td:{i}"
        (out / f"td-{i:06d}.jsonld").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"{count} TDs from {len(seeds)} real TDs in {out}")


if __name__ == "__main__":
    main()
