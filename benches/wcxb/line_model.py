#!/usr/bin/env python3
"""Trains and cross-validates the HTML line model on WCXB dev.

    line_model.py SPLIT_DIR LINES.jsonl [--write MODEL.json] [--trees N] [--depth D]

LINES.jsonl comes from `aeb wcxb-lines SPLIT_DIR LINES.jsonl`: every
rendered line of every page with its features, among them the rule
extractor's choice (`selected`). Each line is labelled content when at least
half of its words occur in the page's ground truth; lines are weighted by
their word count (the score is a word-bag F1).

Prints the page-mean word-bag F1 per page type for: the rules alone
(selected lines), the label oracle (the best any line chooser can do on
these lines), and the model cross-validated two ways:
- by site, 5 folds (every page of a host in one fold, as cv.py);
- leave one page type out.
The threshold is chosen inside each training fold. With --write, fits
on every page and writes the trees as JSON for `src/stages/read/article`.
"""
import argparse
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

sys.path.insert(0, str(Path(__file__).parent))
import score  # noqa: E402


def site(url):
    return urlparse(url or "").netloc.lower().removeprefix("www.")


def load(split, lines_path, aeb=None):
    """WCXB pages (and, given `aeb=(AEB_DIR, LINES)`, AEB's articles as a
    page type of their own, ids prefixed `aeb:`)."""
    truth, host = {}, {}
    for f in sorted((Path(split) / "ground-truth").glob("*.json")):
        gt = json.loads(f.read_text())
        truth[f.stem] = (score.page_type(gt), (gt.get("ground_truth") or {}).get("main_content") or "")
        host[f.stem] = site(gt.get("url"))
    sources = [("", lines_path)]
    if aeb:
        for pid, gt in json.loads((Path(aeb[0]) / "ground-truth.json").read_text()).items():
            truth["aeb:" + pid] = ("aeb", gt.get("articleBody") or "")
            host["aeb:" + pid] = site(gt.get("url"))
        sources.append(("aeb:", aeb[1]))
    pages = []
    for prefix, path in sources:
        with open(path) as fh:
            names = json.loads(fh.readline())["features"]
            for row in fh:
                p = json.loads(row)
                p["page"] = prefix + p["page"]
                if p["page"] in truth:
                    pages.append(p)
    return names, truth, host, pages


def label(lines, ref):
    """Content when the line is a line of the ground truth (short lines) or
    at least half its word trigrams occur in it: a bag of words would call
    "Home" or "Share this" content whenever the article uses the word."""
    seq = score.tokens(ref)
    tri = {tuple(seq[i:i + 3]) for i in range(len(seq) - 2)}
    gt_lines = {tuple(score.tokens(l)) for l in ref.splitlines()}
    gt_lines.discard(())
    ys, ws = [], []
    for text, _ in lines:
        t = score.tokens(text)
        ws.append(max(len(t), 1))
        if not t:
            ys.append(0)
        elif tuple(t) in gt_lines:
            ys.append(1)
        elif len(t) >= 3:
            grams = [tuple(t[i:i + 3]) for i in range(len(t) - 2)]
            ys.append(1 if sum(g in tri for g in grams) * 2 >= len(grams) else 0)
        else:
            ys.append(0)
    return ys, ws


def predict(m, X):
    return m.predict_proba(X)[:, 1] if len(X) else np.zeros(0)


def keep_lines(X, pr, th, keep_th):
    """A line the rules chose stays unless the model is fairly sure it is
    not content (`keep_th`); any other line needs `th`."""
    if not len(X):
        return np.zeros(0, dtype=bool)
    return np.where(X[:, 0] > 0, pr >= keep_th, pr >= th)


def page_f1(lines, keep, ref):
    return score.f1("\n".join(t for (t, _), k in zip(lines, keep) if k), ref)


def table(names_scores, types, truth):
    extra = " WCXB |" if "aeb" in types else ""
    out = ["| system | " + " | ".join(types) + " | all |" + extra, "|---" * (len(types) + 2 + bool(extra)) + "|"]
    for name, s in names_scores:
        by = defaultdict(list)
        for pid, v in s.items():
            by[truth[pid][0]].append(v)
        cells = [f"{np.mean(by[t]):.3f}" if by[t] else "-" for t in types]
        wcxb = f" {np.mean([v for pid, v in s.items() if not pid.startswith('aeb:')]):.3f} |" if extra else ""
        out.append(f"| {name} | " + " | ".join(cells) + f" | {np.mean(list(s.values())):.3f} |" + wcxb)
    return "\n".join(out)


def fit(X, y, w, args):
    m = HistGradientBoostingClassifier(
        max_iter=args.trees, max_depth=args.depth, learning_rate=args.lr,
        max_leaf_nodes=2 ** args.depth, early_stopping=False, random_state=0)
    m.fit(X, y, sample_weight=w)
    return m


def best_threshold(m, pages_tr, data, truth, keep_th):
    best = (-1, 0.5)
    probs = {p["page"]: predict(m, data[p["page"]][0]) for p in pages_tr}
    for th in np.arange(0.2, 0.81, 0.05):
        s = np.mean([page_f1(p["lines"], keep_lines(data[p["page"]][0], probs[p["page"]], th, keep_th),
                             truth[p["page"]][1]) for p in pages_tr])
        if s > best[0]:
            best = (s, th)
    return best[1]


OOF = {}
TYPES = list(score.TYPES)


