#!/usr/bin/env python3
"""Scores natasha's Russian news NER (NewsNERTagger) on a CoNLL file.

    python natasha_eval.py FILE.conll [--batch-size N] [--repeat N] [--json OUT]

Run in a venv with natasha==1.6.0 (it pulls slovnet 0.6.0 and navec 0.10.0;
the navec news embeddings and the slovnet_ner_news_v1 model ship inside the
natasha wheel, nothing is downloaded at run time), e.g. the one at
/work/ner-data/natasha-venv, pinned to one core:

    taskset -c 0 VENV/bin/python scripts/ner/natasha_eval.py /work/ner-data/ru/test.conll

The file is read like gleaner reads it (src/stages/entities/ner/conll.rs):
word in the first column, tag in the last, blank lines between sentences,
`-DOCSTART-` lines skipped. Each sentence is given to natasha as its gold
tokens joined by single spaces; natasha re-tokenises that with razdel, and
each span it returns is mapped back to the gold tokens its characters
overlap (first to last). Spans whose edges fall inside a gold token (razdel
split a token further) are counted as `misaligned` and still mapped that way.

Scoring is conlleval's: a chunk counts only with exact start, end and type,
micro-averaged over PER / ORG / LOC (natasha's only types; gold chunks of
any other type, e.g. MISC, are left out of the counts).

Speed: only the tagging is timed (tagger.map over all sentences, natasha's
own batching, 8 texts a batch unless --batch-size says otherwise), not the
imports or model loading; the process pins itself to one CPU (first CPU of
its current affinity) and numpy to one thread. One untimed warm-up batch
runs first; the figure printed is the median over --repeat runs, tokens
meaning the gold tokens of the file.
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse
import importlib.metadata
import json
import statistics
import sys
import time

from conll import chunks, prf, read_conll

TYPES = ["PER", "ORG", "LOC"]






def to_text(words):
    """Words joined by spaces, and each word's (start, end) in that text."""
    offsets, pos = [], 0
    for w in words:
        offsets.append((pos, pos + len(w)))
        pos += len(w) + 1
    return " ".join(words), offsets


def spans_to_chunks(spans, offsets, stats):
    out = []
    for span in spans:
        hit = [i for i, (s, e) in enumerate(offsets) if s < span.stop and span.start < e]
        if not hit:
            stats["empty"] += 1
            continue
        first, last = hit[0], hit[-1]
        if offsets[first][0] != span.start or offsets[last][1] != span.stop:
            stats["misaligned"] += 1
        out.append((first, last + 1, span.type))
    return out




def score(sents, preds):
    counts = {t: [0, 0, 0] for t in TYPES}  # found, correct, gold
    for sent, pred in zip(sents, preds):
        gold = {c for c in chunks([t for _, t in sent]) if c[2] in TYPES}
        for c in gold:
            counts[c[2]][2] += 1
        for c in set(pred):
            if c[2] in counts:
                counts[c[2]][0] += 1
                counts[c[2]][1] += c in gold
    out = {}
    for t in TYPES:
        f, c, g = counts[t]
        out[t] = dict(zip(("precision", "recall", "f1"), prf(c, f, g)), found=f, correct=c, gold=g)
    f, c, g = (sum(counts[t][k] for t in TYPES) for k in range(3))
    out["overall"] = dict(zip(("precision", "recall", "f1"), prf(c, f, g)), found=f, correct=c, gold=g)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("conll")
    ap.add_argument("--batch-size", type=int, default=8, help="texts per batch (natasha's default: 8)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs; the median is reported")
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()

    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    from natasha import NewsEmbedding, NewsNERTagger

    t0 = time.perf_counter()
    tagger = NewsNERTagger(NewsEmbedding())
    tagger.batch_size = args.batch_size
    tagger.infer.encoder.batch_size = args.batch_size
    load_ms = 1000 * (time.perf_counter() - t0)

    sents = read_conll(args.conll)
    texts, offsets = zip(*(to_text([w for w, _ in s]) for s in sents))
    texts = list(texts)
    tokens = sum(len(s) for s in sents)

    list(tagger.map(texts[: args.batch_size]))  # warm-up, untimed
    runs, markups = [], None
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        out = list(tagger.map(texts))
        runs.append(time.perf_counter() - t0)
        markups = markups or out
    seconds = statistics.median(runs)

    stats = {"misaligned": 0, "empty": 0}
    preds = [spans_to_chunks(m.spans, off, stats) for m, off in zip(markups, offsets)]
    report = score(sents, preds)
    report.update(
        file=args.conll, sentences=len(sents), tokens=tokens,
        natasha=importlib.metadata.version("natasha"), batch_size=args.batch_size,
        load_ms=load_ms, seconds=runs, tokens_per_s=tokens / seconds,
        cpus=sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        misaligned_spans=stats["misaligned"], empty_spans=stats["empty"],
    )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)

    print(f"natasha NewsNERTagger on {args.conll}: {len(sents)} sentences, {tokens} tokens")
    print(f"{'type':8} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'found':>6} {'correct':>7}")
    for t in TYPES + ["overall"]:
        r = report[t]
        print(f"{t:8} {r['precision']:6.2f} {r['recall']:6.2f} {r['f1']:6.2f} {r['gold']:6} {r['found']:6} {r['correct']:7}")
    print(f"tagging: {tokens / seconds:,.0f} tokens/s on CPUs {report['cpus']} "
          f"(median of {len(runs)} runs: {', '.join(f'{s:.2f}' for s in runs)} s; batch {args.batch_size}); "
          f"model load {load_ms:.0f} ms")
    print(f"natasha spans not on gold token edges: {stats['misaligned']}")


if __name__ == "__main__":
    sys.exit(main())
