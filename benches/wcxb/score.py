#!/usr/bin/env python3
"""Scores extractions of one WCXB split by page type; prints a Markdown table.

    score.py SPLIT_DIR TIMES OUT.json... [--pages SYSTEM] [--title TEXT]

Word-bag F1 exactly as WCXB's evaluate.py computes it (lower-cased `\\w+`
tokens, multiset overlap, mean over pages; an empty reference scores 1 only
for an empty output). Columns: one per OUT.json (named by its file stem), in
the order given; the last rows give pages/s from TIMES (`<name> <pages>
<seconds>` lines) and gleaner's speed as a multiple of each. With --pages SYSTEM, also lists that system's per-page F1
next to the others' (worst first), for reading failures on the dev split.
--title replaces the table's title (`WCXB <split> split`), for other page sets
in WCXB's layout (benches/readability/run.sh).
"""
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

TYPES = ["article", "forum", "product", "collection", "listing", "documentation", "service"]


def tokens(text):
    return re.findall(r"\w+", (text or "").lower())


def f1(pred, ref):
    p, r = Counter(tokens(pred)), Counter(tokens(ref))
    if not r:
        return 1.0 if not p else 0.0
    if not p:
        return 0.0
    overlap = sum((p & r).values())
    if not overlap:
        return 0.0
    prec, rec = overlap / sum(p.values()), overlap / sum(r.values())
    return 2 * prec * rec / (prec + rec)


def page_type(gt):
    pt = (gt.get("_internal") or {}).get("page_type", {})
    pt = pt.get("primary", "article") if isinstance(pt, dict) else (pt or "article")
    return "collection" if pt == "category" else pt


def main():
    args = sys.argv[1:]
    opts = {}
    for flag in ("--pages", "--title"):
        if flag in args:
            i = args.index(flag)
            opts[flag] = args[i + 1]
            del args[i : i + 2]
    detail = opts.get("--pages")
    split, times_path, outs = Path(args[0]), args[1], args[2:]
    title = opts.get("--title", f"WCXB {split.name} split")
    truth = {}
    for f in sorted((split / "ground-truth").glob("*.json")):
        gt = json.loads(f.read_text())
        truth[f.stem] = (page_type(gt), (gt.get("ground_truth") or {}).get("main_content") or "")
    systems = [Path(o).stem for o in outs]
    scores = {}
    for name, path in zip(systems, outs):
        pred = json.loads(Path(path).read_text())
        scores[name] = {k: f1(pred.get(k, ""), ref) for k, (_, ref) in truth.items()}
    speed = {}
    for line in open(times_path):
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit():
            speed[parts[0]] = int(parts[1]) / float(parts[2])
    by_type = defaultdict(list)
    for k, (t, _) in truth.items():
        by_type[t].append(k)
    print(f"{title}, {len(truth)} pages: mean word-bag F1 per page type\n")
    print("| page type | pages | " + " | ".join(systems) + " |")
    print("|---|---|" + "---|" * len(systems))
    for t in TYPES + sorted(set(by_type) - set(TYPES)):
        keys = by_type.get(t)
        if keys:
            cells = [f"{sum(scores[s][k] for k in keys) / len(keys):.3f}" for s in systems]
            print(f"| {t} | {len(keys)} | " + " | ".join(cells) + " |")
    cells = [f"**{sum(scores[s].values()) / len(truth):.3f}**" for s in systems]
    print(f"| **all** | {len(truth)} | " + " | ".join(cells) + " |")
    cells = [f"{speed[s]:.0f}" if s in speed else "" for s in systems]
    print("| pages/s (one thread) | | " + " | ".join(cells) + " |")
    if "gleaner" in speed:
        cells = [f"{speed['gleaner'] / speed[s]:.1f}×" if s in speed else "" for s in systems]
        print("| gleaner's speed ratio | | " + " | ".join(cells) + " |")
    if detail:
        others = [s for s in systems if s != detail]
        print(f"\npage type F1({detail}) " + " ".join(others))
        for k in sorted(truth, key=lambda k: scores[detail][k]):
            print(k, truth[k][0], f"{scores[detail][k]:.3f}", " ".join(f"{scores[s][k]:.3f}" for s in others))


if __name__ == "__main__":
    main()