def says_article(X, names):
    """The page's metadata calls it an article: the rules, made for
    articles, decide alone (`PageKind::says_article`). JSON-LD naming the
    page a list, a forum thread or a product outweighs og:type=article,
    often a site's default on every page."""
    if len(X) == 0:
        return False
    f = {n: X[0, names.index(n)] > 0 for n in ("og_article", "ld_article", "ld_list", "ld_forum", "ld_product")}
    other = f["ld_list"] or f["ld_forum"] or f["ld_product"]
    return f["ld_article"] or (f["og_article"] and not other)


def cross_validate(pages, data, truth, folds, args):
    scores = {}
    for k in sorted(set(folds.values())):
        tr = [p for p in pages if folds[p["page"]] != k]
        te = [p for p in pages if folds[p["page"]] == k]
        X = np.vstack([data[p["page"]][0] for p in tr])
        y = np.concatenate([data[p["page"]][1] for p in tr])
        w = np.concatenate([data[p["page"]][2] for p in tr])
        m = fit(X, y, w, args)
        th = best_threshold(m, tr, data, truth, args.keep_threshold) if args.tune else 0.5
        for p in te:
            pr = predict(m, data[p["page"]][0])
            if args.gate and data[p["page"]][3]:
                pr = data[p["page"]][0][:, 0]
            OOF[p["page"]] = pr.tolist()
            keep = keep_lines(data[p["page"]][0], pr, th, args.keep_threshold)
            scores[p["page"]] = page_f1(p["lines"], keep, truth[p["page"]][1])
        print(f"  fold {k}: {len(te)} pages, threshold {th:.2f}", file=sys.stderr)
    return scores


def export(m, names, th, keep_th):
    """The fitted trees as plain arrays: a node goes left when its feature
    is <= its threshold; a leaf (feature -1) adds its value to the raw
    score, which starts at `init`; content when sigmoid(raw) >= threshold."""
    trees = []
    for (pred,) in m._predictors:
        nd = pred.nodes
        trees.append({
            "feature": [int(f) if not leaf else -1 for f, leaf in zip(nd["feature_idx"], nd["is_leaf"])],
            "threshold": [float(t) for t in nd["num_threshold"]],
            "left": [int(x) for x in nd["left"]],
            "right": [int(x) for x in nd["right"]],
            "value": [float(v) for v in nd["value"]],
        })
    init = float(np.ravel(m._baseline_prediction)[0])
    return {"features": names, "init": init, "threshold": float(th),
            "keep_threshold": keep_th, "trees": trees}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("split")
    ap.add_argument("lines")
    ap.add_argument("--write")
    ap.add_argument("--trees", type=int, default=150)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--tune", action="store_true", help="choose the threshold in each training fold")
    ap.add_argument("--no-cv", action="store_true")
    ap.add_argument("--keep-threshold", type=float, default=0.3,
                    help="probability a line the rules chose needs to stay")
    ap.add_argument("--gate", action="store_true",
                    help="pages whose metadata says article keep the rules' lines (trained on all the same)")
    ap.add_argument("--aeb", nargs=2, metavar=("AEB_DIR", "LINES"),
                    help="also train on (and score) AEB's articles")
    ap.add_argument("--oof", help="write the by-site out-of-fold probabilities here")
    ap.add_argument("--page-weight", action="store_true", help="weigh each page alike")
    ap.add_argument("--drop", default="",
                    help="comma-separated features to hide from the model (set to 0), to measure what they add")
    args = ap.parse_args()
    names, truth, host, pages = load(args.split, args.lines, args.aeb)
    TYPES[:] = score.TYPES + (["aeb"] if args.aeb else [])
    data = {}
    for p in pages:
        X = np.array([f for _, f in p["lines"]], dtype=np.float32).reshape(-1, len(names))
        for name in filter(None, args.drop.split(",")):
            X[:, names.index(name)] = 0.0
        y, w = label(p["lines"], truth[p["page"]][1])
        w = np.array(w, dtype=np.float64)
        if args.page_weight:
            # Every page counts alike, as in the page-mean F1.
            w = w / max(w.sum(), 1.0) * 100.0
        data[p["page"]] = (X, np.array(y), w, says_article(X, names))
    sel = names.index("selected")
    rules = {p["page"]: page_f1(p["lines"], data[p["page"]][0][:, sel] > 0, truth[p["page"]][1]) for p in pages}
    oracle = {p["page"]: page_f1(p["lines"], data[p["page"]][1] > 0, truth[p["page"]][1]) for p in pages}
    rows = [("rules (selected lines)", rules), ("label oracle", oracle)]
    if not args.no_cv:
        by_site = {p["page"]: int(hashlib.sha1(host[p["page"]].encode()).hexdigest(), 16) % 5 for p in pages}
        rows.append(("model, 5 folds by site", cross_validate(pages, data, truth, by_site, args)))
        print(table(rows, TYPES, truth), flush=True)
        if args.oof:
            Path(args.oof).write_text(json.dumps(OOF))
        by_type = {p["page"]: truth[p["page"]][0] for p in pages}
        rows.append(("model, leave one type out", cross_validate(pages, data, truth, by_type, args)))
    print(table(rows, TYPES, truth))
    if args.write:
        fit_pages = pages
        X = np.vstack([data[p["page"]][0] for p in fit_pages])
        y = np.concatenate([data[p["page"]][1] for p in fit_pages])
        w = np.concatenate([data[p["page"]][2] for p in fit_pages])
        m = fit(X, y, w, args)
        th = best_threshold(m, fit_pages, data, truth, args.keep_threshold) if args.tune else 0.5
        Path(args.write).write_text(json.dumps(export(m, names, th, args.keep_threshold)))
        print(f"wrote {args.write} ({args.trees} trees, threshold {th:.2f})", file=sys.stderr)


if __name__ == "__main__":
    main()
