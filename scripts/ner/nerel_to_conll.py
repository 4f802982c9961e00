#!/usr/bin/env python3
"""Converts NEREL splits (brat .txt/.ann) to a CoNLL file for the Russian model.

    python3 scripts/ner/nerel_to_conll.py OUT.conll SPLIT_DIR [SPLIT_DIR ...]
        [--lower {none,loc,all}] [--split-loc | --no-split-loc]

Standard library only. Writes `TOKEN<TAB>TAG` lines, BIO (IOB2) tags with
types PER / ORG / LOC, a blank line between sentences and a `-DOCSTART-<TAB>O`
line (then a blank line) before each document, like factru_to_conll.py.
Documents are taken in sorted file-name order, split by split. Counts go to
stderr.

Source and licence
------------------
github.com/nerel-ds/NEREL (commit 8f07d3e410f3, 2023-11-01), folder
NEREL-v1.0/{train,dev,test}: Russian Wikinews articles, nested entities of 29
types (plus relations and events, not used here). The repository has no
LICENSE file and its README states no licence; see data/models/README.md.

Tokens and sentences
--------------------
NEREL has no tokens, so the text is cut the way factRuEval-2016's .tokens
files are (the rest of the Russian training data and the test set):
- words with inner hyphens or apostrophes stay whole ("Нью-Йорк",
  "пресс-служба", "ТМА-12", "90-х", "О’Рейли"); so do decimal numbers
  ("5,56", "0,5") and web names ("Lenta.ru", "NEWSru.com", ".рф");
- "..." is one token; every other non-space, non-word character is its own
  token, including the dot of an initial ("В . Путин");
- a sentence ends at a line break, or after `.`, `!`, `?` or `…` (and any
  closing quotes/brackets) when the next token starts with an upper-case
  letter, a digit or an opening quote, unless the word before the dot is a
  single letter (an initial) or a listed abbreviation ("г.", "ул.", "им."),
  and never inside an entity span.

Type mapping (factRuEval's conventions)
---------------------------------------
    PERSON -> PER
    ORGANIZATION -> ORG
    COUNTRY, CITY, STATE_OR_PROVINCE, DISTRICT, LOCATION -> LOC
    everything else -> O

- FACILITY -> O: factRuEval's Facility objects (buildings, airports,
  stadiums) are dropped by factru_to_conll.py, so they are O there too.
- NATIONALITY -> O: factRuEval's geo_adj / nationality words
  ("российский", "американцы") are not loc_name spans, so they are O.
- NEREL tags country adjectives as COUNTRY ("американское", "киргизских").
  With `--lower loc` (or `all`) a mapped LOC span whose first letter is
  lower case is dropped (factRuEval: geo_adj, O). With `--lower all` the same
  holds for ORG: NEREL's "правительства Киргизии", "прокуратура",
  "правоохранительные органы" are descriptors in factRuEval (org_descr, O),
  while a name nested in them ("Киргизии", "МВД" of "пресс-служба МВД")
  is kept. A capitalised ORG span whose first word,
  lower-cased, begins at least two lower-case ORG spans of the input
  ("Пресс-служба МВД", "Посольство США" at a sentence start) counts as
  lower case too.
- `--split-loc`: factRuEval tags "МИД РФ", "Госдумы России", "Конгресса
  США" as ORG + LOC; NEREL as one ORGANIZATION with a nested COUNTRY. With
  this switch an ORG span that ends with a nested LOC span (after at least
  one other token) is cut before it, and the LOC is kept; not when the rest
  has a quote ("ФК «Тамбов»") or is one adjective ("Единая Россия").

Nesting: mapped spans are flattened outermost first (sorted by start,
longest first; a span overlapping one already kept is dropped: nested ones
inside it, and crossing ones, which lose to the longer span). Tokens made
only of quotes/brackets at either edge of a span are trimmed. Spans made of
several fragments (brat `start end;start end`) are dropped.
"""
import argparse
import glob
import os
import re
import sys
from collections import Counter

from conll import entity_counts, write_document

