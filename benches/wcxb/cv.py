#!/usr/bin/env python3
"""Cross-validated WCXB figures for gleaner's extraction settings.

    cv.py AEB_BINARY SPLIT_DIR WORK_DIR [PEER.json...]

Runs gleaner's extraction (`aeb wcxb`, one pass per setting) over a grid of
`GLEANER_EXTRACT` settings around the defaults, scores every page with the
WCXB word-bag F1 (score.py), then reports two held-out figures:

- **leave one page type out**: for each type, the setting is chosen on the
  other six types only and scored on the held-out type;
- **by site, 5 folds**: pages grouped by host (every page of a site in one
  fold), the setting chosen on four folds and scored on the fifth.

A figure tuned on the pages it is reported on is optimistic; these are the
honest ones for the settings. The extraction's rules themselves (which tags
are landmarks, which classes are boilerplate) were written reading dev
failures, so the final figure for them is the test split, run once
(`run.sh test`). PEER.json outputs (trafilatura's from run.sh) are shown
beside, scored on the same pages.
"""
import hashlib
import itertools
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).parent))
import score  # noqa: E402

# Settings searched: the defaults' neighbours on the knobs that decide how
# much of a page is taken (the ones page types disagree on).
GRID = {
    "page_cover": ["0", "0.6", "0.8"],
    "cover_ld": ["0.2", "0.5"],
    "main_cover": ["0", "0.5"],
}


def run(binary, split, work, spec):
    out = work / f"cv-{hashlib.sha1(spec.encode()).hexdigest()[:10]}.json"
    if not out.exists():
        env = dict(os.environ, GLEANER_EXTRACT=spec, AEB_RUNS="1")
        subprocess.run(
            [binary, "wcxb", str(split), str(out), "plain"],
            env=env, check=True, stdout=subprocess.DEVNULL,
        )
    return json.loads(out.read_text())


def mean(xs):
    xs = list(xs)
    return sum(xs) / len(xs) if xs else float("nan")


def main():
    binary, split, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    peers = [Path(p) for p in sys.argv[4:]]
    work.mkdir(parents=True, exist_ok=True)
    truth, ptype, fold = {}, {}, {}
    for f in sorted((split / "ground-truth").glob("*.json")):
        gt = json.loads(f.read_text())
        truth[f.stem] = (gt.get("ground_truth") or {}).get("main_content") or ""
        ptype[f.stem] = score.page_type(gt)
        host = urlparse(gt.get("url") or "").netloc.lower().removeprefix("www.")
        fold[f.stem] = int(hashlib.sha1(host.encode()).hexdigest(), 16) % 5
    keys = list(truth)
    specs = [
        ",".join(f"{k}={v}" for k, v in zip(GRID, values))
        for values in itertools.product(*GRID.values())
    ]
    specs.insert(0, "")  # the defaults
    f1 = {}
    for i, spec in enumerate(specs):
        out = run(binary, split, work, spec)
        f1[spec] = {k: score.f1(out.get(k, ""), truth[k]) for k in keys}
        print(f"cv: {i + 1}/{len(specs)} {spec or 'defaults'}", file=sys.stderr)

    def held_out(group):
        """Per page: its F1 under the setting chosen without its group."""
        best_for = {}
        result = {}
        for k in keys:
            g = group[k]
            if g not in best_for:
                train = [j for j in keys if group[j] != g]
                best_for[g] = max(specs, key=lambda s: (mean(f1[s][j] for j in train), s == ""))
            result[k] = f1[best_for[g]][k]
        return result, best_for

    by_type, chosen_type = held_out(ptype)
    by_site, _ = held_out(fold)
    peer_f1 = {}
    for p in peers:
        out = json.loads(p.read_text())
        peer_f1[p.stem] = {k: score.f1(out.get(k, ""), truth[k]) for k in keys}
    tuned = max(specs, key=lambda s: mean(f1[s].values()))

    names = ["defaults (dev)", "leave type out", "by site (5 folds)"] + list(peer_f1)
    print(f"WCXB {split.name} split, {len(keys)} pages: gleaner's settings cross-validated\n")
    print("| page type | pages | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    types = score.TYPES + sorted(set(ptype.values()) - set(score.TYPES))
    for t in types + ["all"]:
        ks = [k for k in keys if t == "all" or ptype[k] == t]
        if not ks:
            continue
        cols = [f1[""], by_type, by_site] + list(peer_f1.values())
        cells = [f"{mean(c[k] for k in ks):.3f}" for c in cols]
        label = "**all**" if t == "all" else t
        print(f"| {label} | {len(ks)} | " + " | ".join(cells) + " |")
    print(f"\nsettings searched: {len(specs)}; best on all of dev: `{tuned or 'defaults'}` "
          f"({mean(f1[tuned].values()):.3f}); chosen without each type:")
    for t in types:
        if t in chosen_type:
            print(f"- {t}: `{chosen_type[t] or 'defaults'}`")


if __name__ == "__main__":
    main()
