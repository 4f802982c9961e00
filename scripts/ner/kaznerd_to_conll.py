#!/usr/bin/env python3
"""Converts KazNERD (Kazakh NER) to CoNLL files with PER / ORG / LOC / MISC.

    python3 scripts/ner/kaznerd_to_conll.py KAZNERD_DIR OUT_DIR [--docstart sentence|none]

Standard library only. Reads KAZNERD_DIR/IOB2_{train,valid,test}.txt and
writes OUT_DIR/{train,valid,test}.conll: one token per line, `TOKEN<TAB>TAG`,
BIO (IOB2) tags, a blank line between sentences. A split whose file is
missing is reported and skipped. Counts go to stderr.

Source and licence
------------------
github.com/IS2AI/KazNERD (commit bd4333d0f595, 2025-01-15, which includes
the 2025 "Fix inconsistent labels" / "Fix typos" data fixes), folder
KazNERD/. The repository's LICENSE.md is the Creative Commons Attribution
4.0 International Public License (CC BY 4.0); the README says the dataset,
guidelines and code are free "under the CC BY 4.0 licence"
(BiLSTM_CNN_CRF/ carries its own Apache-2.0 LICENSE; that code is not used).
Attribution: Yeshpanov, Khassanov and Varol, "KazNERD: Kazakh Named Entity
Recognition Dataset", LREC 2022, https://aclanthology.org/2022.lrec-1.44.
Text: Kazakh television news.

Input format
------------
`TOKEN TAG` separated by one space, IOB2 tags over 25 classes, blank lines
between sentences (KazNERD/Readme.md: "IOB2 scheme ... CoNLL-2002 format").
KazNERD/with_sentID/ holds the same sentences each headed by an id line
(`AID327344 O`); not used here. The sentences are single, shuffled
sentences with no document structure, so by default each sentence is
written as its own document (a `-DOCSTART-<TAB>O` line and a blank line
before it): gleaner's document-level features then never link unrelated
sentences. `--docstart none` writes no such lines.

Type mapping
------------
    PERSON -> PER
    ORGANISATION -> ORG
    GPE, LOCATION, FACILITY -> LOC
    NORP, EVENT, ART, LANGUAGE, LAW, PRODUCT, PROJECT -> MISC
    everything else -> O: ADAGE, CARDINAL, CONTACT, DATE, DISEASE, MONEY,
      MISCELLANEOUS, NON_HUMAN, ORDINAL, PERCENTAGE, POSITION, QUANTITY, TIME

Entities are decoded from the source tags the conlleval way (a chunk starts
at B-, at an I- after O or after another type) and re-emitted as B-/I- of
the mapped type, so two adjacent source entities that map to one type (a
GPE right after a LOCATION) stay two entities.
"""
import argparse
import os
import sys
from collections import Counter

from conll import chunks, entity_counts, write_document

MAP = {
    "PERSON": "PER",
    "ORGANISATION": "ORG",
    "GPE": "LOC", "LOCATION": "LOC", "FACILITY": "LOC",
    "NORP": "MISC", "EVENT": "MISC", "ART": "MISC", "LANGUAGE": "MISC",
    "LAW": "MISC", "PRODUCT": "MISC", "PROJECT": "MISC",
}
TO_O = {"ADAGE", "CARDINAL", "CONTACT", "DATE", "DISEASE", "MONEY", "MISCELLANEOUS",
        "NON_HUMAN", "ORDINAL", "PERCENTAGE", "POSITION", "QUANTITY", "TIME"}
TYPES = ["PER", "ORG", "LOC", "MISC"]
SPLITS = ["train", "valid", "test"]


def read_sentences(path):
    sents, cur = [], []
    with open(path, encoding="utf-8-sig") as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                if cur:
                    sents.append(cur)
                    cur = []
                continue
            if len(parts) != 2:
                raise ValueError(f"{path}:{n}: expected `TOKEN TAG`, got {line!r}")
            cur.append((parts[0], parts[1]))
    if cur:
        sents.append(cur)
    return sents




def convert(sent, stats):
    words = [w for w, _ in sent]
    out = ["O"] * len(words)
    for s, e, src in chunks([t for _, t in sent]):
        stats["source." + src] += 1
        dst = MAP.get(src)
        if dst is None:
            if src not in TO_O:
                raise ValueError(f"unknown KazNERD class {src!r}")
            continue
        out[s] = "B-" + dst
        for i in range(s + 1, e):
            out[i] = "I-" + dst
        stats["entities." + dst] += 1
    return list(zip(words, out))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kaznerd_dir", help="the repository's KazNERD/ folder")
    ap.add_argument("out_dir")
    ap.add_argument("--docstart", choices=["sentence", "none"], default="sentence")
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    missing = []
    for split in SPLITS:
        src = os.path.join(args.kaznerd_dir, f"IOB2_{split}.txt")
        if not os.path.exists(src):
            missing.append(split)
            print(f"{src}: missing, {split} skipped", file=sys.stderr)
            continue
        stats = Counter()
        sents = read_sentences(src)
        dst = os.path.join(args.out_dir, f"{split}.conll")
        n_tokens = 0
        with open(dst, "w", encoding="utf-8", newline="\n") as f:
            for sent in sents:
                n_tokens += write_document(f, [convert(sent, stats)], args.docstart == "sentence")[1]
        print(f"{dst}: {len(sents)} sentences, {n_tokens} tokens, "
              + entity_counts(stats, TYPES), file=sys.stderr)
        src_counts = sorted((k[7:], v) for k, v in stats.items() if k.startswith("source."))
        print("  source entities: " + ", ".join(f"{k} {v}" for k, v in src_counts), file=sys.stderr)
    if missing:
        print(f"missing splits: {', '.join(missing)}", file=sys.stderr)


if __name__ == "__main__":
    main()
