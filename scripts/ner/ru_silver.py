#!/usr/bin/env python3
"""Labels Russian text with natasha's NER (silver data) and writes a CoNLL file.

    python ru_silver.py --out SILVER.conll [--conllu NAME=FILE.conllu ...]
        [--bsnlp-dir NAME=DIR ...] [--exclude-conll FILE.conll ...]
        [--exclude-text-dir DIR ...]

Run in the natasha venv (natasha==1.6.0, razdel==0.5.0; requirements-ru.txt);
scripts/ner/ru_silver.sh fetches the pinned sources and calls this.

Text in:
- --conllu: a Universal Dependencies file; the sentences are its
  `# text = ` lines. A document ends at `# newdoc` and wherever the
  `# sent_id` prefix (the id less its trailing digits and separators)
  changes, and after 10 sentences, so neighbouring sentences of one text
  stay together (document-level features look across them) and unrelated
  texts mostly apart.
- --bsnlp-dir: BSNLP shared-task raw files (4 header lines: id, language,
  date, URL; then the title and the text); each file a document, split into
  sentences by razdel.

Labelling: each sentence is tokenised with razdel (as natasha does) and
tagged by NewsNERTagger(NewsEmbedding()) on its own; each span natasha
returns (PER / ORG / LOC) tags the tokens its characters overlap, B- on the
first and I- on the rest (BIO, as scripts/ner/factru_to_conll.py writes).

Exclusions: a sentence is dropped when its key (lower-cased letters and
digits only, in order) equals the key of a sentence of an --exclude-conll
file (its tokens joined) or of a sentence of a text file under
--exclude-text-dir (razdel sentences of every *.txt), e.g. factRuEval's test
and dev sets and NEREL's texts; also a sentence whose key was already
written (duplicates), and sentences of fewer than 3 tokens. Counts go to
stderr. Output: `-DOCSTART-<TAB>O`, blank line, then `TOKEN<TAB>TAG` lines
with a blank line after each sentence, documents in the order given.
Deterministic: same inputs ⇒ same bytes.
"""
import argparse
import os
import re
import sys
from collections import Counter

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conll import read_conll, write_document  # noqa: E402


def key(text):
    return "".join(c for c in text.lower() if c.isalnum())


# Sentences a CoNLL-U document holds at most: GSD has no document marks and
# Taiga's social-media part is one document of short unrelated posts.
DOC_MAX = 10


def conllu_docs(path):
    """Documents (lists of sentence texts) of a CoNLL-U file."""
    docs, cur, prefix = [], [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# newdoc"):
                if cur:
                    docs.append(cur)
                cur = []
            elif line.startswith("# sent_id"):
                p = re.sub(r"[\d_.\-]+$", "", line.split("=", 1)[1].strip())
                if prefix is not None and p != prefix and cur:
                    docs.append(cur)
                    cur = []
                prefix = p
            elif line.startswith("# text ="):
                if len(cur) == DOC_MAX:
                    docs.append(cur)
                    cur = []
                cur.append(line.split("=", 1)[1].strip())
    if cur:
        docs.append(cur)
    return docs


def bsnlp_docs(directory):
    from razdel import sentenize

    docs = []
    for root, _, files in sorted(os.walk(directory)):
        for name in sorted(files):
            if not name.endswith(".txt"):
                continue
            with open(os.path.join(root, name), encoding="utf-8-sig") as f:
                lines = f.read().split("\n")
            text = "\n".join(lines[4:])
            sents = []
            for para in text.split("\n"):
                sents.extend(s.text for s in sentenize(para) if s.text.strip())
            if sents:
                docs.append(sents)
    return docs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--conllu", action="append", default=[], metavar="NAME=FILE")
    ap.add_argument("--bsnlp-dir", action="append", default=[], metavar="NAME=DIR")
    ap.add_argument("--exclude-conll", action="append", default=[])
    ap.add_argument("--exclude-text-dir", action="append", default=[])
    args = ap.parse_args()

    from natasha import NewsEmbedding, NewsNERTagger
    from razdel import sentenize, tokenize

    stats = Counter()
    excluded = set()
    for path in args.exclude_conll:
        for sent in read_conll(path):
            excluded.add(key("".join(w for w, _ in sent)))
    for directory in args.exclude_text_dir:
        for root, _, files in sorted(os.walk(directory)):
            for name in sorted(files):
                if name.endswith(".txt"):
                    with open(os.path.join(root, name), encoding="utf-8-sig") as f:
                        for para in f.read().split("\n"):
                            excluded.update(key(s.text) for s in sentenize(para))
    excluded.discard("")
    print(f"ru_silver: {len(excluded)} sentence keys to exclude", file=sys.stderr)

    sources = [(spec, conllu_docs) for spec in args.conllu] + [(spec, bsnlp_docs) for spec in args.bsnlp_dir]
    tagger = NewsNERTagger(NewsEmbedding())
    seen = set()
    with open(args.out, "w", encoding="utf-8") as out:
        for spec, reader in sources:
            name, path = spec.split("=", 1)
            docs = []
            for doc in reader(path):
                kept = []
                for text in doc:
                    k = key(text)
                    toks = list(tokenize(text))
                    stats[f"{name}.sentences"] += 1
                    if k in excluded:
                        stats[f"{name}.excluded"] += 1
                    elif k in seen:
                        stats[f"{name}.duplicate"] += 1
                    elif len(toks) < 3:
                        stats[f"{name}.short"] += 1
                    else:
                        seen.add(k)
                        kept.append((text, toks))
                if kept:
                    docs.append(kept)
            texts = [text for doc in docs for text, _ in doc]
            markups = iter(tagger.map(texts))
            for doc in docs:
                sents = []
                for text, toks in doc:
                    tags = ["O"] * len(toks)
                    for span in next(markups).spans:
                        hit = [i for i, t in enumerate(toks) if t.start < span.stop and span.start < t.stop]
                        for j, i in enumerate(hit):
                            tags[i] = ("B-" if j == 0 else "I-") + span.type
                        if hit:
                            stats[f"{name}.{span.type}"] += 1
                    sents.append([(t.text, tag) for t, tag in zip(toks, tags)])
                n_s, n_t = write_document(out, sents)
                stats[f"{name}.kept"] += n_s
                stats[f"{name}.tokens"] += n_t
                stats[f"{name}.documents"] += 1
    for spec, _ in sources:
        name = spec.split("=", 1)[0]
        fields = ("documents", "sentences", "excluded", "duplicate", "short", "kept", "tokens", "PER", "ORG", "LOC")
        print(f"ru_silver: {name}: " + ", ".join(f"{f} {stats[name + '.' + f]}" for f in fields), file=sys.stderr)
    total = sum(v for k, v in stats.items() if k.endswith(".tokens"))
    print(f"ru_silver: wrote {args.out}: {total} tokens", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
