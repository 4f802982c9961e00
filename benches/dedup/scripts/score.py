"""Pair precision and recall per language of a gleaner run on corpus.py's
documents: `score.py DATASET_DIR`. A predicted pair is two documents of one
cluster; the true pairs are each document and its copy."""
import sys, itertools, collections, polars as pl
d = pl.read_parquet(sys.argv[1] + "/documents/**/*.parquet").select(["id", "cluster_id"])
clusters = collections.defaultdict(list)
for i, c in d.iter_rows():
    clusters[c].append(i)
pred = set()
for m in clusters.values():
    for a, b in itertools.combinations(sorted(m), 2):
        pred.add((a, b))
gold = {(i, i + "-copy") for i in d["id"] if not i.endswith("-copy")}
out = []
for lang in ["zh", "ja", "th", "en", "ru"]:
    g = {p for p in gold if p[0].startswith(lang)}
    p = {q for q in pred if q[0].startswith(lang) or q[1].startswith(lang)}
    tp = len(g & p)
    prec = tp / len(p) if p else 1.0
    out.append(f"{lang} P={prec:.3f} R={tp / len(g):.3f} fp={len(p) - tp}")
print(" | ".join(out))
