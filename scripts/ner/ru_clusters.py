#!/usr/bin/env python3
"""Word clusters for the Russian entity model, from navec embeddings.

    python ru_clusters.py NAVEC.tar OUT/lexicon.tsv

The English model uses Brown clusters (bit paths of a binary tree over the
vocabulary); here the same kind of path comes from splitting navec's news
embeddings (navec_news_v1_1B_250K_300d_100q, MIT, 250k words) top-down:
vectors centred, reduced to 64 dimensions by PCA, normalised, then each
node is split in two along its principal direction (power iteration from a
fixed start) refined by a few 2-means steps, down to depth 20. Bit d of the
path is the side taken at depth d; bit 20 marks a clustered word, so no
path is 0. Deterministic with one BLAS thread (ru_resources.sh sets it).
Output: `word<TAB>path`, sorted by word, the format of lexicon.tsv.
"""
import sys

import numpy as np
from navec import Navec

DEPTH = 20
DIMS = 64


def main():
    navec = Navec.load(sys.argv[1])
    out = sys.argv[2]
    words = navec.vocab.words
    x = navec.pq.unpack().astype(np.float32)
    x -= x.mean(0)
    _, _, vt = np.linalg.svd(x[::10], full_matrices=False)
    x = x @ vt[:DIMS].T
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-9
    codes = np.zeros(len(x), dtype=np.int64)

    def split(idx, depth):
        if depth == DEPTH or len(idx) < 2:
            return
        y = x[idx]
        z = y - y.mean(0)
        v = np.ones(z.shape[1], dtype=np.float32)
        for _ in range(20):
            v = z.T @ (z @ v)
            v /= np.linalg.norm(v) + 1e-12
        left = (z @ v) < 0
        for _ in range(5):
            if left.all() or (~left).all():
                break
            a, b = y[left].mean(0), y[~left].mean(0)
            left = ((y - a) ** 2).sum(1) < ((y - b) ** 2).sum(1)
        codes[idx[~left]] |= 1 << depth
        split(idx[left], depth + 1)
        split(idx[~left], depth + 1)

    sys.setrecursionlimit(10000)
    split(np.arange(len(x)), 0)
    with open(out, "w") as f:
        for w, c in sorted(zip(words, codes)):
            if w.startswith("<"):
                continue
            f.write(f"{w}\t{int(c) | (1 << DEPTH)}\n")
    print(f"ru_clusters: {len(words)} words → {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
