#!/usr/bin/env python3
"""Scores gleaner's cleaned documents against make_corpus.py's labels.

    python score.py LABELS.jsonl DATASET_DIR [--name NAME] [--json] [--show N]

DATASET_DIR is a `gleaner run --output` directory; its documents table is
read with pyarrow. Documents are matched by JSONL `id`, else by the file
name of `source` (the .txt corpus). Every labelled line is looked up in the
document's text lines as a multiset (a line planted twice must be there
twice), so a line is kept or lost whole, as the clean stage decides.

Figures (per cent):
- emptied: documents with prose whose text came out empty;
- lost >10 %: documents that lost more than a tenth of their prose words;
- prose recall: prose words kept / prose words (all documents);
- boilerplate removed: planted site lines gone / planted site lines;
- table rows / list items kept: planted rows kept / planted rows;
- dateline/byline out of text: those lines gone;
- published / author filled: correct value / documents with one planted
  (published compared by day, author exactly).

--show N prints to stderr the N most common planted site lines that were
kept, prose lines that were lost, and wrong published / author values.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq


def read_docs(dataset: Path) -> dict[str, dict]:
    parts = sorted(dataset.glob("documents/run=*/part-*.parquet"))
    if not parts:
        raise SystemExit(f"score: no documents table under {dataset}")
    docs = {}
    for part in parts:
        t = pq.read_table(part, columns=["id", "source", "text", "published", "author"]).to_pylist()
        for row in t:
            key = row["id"] or Path(row["source"]).stem
            docs[key] = row
    return docs


def score(labels_path: Path, dataset: Path, misses: dict | None = None) -> dict:
    docs = read_docs(dataset)
    misses = misses if misses is not None else {}
    for k in ("boiler kept", "prose lost", "published wrong", "author wrong"):
        misses.setdefault(k, Counter())
    n = emptied = lost10 = missing = with_prose = 0
    words = Counter()
    kept_words = Counter()
    lines = Counter()
    kept_lines = Counter()
    meta = Counter()
    for row in map(json.loads, open(labels_path, encoding="utf-8")):
        doc = docs.get(row["id"])
        if doc is None:
            missing += 1
            continue
        n += 1
        out = Counter(l.strip() for l in doc["text"].splitlines() if l.strip())
        prose_total = prose_kept = 0
        for kind, text in row["lines"]:
            w = len(text.split())
            kept = out[text] > 0
            if kept:
                out[text] -= 1
            lines[kind] += 1
            kept_lines[kind] += kept
            words[kind] += w
            kept_words[kind] += w * kept
            if kind == "prose":
                prose_total += w
                prose_kept += w * kept
                if not kept:
                    misses["prose lost"][text[:120]] += 1
            elif kind == "boiler" and kept:
                misses["boiler kept"][text] += 1
        if prose_total:
            with_prose += 1
            emptied += not doc["text"].strip()
            lost10 += prose_kept < 0.9 * prose_total
        exp = row["expect"]
        if "published" in exp:
            meta["published"] += 1
            got = doc["published"]
            if isinstance(got, dt.datetime) and got.date().isoformat() == exp["published"]:
                meta["published_ok"] += 1
            else:
                dl = [t for k, t in row["lines"] if k == "dateline"]
                misses["published wrong"][f"{dl[:1]} -> {got}"] += 1
        if "author" in exp:
            meta["author"] += 1
            meta["author_ok"] += (doc["author"] or "") == exp["author"]
            if (doc["author"] or "") != exp["author"]:
                bl = [t for k, t in row["lines"] if k == "byline"]
                misses["author wrong"][f"{bl[:1]} -> {doc['author']}"] += 1
    pct = lambda a, b: round(100.0 * a / b, 2) if b else None
    return {
        "documents": n,
        "missing": missing,
        "emptied_pct": pct(emptied, with_prose),
        "lost_gt10_pct": pct(lost10, with_prose),
        "prose_word_recall": pct(kept_words["prose"], words["prose"]),
        "boilerplate_removed": pct(lines["boiler"] - kept_lines["boiler"], lines["boiler"]),
        "table_row_recall": pct(kept_lines["table"], lines["table"]),
        "list_item_recall": pct(kept_lines["list"], lines["list"]),
        "dateline_byline_removed": pct(
            lines["dateline"] + lines["byline"] - kept_lines["dateline"] - kept_lines["byline"],
            lines["dateline"] + lines["byline"]),
        "published_filled": pct(meta["published_ok"], meta["published"]),
        "author_filled": pct(meta["author_ok"], meta["author"]),
    }


COLUMNS = [
    ("emptied_pct", "emptied %"), ("lost_gt10_pct", "lost>10% %"),
    ("prose_word_recall", "prose recall"), ("boilerplate_removed", "boiler removed"),
    ("table_row_recall", "table rows"), ("list_item_recall", "list items"),
    ("dateline_byline_removed", "date/byline out"), ("published_filled", "published"),
    ("author_filled", "author"),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("labels", type=Path)
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--name", default="")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show", type=int, default=0, help="most common misses to print")
    args = ap.parse_args()
    misses: dict = {}
    s = score(args.labels, args.dataset, misses)
    if args.show:
        for what, counts in misses.items():
            print(f"## {args.name}: {what} ({sum(counts.values())})", file=sys.stderr)
            for text, n in counts.most_common(args.show):
                print(f"{n:6d}  {text}", file=sys.stderr)
    if args.json:
        print(json.dumps({"name": args.name, **s}))
        return
    cells = " | ".join(f"{s[k] if s[k] is not None else '-'}" for k, _ in COLUMNS)
    print(f"| {args.name} | {s['documents']} | {cells} |")


if __name__ == "__main__":
    main()