TYPE_MAP = {
    "PERSON": "PER",
    "ORGANIZATION": "ORG",
    "COUNTRY": "LOC",
    "CITY": "LOC",
    "STATE_OR_PROVINCE": "LOC",
    "DISTRICT": "LOC",
    "LOCATION": "LOC",
}
TYPES = ["PER", "ORG", "LOC"]
EDGE_CHARS = set("«»\"'„“”‘’‹›()[]")
OPENERS = set("«\"„“‘(")
CLOSERS = set("»\"”’)")
ENDERS = {".", "!", "?", "…", "..."}
ABBREV = {
    "г", "гг", "ул", "им", "т", "д", "см", "п", "пр", "просп", "пл", "обл", "р",
    "руб", "млн", "млрд", "тыс", "св", "ст", "акад", "проф", "и.о", "др", "англ",
    "н", "э", "в", "вв", "кв", "км", "чел", "стр", "рис", "mr", "dr", "st", "ген",
}

DOMAIN = r"(?:ru|com|рф|org|net|eu|ua|info|by|kz|de|uk|fm|tv|su|io|doc|html)"
TOKEN_RE = re.compile(
    r"\d+(?:[.,]\d+)+"                      # 5,56  0,5  1.5
    r"|\w*(?:\.(?i:" + DOMAIN + r"))+(?!\w)"  # .рф  (domain alone)
    r"|\w+(?:[-‐‑’'`]\w+)*(?:\.(?i:" + DOMAIN + r")(?!\w))*"  # words, Lenta.ru
    r"|\.\.\."
    r"|\S",
    re.UNICODE,
)


def tokenize(text):
    """(start, end) of each token, in order."""
    out = []
    for m in TOKEN_RE.finditer(text):
        if m.end() > m.start():
            out.append((m.start(), m.end()))
    return out


