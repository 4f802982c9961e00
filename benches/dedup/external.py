#!/usr/bin/env python3
"""The dedup benchmark's corpus of externally labelled near-duplicates
(benches/dedup/external.sh fetches the sources and calls this).

    external.py convert --overproof DIR --icdar DIR --clough DIR --out WORK
    external.py report WORK

`convert` builds WORK/corpus/part-{overproof,icdar2017,clough}.jsonl (id,
title, text), WORK/labels.tsv (what benches/dedup/score.py and bench.py
read) and WORK/gold_pairs.tsv from three externally made sets of real
near-duplicates:

- overproof (Evershed & Fitch 2014; datasets 2 and 3: 159 Sydney Morning
  Herald articles 1842-1954 from Trove, 49 Chronicling America articles
  1871-1921): each article as raw ABBYY OCR and as the human-corrected
  "ground truth" -> one gold pair per article (the overProof machine
  correction, the third column, is left out).
  --overproof: the directory holding dataset2/ and dataset3/ (each with
  rawTextAndHumanCorrectionAndOverproofCorrectionTriples/allArticles.txt).
- icdar2017 (ICDAR 2017 post-OCR correction competition, evaluation 2M
  set): each document's raw OCR (OCR_toInput) and its gold standard
  (GS_aligned with the alignment fillers @ removed) -> one gold pair.
  --icdar: ICDAR2017_datasetPostOCR_Evaluation_2M_v1.2 (eng_monograph/,
  eng_periodical/, fr_monograph/, fr_periodical/).
- clough (Clough & Stevenson 2011, corpus of plagiarised short answers,
  as redistributed in Udacity's plagiarism project): per task the Wikipedia
  source plus answers written as cut (near copy), light or heavy revision;
  'non' answers were written independently on the same topic and are
  negatives (each its own cluster).
  --clough: the directory holding file_information.csv, orig_task?.txt and
  the answers.

labels.tsv: id, cluster, edit, rate, related, set, words
  edit: original | ocr | cut | light | heavy | non
  rate: share of the original's words the copy does not keep in order
  related: for a 'non' answer, its task's source
  words: word count (\\w+)

score.py counts only shared_paragraphs and template as negatives, so in
bench.py's recall by edit 'non' is trivially 1.000 (its own cluster) and it
has no false-merge line. `report` prints, for every tool of bench.py's
last run (WORK/results.json, WORK/runs/TOOL/pred.tsv), pair precision /
recall / F1 per set and the share of 'non' answers that sit in a
predicted cluster with anything else. Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import re
import sys
from collections import Counter
from pathlib import Path

WORD = re.compile(r"\w+")
SETS = ("overproof", "icdar2017", "clough")
TRIPLES = "rawTextAndHumanCorrectionAndOverproofCorrectionTriples/allArticles.txt"


def lost_share(original: str, copy: str) -> float:
    a = WORD.findall(original.lower())
    b = WORD.findall(copy.lower())
    kept = sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return 1 - kept / max(1, len(a))


def overproof(src: Path):
    for ds in (2, 3):
        text = (src / f"dataset{ds}" / TRIPLES).read_text(encoding="utf-8", errors="replace")
        for k, block in enumerate(text.split("*$*OVERPROOF*$*")[1:]):
            lines = block.split("\n")
            header = lines[0].strip()
            art = f"{k:03d}"  # dataset 3 numbers articles per page: key by order
            raw, gt = [], []
            for ln in lines[1:]:
                if "||@@||" not in ln:
                    continue
                parts = ln.split("||@@||")
                raw.append(parts[0])
                gt.append(parts[1] if len(parts) > 1 else "")
            title = re.sub(r"^.*? title ", "", header)
            cid = f"op{ds}-{art}"
            yield cid, "original", f"{cid}-gt", "\n".join(gt).strip(), title, "overproof"
            yield cid, "ocr", f"{cid}-ocr", "\n".join(raw).strip(), title, "overproof"


def icdar(src: Path):
    for sub in ("eng_monograph", "eng_periodical", "fr_monograph", "fr_periodical"):
        files = sorted((src / sub).glob("*.txt"), key=lambda p: int(p.stem))
        for f in files:
            lines = f.read_text(encoding="utf-8", errors="replace").split("\n")
            ocr = next(ln for ln in lines if ln.startswith("[OCR_toInput]"))[len("[OCR_toInput] "):]
            gs = next(ln for ln in lines if ln.startswith("[ GS_aligned]"))[len("[ GS_aligned] "):]
            gs = gs.replace("@", "")
            cid = f"ic-{sub}-{f.stem}"
            yield cid, "original", f"{cid}-gt", gs.strip(), f"{sub} {f.stem}", "icdar2017"
            yield cid, "ocr", f"{cid}-ocr", ocr.strip(), f"{sub} {f.stem}", "icdar2017"


def clough(d: Path):
    for task in "abcde":
        t = (d / f"orig_task{task}.txt").read_bytes().decode("utf-8", errors="replace")
        yield f"cl-{task}", "original", f"cl-orig-{task}", t.strip(), f"task {task}", "clough"
    with open(d / "file_information.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["Category"] == "orig":
                continue
            raw = (d / row["File"]).read_bytes()
            try:
                t = raw.decode("utf-8")
            except UnicodeDecodeError:
                t = raw.decode("cp1252", errors="replace")
            did = "cl-" + row["File"].removesuffix(".txt")
            cat = row["Category"]
            cid = did if cat == "non" else f"cl-{row['Task']}"
            yield cid, cat, did, t.strip(), f"task {row['Task']}", "clough"


def convert(a: argparse.Namespace) -> None:
    out: Path = a.out
    (out / "corpus").mkdir(parents=True, exist_ok=True)
    for old in (out / "corpus").glob("*.jsonl"):
        old.unlink()
    originals = {}
    rows = []
    for gen in (overproof(a.overproof), icdar(a.icdar), clough(a.clough)):
        recs = list(gen)
        setname = recs[0][5]
        with open(out / "corpus" / f"part-{setname}.jsonl", "w", encoding="utf-8") as f:
            for cid, edit, did, text, title, s in recs:
                if edit == "original":
                    originals[cid] = text
                f.write(json.dumps({"id": did, "title": title, "text": text}, ensure_ascii=False) + "\n")
                rows.append((did, cid, edit, text, s))
        # clusters are named by their original's id
        orig_id = {cid: did for cid, edit, did, _, _, _ in recs if edit == "original"}
        rows[-len(recs):] = [(did, did if edit == "non" else orig_id[cid], edit, text, s)
                             for (did, cid, edit, text, s) in rows[-len(recs):]]
        originals.update({orig_id[c]: t for c, t in list(originals.items()) if c in orig_id})
    with open(out / "labels.tsv", "w", encoding="utf-8") as lab, \
            open(out / "gold_pairs.tsv", "w", encoding="utf-8") as gp:
        lab.write("id\tcluster\tedit\trate\trelated\tset\twords\n")
        gp.write("a\tb\tset\n")
        members: dict[str, list[tuple[str, str]]] = {}
        for did, cid, edit, text, s in rows:
            rate = 0.0
            related = ""
            if edit == "non":
                related = "cl-orig-" + did.split("_task")[1]  # the task's source
                rate = lost_share(originals[related], text)
            elif edit != "original":
                rate = lost_share(originals[cid], text)
            lab.write(f"{did}\t{cid}\t{edit}\t{rate:.4f}\t{related}\t{s}\t{len(WORD.findall(text))}\n")
            members.setdefault(cid, []).append((did, s))
        for ms in members.values():
            for i in range(len(ms)):
                for j in range(i + 1, len(ms)):
                    gp.write(f"{ms[i][0]}\t{ms[j][0]}\t{ms[i][1]}\n")
    print(f"external.py: {len(rows)} documents -> {out}", file=sys.stderr)


def report(work: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import score as scoring

    with open(work / "labels.tsv", newline="", encoding="utf-8") as f:
        labels = {r["id"]: r for r in csv.DictReader(f, delimiter="\t")}
    # the tools of bench.py's last run (results.json), not older runs/
    try:
        results = json.loads((work / "results.json").read_text())["results"]
    except (OSError, ValueError, KeyError):
        results = []
    preds = [work / "runs" / r["tool"] / "pred.tsv" for r in results if "error" not in r]
    preds = [p for p in preds if p.exists()]
    if not preds:
        print(f"external.py: no scored run in {work}/results.json to report on", file=sys.stderr)
        return
    print("\nper set (pair precision / recall / F1); 'non': Clough answers written independently,"
          " share merged with anything:")
    for path in preds:
        pred = scoring.read_pred(str(path))
        cells = []
        for name in SETS:
            lab = {d: (r["cluster"], r["edit"]) for d, r in labels.items() if r["set"] == name}
            r = scoring.score_maps(lab, {d: c for d, c in pred.items() if d in lab})
            cells.append(f"{name} {r['precision']:.3f}/{r['recall']:.3f}/{r['f1']:.3f}")
        pcl = {d: ("p", pred[d]) if d in pred else ("s", d) for d in labels}
        sizes = Counter(pcl.values())
        non = [d for d, r in labels.items() if r["edit"] == "non"]
        merged = sum(sizes[pcl[d]] > 1 for d in non)
        cells.append(f"non merged {merged / max(1, len(non)):.3f} (n={len(non)})")
        print(f"  {path.parent.name:<10} " + "  ".join(cells))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("convert", help="sources -> WORK/corpus/part-*.jsonl, labels.tsv")
    c.add_argument("--overproof", type=Path, required=True, help="directory with dataset2/ and dataset3/")
    c.add_argument("--icdar", type=Path, required=True, help="ICDAR2017_datasetPostOCR_Evaluation_2M_v1.2")
    c.add_argument("--clough", type=Path, required=True, help="directory with file_information.csv")
    c.add_argument("--out", type=Path, required=True, help="WORK")
    r = sub.add_parser("report", help="per-set scores of WORK/runs/*/pred.tsv")
    r.add_argument("work", type=Path)
    a = ap.parse_args()
    if a.cmd == "convert":
        convert(a)
    else:
        report(a.work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
