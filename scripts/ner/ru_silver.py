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
- --lines: a text file with a sentence (or a few) a line, optionally with
  a file naming each line's document (NTREX-128's DOCUMENT_IDS.tsv);
  documents are cut after 10 sentences.
- --squad: a SQuAD-format JSON file (XQuAD); each paragraph's context is a
  document (cut after 10 sentences), split into sentences by razdel.
- --bsnlp-dir: BSNLP shared-task raw files (4 header lines: id, language,
  date, URL; then the title and the text); each file a document, split into
  sentences by razdel.

Conventions: unless --natasha-conventions, natasha's spans are then changed
where its conventions and factRuEval's differ (follow_conventions).

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

# Where natasha's spans and factRuEval's differ by convention (seen on
# factRuEval's devset, the training data; never on test), the silver tags
# follow factRuEval (--natasha-conventions leaves natasha's):
# - a parenthesised part is its own name, the brackets outside it:
#   "Союз координационных советов (СКС)" → ORG, ORG;
# - an organisation written with its legal form and a quoted name is the
#   quoted name: "ОАО «Газпром»" → ORG "Газпром";
# - the European Union, the CIS, the Kremlin and the White House are ORG
#   (natasha: LOC), the ISS (МКС) is LOC (natasha: ORG), and "СМИ" (the
#   media) is no name.
BRACKETS = {"(", ")", "[", "]"}
TO_ORG = re.compile(r"^(ес|снг|евросоюз\w*|европейск\w* союз\w*|кремл\w*|бел\w+ дом\w*)$")
TO_LOC = {"мкс"}
NOT_NAMES = {"сми"}


def tag_spans(tags):
    """(type, start, end) of the BIO tags' spans."""
    out, cur = [], None
    for i, t in enumerate(tags + ["O"]):
        if t == "O" or t.startswith("B-") or (cur and t[2:] != cur[0]):
            if cur:
                out.append((cur[0], cur[1], i))
            cur = (t[2:], i) if t != "O" else None
    return out


def follow_conventions(words, tags):
    """`tags` (BIO) with natasha's conventions changed to factRuEval's."""
    out = ["O"] * len(tags)
    for typ, s, e in tag_spans(tags):
        parts, cur = [], []
        for i in range(s, e):
            if words[i] in BRACKETS:
                if cur:
                    parts.append(cur)
                cur = []
            else:
                cur.append(i)
        if cur:
            parts.append(cur)
        for part in parts:
            ws = [words[i] for i in part]
            if typ == "ORG" and "«" in ws:
                a = ws.index("«")
                b = ws.index("»") if "»" in ws[a:] else len(ws)
                if b > a + 1:
                    part = part[a + 1 : b]
                    ws = ws[a + 1 : b]
            text = " ".join(ws).lower()
            t = typ
            if text in NOT_NAMES:
                continue
            if TO_ORG.match(text):
                t = "ORG"
            elif text in TO_LOC:
                t = "LOC"
            for j, i in enumerate(part):
                out[i] = ("B-" if j == 0 else "I-") + t
    return out


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


def capped(docs):
    """Documents cut into pieces of at most DOC_MAX sentences."""
    out = []
    for doc in docs:
        for i in range(0, len(doc), DOC_MAX):
            out.append(doc[i : i + DOC_MAX])
    return out


def lines_docs(spec):
    """FILE or FILE,DOCIDS: one sentence a line; DOCIDS (same number of
    lines, e.g. NTREX's DOCUMENT_IDS.tsv) names each line's document, else
    every line is its own document."""
    from razdel import sentenize

    path, _, ids = spec.partition(",")
    with open(path, encoding="utf-8-sig") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    doc_ids = list(range(len(lines)))
    if ids:
        with open(ids, encoding="utf-8") as f:
            doc_ids = f.read().split("\n")[: len(lines)]
        if len(doc_ids) != len(lines):
            raise SystemExit(f"{ids}: {len(doc_ids)} lines, {path} has {len(lines)}")
    docs, prev = [], None
    for line, d in zip(lines, doc_ids):
        if d != prev or not docs:
            docs.append([])
        prev = d
        docs[-1].extend(s.text for s in sentenize(line) if s.text.strip())
    return capped([d for d in docs if d])


def squad_docs(path):
    """SQuAD-format JSON (XQuAD): each paragraph's context, split into
    sentences by razdel, is a document; questions are not used."""
    import json

    from razdel import sentenize

    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    docs = []
    for article in data["data"]:
        for para in article["paragraphs"]:
            text = para["context"].replace("\ufeff", "")
            sents = []
            for part in text.split("\n"):
                sents.extend(s.text for s in sentenize(part) if s.text.strip())
            if sents:
                docs.append(sents)
    return capped(docs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--conllu", action="append", default=[], metavar="NAME=FILE")
    ap.add_argument("--bsnlp-dir", action="append", default=[], metavar="NAME=DIR")
    ap.add_argument("--natasha-conventions", action="store_true", help="keep natasha's spans as they are")
    ap.add_argument("--lines", action="append", default=[], metavar="NAME=FILE[,DOCIDS]")
    ap.add_argument("--squad", action="append", default=[], metavar="NAME=FILE.json")
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

    sources = (
        [(spec, conllu_docs) for spec in args.conllu]
        + [(spec, lines_docs) for spec in args.lines]
        + [(spec, squad_docs) for spec in args.squad]
        + [(spec, bsnlp_docs) for spec in args.bsnlp_dir]
    )
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
                    if not args.natasha_conventions:
                        tags = follow_conventions([t.text for t in toks], tags)
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