def read_ann(path, stats):
    """Mapped spans as (start, end, type) character ranges."""
    spans = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("T"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            head = parts[1]
            ty, _, ranges = head.partition(" ")
            stats["nerel." + ty] += 1
            etype = TYPE_MAP.get(ty)
            if etype is None:
                continue
            if ";" in ranges:
                stats["dropped_fragmented"] += 1
                continue
            s, e = ranges.split()
            spans.append((int(s), int(e), etype))
    return spans


def first_letter_lower(s):
    for c in s:
        if c.isalpha():
            return c.islower()
    return False


def descriptor_words(txts):
    """Lower-cased first words of the ORG spans that start in lower case
    ("правительства", "пресс-служба", "посольство"): a capitalised span
    starting with one of them ("Пресс-служба МВД" at a sentence start) is a
    descriptor phrase too."""
    words = Counter()
    for txt in txts:
        with open(txt, encoding="utf-8") as f:
            text = f.read()
        for s, e, ty in read_ann(txt[: -len(".txt")] + ".ann", Counter()):
            if ty != "ORG":
                continue
            m = TOKEN_RE.search(text, s, e)
            if m and m.group()[0].islower():
                words[m.group()] += 1
    return {w for w, n in words.items() if n >= 2}


ADJ_END = re.compile(r"(?:ая|ой|ую|ое|ый|ий|ие|ых|их|ым|им|ыми|ими|ого|его|ому|ему)$")


def convert_doc(txt_path, ann_path, args, stats, descr):
    with open(txt_path, encoding="utf-8") as f:
        text = f.read()
    toks = tokenize(text)
    at_start = {s: i for i, (s, _) in enumerate(toks)}
    at_end = {e: i + 1 for i, (_, e) in enumerate(toks)}

    cands = []
    for s, e, ty in read_ann(ann_path, stats):
        # Leading/trailing spaces in a span: shrink to the text.
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s not in at_start or e not in at_end:
            stats["misaligned." + ty] += 1
            continue
        t1, t2 = at_start[s], at_end[e]
        words = [text[a:b] for a, b in toks[t1:t2]]
        while t1 < t2 and all(c in EDGE_CHARS for c in words[0]):
            t1 += 1
            words.pop(0)
        while t2 > t1 and all(c in EDGE_CHARS for c in words[-1]):
            t2 -= 1
            words.pop()
        if t1 >= t2:
            continue
        lower = first_letter_lower(words[0]) or (
            args.lower == "all" and ty == "ORG" and words[0].lower() in descr)
        if lower and (
            (args.lower == "all") or (args.lower == "loc" and ty == "LOC")
        ):
            stats["dropped_lower." + ty] += 1
            continue
        cands.append((t1, t2, ty))
    cands = sorted(set(cands))

    if args.split_loc:
        locs = {(t1, t2) for t1, t2, ty in cands if ty == "LOC"}
        out = []
        for t1, t2, ty in cands:
            if ty == "ORG":
                tails = [a for a, b in locs if b == t2 and t1 < a]
                head = [text[a:b] for a, b in toks[t1:min(tails)]] if tails else []
                if tails and any(all(c in EDGE_CHARS for c in w) for w in head):
                    tails = []  # a quoted name: ФК «Тамбов»
                if tails and len(head) == 1 and ADJ_END.search(head[0]):
                    tails = []  # «Единая Россия», «Справедливая Россия»
                if tails:
                    stats["split_trailing_loc"] += 1
                    t2 = min(tails)
            out.append((t1, t2, ty))
        cands = sorted(set(out))

    # Same tokens, two types: ORG > LOC > PER (as factru_to_conll.py).
    prio = {"ORG": 0, "LOC": 1, "PER": 2}
    by_range = {}
    for t1, t2, ty in cands:
        if (t1, t2) not in by_range or prio[ty] < prio[by_range[(t1, t2)]]:
            by_range[(t1, t2)] = ty
    kept = []
    for (t1, t2), ty in sorted(by_range.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        clash = [k for k in kept if k[0] < t2 and t1 < k[1]]
        if not clash:
            kept.append((t1, t2, ty))
        elif any(k[0] <= t1 and t2 <= k[1] for k in clash):
            stats["dropped_nested"] += 1
        else:
            stats["dropped_crossing"] += 1

    tags = ["O"] * len(toks)
    inside = [False] * len(toks)  # a token inside an entity, not its first
    for t1, t2, ty in kept:
        tags[t1] = "B-" + ty
        for t in range(t1 + 1, t2):
            tags[t] = "I-" + ty
            inside[t] = True
        stats["entities." + ty] += 1

    # Sentences.
    sents, cur = [], []
    for i, (s, e) in enumerate(toks):
        if cur and not inside[i]:
            prev_end = toks[i - 1][1]
            gap = text[prev_end:s]
            if "\n" in gap:
                sents.append(cur)
                cur = []
            else:
                # Last non-closer token of cur.
                j = len(cur) - 1
                while j > 0 and text[toks[cur[j]][0]:toks[cur[j]][1]] in CLOSERS:
                    j -= 1
                last = text[toks[cur[j]][0]:toks[cur[j]][1]]
                word = text[toks[cur[j - 1]][0]:toks[cur[j - 1]][1]] if j > 0 else ""
                nxt = text[s:e]
                starts_ok = nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in OPENERS
                abbrev = last == "." and (
                    (len(word) == 1 and word.isalpha()) or word.lower() in ABBREV
                )
                if last in ENDERS and gap and starts_ok and not abbrev:
                    sents.append(cur)
                    cur = []
        cur.append(i)
    if cur:
        sents.append(cur)
    return [[(text[toks[i][0]:toks[i][1]], tags[i]) for i in sent] for sent in sents]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("split_dirs", nargs="+")
    ap.add_argument("--lower", choices=["none", "loc", "all"], default="all")
    ap.add_argument("--split-loc", action=argparse.BooleanOptionalAction, default=True)
    args = ap.parse_args()

    stats = Counter()
    all_txts = [t for d in args.split_dirs for t in sorted(glob.glob(os.path.join(d, "*.txt")))]
    descr = descriptor_words(all_txts) if args.lower == "all" else set()
    n_docs = n_sents = n_tokens = 0
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for d in args.split_dirs:
            txts = sorted(glob.glob(os.path.join(d, "*.txt")))
            if not txts:
                sys.exit(f"no *.txt files in {d}")
            for txt in txts:
                ann = txt[: -len(".txt")] + ".ann"
                if not os.path.exists(ann):
                    sys.exit(f"{ann} missing")
                sents, tokens = write_document(f, convert_doc(txt, ann, args, stats, descr))
                n_docs += 1
                n_sents += sents
                n_tokens += tokens
    print(f"{args.out}: {n_docs} documents, {n_sents} sentences, {n_tokens} tokens, "
          + entity_counts(stats, TYPES), file=sys.stderr)
    for k in sorted(stats):
        if not k.startswith("entities.") and not k.startswith("nerel."):
            print(f"  {k}: {stats[k]}", file=sys.stderr)


if __name__ == "__main__":
    main()
