#!/usr/bin/env python3
"""Builds a held-out near-duplicate corpus that gleaner's own generator had
no part in: other texts, other edits.

    python heldout.py --wcxb DIR --out WORK [--seed 7]

Texts: the ground-truth main content of the WCXB dev pages (DIR/ground-truth/
*.json; github.com/Murrough-Foley/web-content-extraction-benchmark, CC-BY-4.0,
fetched by benches/wcxb/fetch.sh, not committed): whole real pages of seven
types (articles, forums, products, documentation, listings, services,
collections), not sentences remixed. Pages of at least 120 words are split
by host into two pools: originals, and bodies for negatives (a negative
never wraps a page that is itself in the corpus, which would make it a true
copy).

Edits: nlpaug 1.1.11 (github.com/makcedward/nlpaug, MIT), applied paragraph
by paragraph so every part of a copy is touched, at a rate drawn from
1-12 % of words, splitting and joining words on spaces (nlpaug's own
tokenizer would also cut "isn't" into "isn ' t", an edit no copy makes).
One edit per copy; `rate` in labels.tsv is the share of the original's
words the copy does not keep, measured (difflib over lower-cased words),
not the rate asked of nlpaug (a typo can hit a word twice, a swap moves
two):
  nlpaug_word     RandomWordAug, actions substitute (a word of the corpus),
                  swap and delete mixed
  ocr             OcrAug: OCR confusions (0/O, 1/l, 5/S, ...) in that share of
                  words
  keyboard        KeyboardAug: typos of neighbouring keys in that share of
                  words
Negatives (related: the original they must stay apart from):
  shared_paragraphs  a page of the other pool (each used once) with 1-2
                  paragraphs of an original put in
Output as tools/dedup_corpus.rs writes it (corpus/part-00000.jsonl,
labels.tsv with id, cluster, edit, rate, related), so bench.py scores every
tool on it.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import re
from pathlib import Path

WORD = re.compile(r"\w+")


def lost_share(original: str, copy: str) -> float:
    """Share of the original's words that the copy does not keep in order."""
    a = WORD.findall(original.lower())
    b = WORD.findall(copy.lower())
    kept = sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return 1 - kept / max(1, len(a))


def load(wcxb: Path, min_words: int) -> list[dict]:
    pages = []
    for f in sorted((wcxb / "ground-truth").glob("*.json")):
        gt = json.loads(f.read_text(encoding="utf-8"))
        text = ((gt.get("ground_truth") or {}).get("main_content") or "").strip()
        paras = [p.strip() for p in re.split(r"\n+", text) if p.strip()]
        if sum(len(p.split()) for p in paras) < min_words or len(paras) < 3:
            continue
        url = gt.get("url") or ""
        host = re.sub(r"^https?://", "", url).split("/")[0].lower()
        title = (gt.get("ground_truth") or {}).get("title") or f"page {f.stem}"
        pages.append({"file": f.stem, "host": host, "url": url, "title": title, "paras": paras})
    return pages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wcxb", type=Path, required=True, help="WCXB split directory (holds ground-truth/)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--min-words", type=int, default=120)
    ap.add_argument("--max-rate", type=float, default=0.12)
    a = ap.parse_args()

    import nlpaug.augmenter.char as nac
    import nlpaug.augmenter.word as naw

    rng = random.Random(a.seed)
    pages = load(a.wcxb, a.min_words)
    hosts = sorted({p["host"] for p in pages})
    rng.shuffle(hosts)
    negative_hosts = set(hosts[: len(hosts) // 4])
    originals = [p for p in pages if p["host"] not in negative_hosts]
    bodies = [p for p in pages if p["host"] in negative_hosts]
    vocab = sorted({w for p in originals for para in p["paras"] for w in para.split() if w.isalpha()})

    def split(text: str) -> list[str]:
        return text.split(" ")

    def join(tokens: list[str]) -> str:
        return " ".join(tokens)

    def edit(paras: list[str], kind: str, rate: float, seed: int) -> list[str]:
        # nlpaug draws from Python's and numpy's global generators.
        import numpy as np

        random.seed(seed)
        np.random.seed(seed % (2**32))
        out = []
        words = {"tokenizer": split, "reverse_tokenizer": join}
        for para in paras:
            if kind == "nlpaug_word":
                action = random.choice(["substitute", "swap", "delete"])
                kw = {"target_words": vocab} if action == "substitute" else {}
                aug = naw.RandomWordAug(action=action, aug_p=rate, aug_min=0, aug_max=None, **kw, **words)
            elif kind == "ocr":
                aug = nac.OcrAug(aug_word_p=rate, aug_word_min=0, aug_word_max=10_000, **words)
            else:
                aug = nac.KeyboardAug(
                    aug_word_p=rate, aug_word_min=0, aug_word_max=10_000, include_special_char=False, **words
                )
            res = aug.augment(para)
            out.append(res[0] if isinstance(res, list) else res)
        return out

    docs = []  # (id, cluster, edit, rate, related, record)
    n = 0

    def new_id() -> str:
        nonlocal n
        n += 1
        return f"h{n:06d}"

    for p in originals:
        oid = new_id()
        docs.append((oid, oid, "original", 0.0, "", p["url"], p["title"], "\n\n".join(p["paras"])))
        if rng.random() < 0.5:
            kind = rng.choice(["nlpaug_word", "ocr", "keyboard"])
            rate = rng.uniform(0.01, a.max_rate)
            text = "\n\n".join(edit(p["paras"], kind, rate, rng.randrange(2**31)))
            rate = lost_share("\n\n".join(p["paras"]), text)
            cid = new_id()
            docs.append((cid, oid, kind, rate, "", p["url"] + "?copy", p["title"], text))
        if bodies and rng.random() < 0.15:
            body = bodies.pop(rng.randrange(len(bodies)))
            k = min(rng.randint(1, 2), len(p["paras"]))
            paras = list(body["paras"])
            for para in rng.sample(p["paras"], k):
                paras.insert(rng.randrange(len(paras) + 1), para)
            copied = sum(len(x.split()) for x in paras if x in p["paras"])
            total = sum(len(x.split()) for x in paras)
            nid = new_id()
            docs.append((nid, nid, "shared_paragraphs", copied / total, oid, body["url"] + "?n", body["title"], "\n\n".join(paras)))
    # Copies and negatives come after their originals, interleaved.
    order = sorted(range(len(docs)), key=lambda i: i + rng.random() * 50 if docs[i][2] != "original" else i)
    corpus = a.out / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    with open(corpus / "part-00000.jsonl", "w", encoding="utf-8") as out, open(a.out / "labels.tsv", "w", encoding="utf-8") as lab:
        lab.write("id\tcluster\tedit\trate\trelated\n")
        for i in order:
            did, cluster, kind, rate, related, url, title, text = docs[i]
            out.write(json.dumps({"id": did, "title": title, "url": url, "text": text}, ensure_ascii=False) + "\n")
            lab.write(f"{did}\t{cluster}\t{kind}\t{rate:.4f}\t{related}\n")
    kinds: dict[str, int] = {}
    for d in docs:
        kinds[d[2]] = kinds.get(d[2], 0) + 1
    report = {"source": str(a.wcxb), "pages": len(pages), "docs": len(docs), "by_edit": kinds, "seed": a.seed}
    (a.out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"heldout: {len(docs)} docs from {len(pages)} pages: {kinds} -> {a.out}")


if __name__ == "__main__":
    main()
