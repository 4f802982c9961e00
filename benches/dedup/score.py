#!/usr/bin/env python3
"""Scores predicted duplicate clusters against the generator's labels.

    python score.py LABELS.tsv PRED.tsv [--exclude-edits excerpt[,...]] [--json]
    python score.py --self-test

LABELS.tsv is tools/dedup_corpus.rs's labels.tsv (id, cluster, edit, rate);
PRED.tsv has a header and columns id, cluster (any naming). A labelled doc
absent from PRED is a singleton; predicted ids that are not labelled are
ignored (and counted).

Metrics:
- pair precision / recall / F1: the pairs are all unordered pairs of docs in
  one cluster, truth versus prediction. They are counted from the
  contingency table with n*(n-1)/2 per cell, never enumerated, so a
  prediction that lumps everything together is still cheap to score.
  Precision is 1 when nothing is predicted as a pair (nothing wrong was
  said), recall is 1 when the truth has no pairs.
- ARI: Hubert & Arabie's adjusted Rand index over the same table.
- recall per edit type: a planted doc counts as found when it is in the same
  predicted cluster as its original.
- false merges per negative type (labels with a `related` column): a
  negative is its own cluster, so it is falsely merged when its predicted
  cluster holds any other document (its related original, another page of
  its template, or anything else).
`--exclude-edits` drops docs of those edit types from truth and prediction
alike (e.g. excerpt, which a Jaccard-only tool cannot find by design).

Pure standard library; `score(labels_path, pred_path, exclude)` returns the
same numbers as a dict for bench.py.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
from collections import Counter


def c2(n: int) -> int:
    return n * (n - 1) // 2


NEGATIVES = ("shared_paragraphs", "template")


def read_labels(path: str) -> dict[str, tuple[str, str]]:
    """id -> (cluster, edit)."""
    return {d: (c, e) for d, (c, e, _) in read_labels_related(path).items()}


def read_labels_related(path: str) -> dict[str, tuple[str, str, str]]:
    """id -> (cluster, edit, related); related is empty except for negatives."""
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            out[row["id"]] = (row["cluster"], row["edit"], row.get("related") or "")
    return out


def false_merges(
    labels: dict[str, tuple[str, str, str]], pred: dict[str, str]
) -> dict[str, tuple[int, int]]:
    """negative type -> (falsely merged, total)."""
    pcl = {d: ("p", pred[d]) if d in pred else ("s", d) for d in labels}
    sizes = Counter(pcl.values())
    out: dict[str, list[int]] = {}
    for d, (_, edit, _) in labels.items():
        if edit not in NEGATIVES:
            continue
        hit = out.setdefault(edit, [0, 0])
        hit[0] += sizes[pcl[d]] > 1
        hit[1] += 1
    return {e: (h[0], h[1]) for e, h in sorted(out.items())}


def read_pred(path: str) -> dict[str, str]:
    """id -> predicted cluster name."""
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            out[row["id"]] = row["cluster"]
    return out


def score_maps(
    labels: dict[str, tuple[str, str]],
    pred: dict[str, str],
    exclude: set[str] | frozenset[str] = frozenset(),
) -> dict:
    docs = [d for d, (_, edit) in labels.items() if edit not in exclude]
    unlabelled = sum(1 for d in pred if d not in labels)
    # A doc the prediction does not mention is a singleton of its own.
    pcl = {d: ("p", pred[d]) if d in pred else ("s", d) for d in docs}
    cells = Counter((labels[d][0], pcl[d]) for d in docs)
    truth_sizes = Counter(labels[d][0] for d in docs)
    pred_sizes = Counter(pcl[d] for d in docs)
    tp = sum(c2(n) for n in cells.values())
    truth_pairs = sum(c2(n) for n in truth_sizes.values())
    pred_pairs = sum(c2(n) for n in pred_sizes.values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / truth_pairs if truth_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    total = c2(len(docs))
    expected = truth_pairs * pred_pairs / total if total else 0.0
    max_index = (truth_pairs + pred_pairs) / 2
    ari = (tp - expected) / (max_index - expected) if max_index != expected else 1.0

    by_edit: dict[str, list[int]] = {}
    for d in docs:
        cluster, edit = labels[d]
        if edit == "original" or edit in NEGATIVES:
            continue
        found = cluster in pcl and pcl[d] == pcl[cluster]
        hit = by_edit.setdefault(edit, [0, 0])
        hit[0] += found
        hit[1] += 1
    return {
        "docs": len(docs),
        "unlabelled_predictions": unlabelled,
        "excluded_edits": sorted(exclude),
        "truth_pairs": truth_pairs,
        "pred_pairs": pred_pairs,
        "true_pairs": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "ari": ari,
        "recall_by_edit": {e: h[0] / h[1] for e, h in sorted(by_edit.items())},
        "planted_by_edit": {e: h[1] for e, h in sorted(by_edit.items())},
    }


def by_rate(
    labels_path: str, pred_path: str, edit: str = "word_edits", step: float = 0.01, top: float = 0.12
) -> list[dict]:
    """Recall and false merges of the `edit` copies (every copy when the
    labels have none of that edit), by their rate in bins of `step` up to
    `top`: a copy is found when it is in its original's predicted cluster,
    and falsely merged when its predicted cluster holds a document of
    another true cluster."""
    rows = []
    with open(labels_path, newline="", encoding="utf-8") as f:
        labels = {r["id"]: (r["cluster"], r["edit"], float(r["rate"])) for r in csv.DictReader(f, delimiter="\t")}
    pred = read_pred(pred_path)
    pcl = {d: ("p", pred[d]) if d in pred else ("s", d) for d in labels}
    truths: dict[tuple, set] = {}
    for d, (cluster, _, _) in labels.items():
        truths.setdefault(pcl[d], set()).add(cluster)
    if not any(e == edit for _, e, _ in labels.values()):
        copies = {e for c, e, _ in labels.values()} - {"original", *NEGATIVES}
    else:
        copies = {edit}
    n_bins = round(top / step)
    bins = [[0, 0, 0] for _ in range(n_bins)]
    for d, (cluster, e, rate) in labels.items():
        if e not in copies:
            continue
        k = min(int(rate / step), n_bins - 1)
        bins[k][0] += 1
        bins[k][1] += pcl[d] == pcl.get(cluster)
        bins[k][2] += len(truths[pcl[d]]) > 1
    for k, (n, found, merged) in enumerate(bins):
        rows.append({
            "from": k * step,
            "to": (k + 1) * step,
            "n": n,
            "recall": found / n if n else float("nan"),
            "false_merge": merged / n if n else float("nan"),
        })
    return rows


def score(labels_path: str, pred_path: str, exclude=()) -> dict:
    labels = read_labels_related(labels_path)
    pred = read_pred(pred_path)
    r = score_maps({d: (c, e) for d, (c, e, _) in labels.items()}, pred, frozenset(exclude))
    merges = false_merges(labels, pred)
    r["false_merge_by_negative"] = {e: m / n for e, (m, n) in merges.items()}
    r["negatives"] = {e: n for e, (_, n) in merges.items()}
    return r


def format_result(r: dict) -> str:
    lines = [
        f"docs {r['docs']}"
        + (f" (excluding {','.join(r['excluded_edits'])})" if r["excluded_edits"] else ""),
        f"pairs: truth {r['truth_pairs']}  predicted {r['pred_pairs']}  correct {r['true_pairs']}",
        f"precision {r['precision']:.4f}  recall {r['recall']:.4f}  F1 {r['f1']:.4f}  ARI {r['ari']:.4f}",
        "recall by edit: "
        + "  ".join(
            f"{e} {v:.3f} (n={r['planted_by_edit'][e]})" for e, v in r["recall_by_edit"].items()
        ),
    ]
    if r.get("false_merge_by_negative"):
        lines.append(
            "false merges: "
            + "  ".join(
                f"{e} {v:.3f} (n={r['negatives'][e]})"
                for e, v in r["false_merge_by_negative"].items()
            )
        )
    if r["unlabelled_predictions"]:
        lines.append(f"warning: {r['unlabelled_predictions']} predicted ids are not in the labels")
    return "\n".join(lines)


def self_test() -> None:
    """A 6-doc example worked out by hand.

    truth: {a, b(exact), c(substitute)}, {d, e(excerpt)}, {f}
    pred:  {a, b}, {c}, {d, e, f}
    cells: {a,b}=2 {c}=1 {d,e}=2 {f}=1 -> correct pairs 1+0+1+0 = 2
    truth pairs 3+1+0 = 4, predicted pairs 1+0+3 = 4
    P = 2/4, R = 2/4, F1 = 0.5
    ARI: C(6,2) = 15, expected = 4*4/15 = 16/15, max = (4+4)/2 = 4
         (2 - 16/15) / (4 - 16/15) = (14/15) / (44/15) = 7/22
    recall by edit: exact 1 (b with a), substitute 0 (c alone), excerpt 1
    without excerpt (e dropped): truth {a,b,c},{d},{f}; pred {a,b},{c},{d,f}
         correct 1, truth 3, predicted 2 -> P 1/2, R 1/3, F1 0.4
         C(5,2) = 10, expected 3*2/10 = 0.6, max 2.5 -> ARI 0.4/1.9 = 4/19
    """
    labels = {
        "a": ("a", "original"),
        "b": ("a", "exact"),
        "c": ("a", "substitute"),
        "d": ("d", "original"),
        "e": ("d", "excerpt"),
        "f": ("f", "original"),
    }
    # c is missing from the prediction: a singleton.
    pred = {"a": "x", "b": "x", "d": "y", "e": "y", "f": "y", "zz": "q"}
    with tempfile.TemporaryDirectory() as tmp:
        lp, pp = os.path.join(tmp, "labels.tsv"), os.path.join(tmp, "pred.tsv")
        with open(lp, "w") as f:
            f.write("id\tcluster\tedit\trate\n")
            f.writelines(f"{d}\t{c}\t{e}\t0\n" for d, (c, e) in labels.items())
        with open(pp, "w") as f:
            f.write("id\tcluster\n")
            f.writelines(f"{d}\t{c}\n" for d, c in pred.items())
        r = score(lp, pp)
        x = score(lp, pp, ["excerpt"])

    passed = 0

    def close(a, b):
        nonlocal passed
        assert abs(a - b) < 1e-12, (a, b)
        passed += 1

    def same(a, b):
        nonlocal passed
        assert a == b, (a, b)
        passed += 1

    close(r["precision"], 0.5)
    close(r["recall"], 0.5)
    close(r["f1"], 0.5)
    close(r["ari"], 7 / 22)
    same((r["truth_pairs"], r["pred_pairs"], r["true_pairs"]), (4, 4, 2))
    same(r["recall_by_edit"], {"exact": 1.0, "excerpt": 1.0, "substitute": 0.0})
    same(r["unlabelled_predictions"], 1)
    close(x["precision"], 0.5)
    close(x["recall"], 1 / 3)
    close(x["f1"], 0.4)
    close(x["ari"], 4 / 19)
    same(sorted(x["recall_by_edit"]), ["exact", "substitute"])
    # Perfect and all-in-one predictions.
    perfect = score_maps(labels, {d: c for d, (c, _) in labels.items()})
    close(perfect["f1"], 1.0)
    close(perfect["ari"], 1.0)
    lumped = score_maps(labels, {d: "one" for d in labels})
    close(lumped["recall"], 1.0)
    close(lumped["precision"], 4 / 15)
    close(lumped["ari"], 0.0)
    # Negatives: n1 shares paragraphs with a and is merged with it, n2 with
    # d and stays apart; t1, t2, t3 wear template tpl-0, t1 and t2 merged.
    rel = {d: (c, e, "") for d, (c, e) in labels.items()}
    rel.update({
        "n1": ("n1", "shared_paragraphs", "a"),
        "n2": ("n2", "shared_paragraphs", "d"),
        "t1": ("t1", "template", "tpl-0"),
        "t2": ("t2", "template", "tpl-0"),
        "t3": ("t3", "template", "tpl-0"),
    })
    fm = false_merges(rel, {**pred, "n1": "x", "n2": "z", "t1": "t", "t2": "t", "t3": "u"})
    same(fm, {"shared_paragraphs": (1, 2), "template": (2, 3)})
    print(f"score.py self-test: {passed} passed, 0 failed")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("labels", nargs="?")
    ap.add_argument("pred", nargs="?")
    ap.add_argument("--exclude-edits", default="", help="comma-separated edit types to leave out")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args(argv)
    if a.self_test:
        self_test()
        return 0
    if not a.labels or not a.pred:
        ap.error("LABELS and PRED are required")
    exclude = [e for e in a.exclude_edits.split(",") if e]
    r = score(a.labels, a.pred, exclude)
    print(json.dumps(r, indent=2) if a.json else format_result(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
