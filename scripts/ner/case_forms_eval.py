"""Scores how gleaner's canonical keys join the case forms of Russian names.

Russian declines names: "Владимир Путин", "Владимира Путина", "Владимиром
Путиным" are one person, "Россия", "России", "Россией" one place. gleaner
gives every spelling an `entity_key` and joins spellings of one entity
under a `canonical_key` (src/stages/entities/variants.rs). The reference
here is natasha 1.6.0's normalizer: each mention gleaner found is put back
to the nominative from its morphological tags in context (natasha's
`DocSpan.normalize`, which keeps the gender: "Анны Ивановой" → "Анна
Иванова", not "Иванов").

Over every pair of gleaner's spellings with the same label and the same
number of words (case forms, not shorter names), a pair is *the same* in
the reference when natasha gives their mentions the same normal form most
often, and *joined* when gleaner gives them one canonical key. Printed:
pairs joined, reference pairs, precision, recall and F1 per label, and the
wrong joins and the largest missed ones.

    python case_forms_eval.py GLEANER WORKDIR FILE.conll... [--misses N]

Input: CoNLL files with -DOCSTART- lines between documents (the first
column is the token), such as factRuEval-2016's (scripts/ner/fetch_data.sh).
"""

import argparse
import collections
import itertools
import json
import pathlib
import shutil
import subprocess
import unicodedata

import pyarrow.parquet as pq
from natasha import Doc, MorphVocab, NewsEmbedding, NewsMorphTagger, Segmenter
from natasha.doc import DocSpan

NO_SPACE_BEFORE = set(".,:;!?)»%")
NO_SPACE_AFTER = set("(«")


def documents(paths):
    """Each CoNLL document as text: tokens joined by spaces, punctuation attached."""
    docs = []
    for path in paths:
        tokens = []
        for line in open(path, encoding="utf-8"):
            word = line.split("\t")[0].split(" ")[0].strip()
            if word.startswith("-DOCSTART-"):
                if tokens:
                    docs.append(tokens)
                tokens = []
            elif word:
                tokens.append(word)
            elif tokens and tokens[-1] != "\n":
                tokens.append("\n")
        if tokens:
            docs.append(tokens)
    texts = []
    for tokens in docs:
        out = ""
        for tok in tokens:
            if tok == "\n":
                out = out.rstrip(" ") + "\n"
            elif not out or out.endswith(("\n", *NO_SPACE_AFTER)) or tok in NO_SPACE_BEFORE:
                out += tok
            else:
                out += " " + tok
        texts.append(out.strip())
    return texts


def fold(name):
    """gleaner's `fold`: NFKD without marks, lower case, non-alphanumerics one space."""
    chars = (c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in chars).lower().split())


def table(path):
    return pq.read_table(path).to_pylist()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gleaner")
    ap.add_argument("work")
    ap.add_argument("conll", nargs="+")
    ap.add_argument("--misses", type=int, default=15)
    args = ap.parse_args()

    work = pathlib.Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    texts = documents(args.conll)
    with open(work / "docs.jsonl", "w", encoding="utf-8") as f:
        for i, text in enumerate(texts):
            f.write(json.dumps({"id": f"d{i:05}", "text": text}, ensure_ascii=False) + "\n")
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run(
        [args.gleaner, "run", str(work / "docs.jsonl"), "-o", str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    docs = {r["doc_id"]: r["text"] for r in table(out / "documents")}
    canonical = {r["entity_key"]: r["canonical_key"] for r in table(out / "entities")}
    # A spelling's own mentions: within a document a shorter mention
    # ("Саакашвили") takes the key of the fuller name it refers to.
    mentions = [
        m
        for m in table(out / "mentions")
        if m["label"] in ("PERSON", "LOCATION", "ORG")
        and fold(m["surface"]) == m["entity_key"].split(":", 1)[1]
    ]

    # natasha's normal form of every mention, in its document's context.
    segmenter, vocab = Segmenter(), MorphVocab()
    tagger = NewsMorphTagger(NewsEmbedding())
    normals = collections.defaultdict(collections.Counter)
    by_doc = collections.defaultdict(list)
    for m in mentions:
        by_doc[m["doc_id"]].append(m)
    for doc_id, ms in sorted(by_doc.items()):
        doc = Doc(docs[doc_id])
        doc.segment(segmenter)
        doc.tag_morph(tagger)
        for m in ms:
            tokens = [t for t in doc.tokens if t.start >= m["start"] and t.stop <= m["end"]]
            if not tokens:
                continue
            kind = {"PERSON": "PER", "LOCATION": "LOC"}.get(m["label"], "ORG")
            # ORG is normalized word by word here (natasha's ORG rule needs
            # a syntax parse): a head noun and its agreeing adjectives.
            span = DocSpan(m["start"], m["end"], "PER" if kind == "PER" else "LOC",
                           docs[doc_id][m["start"]:m["end"]], tokens=tokens)
            span.normalize(vocab)
            normal = " ".join(span.normal.lower().replace("ё", "е").replace("-", " ").split())
            normals[m["entity_key"]][normal] += 1

    spellings = {}
    for key, counts in normals.items():
        label, name = key.split(":", 1)
        spellings[key] = (label, len(name.split()), counts.most_common(1)[0][0], sum(counts.values()))

    totals = collections.defaultdict(collections.Counter)
    wrong, missed = [], []
    groups = collections.defaultdict(list)
    for key, (label, words, _, _) in spellings.items():
        groups[(label, words)].append(key)
    for (label, _), keys in groups.items():
        for a, b in itertools.combinations(sorted(keys), 2):
            same = spellings[a][2] == spellings[b][2]
            joined = canonical[a] == canonical[b]
            t = totals[label]
            t["same"] += same
            t["joined"] += joined
            t["both"] += same and joined
            weight = min(spellings[a][3], spellings[b][3])
            if joined and not same:
                wrong.append((weight, a, b, spellings[a][2], spellings[b][2]))
            if same and not joined:
                missed.append((weight, a, b, spellings[a][2]))

    print(f"{len(texts)} documents, {len(mentions)} mentions, {len(spellings)} spellings")
    print(f"{'label':9} {'joined':>7} {'same':>6} {'precision':>9} {'recall':>7} {'F1':>6}")
    total = collections.Counter()
    for label in ("PERSON", "LOCATION", "ORG", "all"):
        t = total if label == "all" else totals[label]
        if label != "all":
            total.update(t)
        p = t["both"] / t["joined"] if t["joined"] else 1.0
        r = t["both"] / t["same"] if t["same"] else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{label:9} {t['joined']:7} {t['same']:6} {p:9.3f} {r:7.3f} {f:6.3f}")
    print(f"\nwrong joins ({len(wrong)}):")
    for w in sorted(wrong, reverse=True)[: args.misses]:
        print("  ", w)
    print(f"missed joins ({len(missed)}), largest:")
    for m in sorted(missed, reverse=True)[: args.misses]:
        print("  ", m)


if __name__ == "__main__":
    main()
