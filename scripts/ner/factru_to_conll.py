#!/usr/bin/env python3
"""Converts a factRuEval-2016 split (devset/ or testset/) to a CoNLL file.

    python3 scripts/ner/factru_to_conll.py SPLIT_DIR OUT.conll [--no-docstart]

Standard library only. Writes one token per line, `TOKEN<TAB>TAG`, BIO (IOB2)
tags with types PER / ORG / LOC, a blank line between sentences, and a
`-DOCSTART-<TAB>O` line (then a blank line) before each document, as
CoNLL-2003 does; gleaner's reader (src/stages/entities/ner/conll.rs) takes
documents from those lines. Counts go to stderr.

Source and licence
------------------
github.com/dialogue-evaluation/factRuEval-2016 (commit dfe96237fce7, the
repository's last, 2016-12-09): devset/ (122 documents) and testset/ (132
documents; testset/list.txt is a file list, not a document, and is skipped
because it has no .tokens). The repository's LICENSE file is the MIT License,
"Copyright (c) 2015 dialogue-evaluation"; it covers the whole repository,
data included. The texts are news and analytical articles (see the README and
http://www.dialog-21.ru/evaluation/2016/letter/).

Input format (README.md of the repository)
------------------------------------------
- NAME.txt: the text. All offsets below are character (code point) offsets
  into it; every token's text equals txt[start:start+length].
- NAME.tokens: `token_id start length text`, one token a line, sentences
  separated by blank lines. Sentences here are exactly those blank-line groups.
- NAME.spans: `span_id span_type start length first_token_id n_tokens  # ids
  texts`. Span types: name, surname, patronymic, nickname (people), org_name,
  org_descr, loc_name, loc_descr, geo_adj, job, prj_name, prj_descr,
  facility_descr. A few span ids occur on two lines with two types and the
  same extent (e.g. surname + nickname); such a span has both types.
- NAME.objects: `object_id object_type span_id...  # texts`. Object types:
  Person, Org, Location, LocOrg, Project, Facility. Objects may nest (an Org
  whose name contains a LocOrg) and one span may belong to several objects.
- NAME.coref / NAME.facts (third layer, tracks 2-3): not used.

Type mapping
------------
    Person -> PER     Org -> ORG     Location -> LOC     LocOrg -> LOC
    Project, Facility -> dropped (their tokens are O unless another object
    covers them)

How entity spans are derived from objects and spans
---------------------------------------------------
An object is a set of spans, and besides the name it usually holds
descriptors ("мэрия", "площадь", "движение"), job titles ("губернатор") and
geographic adjectives ("подмосковный"). Only the name part is tagged, as in
natasha's own adaptation of this corpus (github.com/natasha/nerus,
nerus/adapt/factru.py) and in line with the track-1 scorer, which gives
descriptor, job and geo_adj tokens zero weight (scripts/dialent/config.py):

- Person: one entity from the first to the last token of its name,
  surname, patronymic and nickname spans (the whole name, "Юрия Лужкова";
  the dots of initials come in: "В . Путин"; in a few coordinated names,
  "Аркадия и Бориса Ротенбергов", the whole phrase).
- Org: one entity per span of type org_name ("Солидарность", not
  "движения «Солидарность»"). An Org with no org_name span (e.g. "мэрии
  Москвы": org_descr + loc_name) gives no ORG entity.
- Location / LocOrg: one entity per span of type loc_name ("Тверской" of
  "Тверской площади"; "Москвы"). Objects with only geo_adj or descriptor
  spans give nothing.
- An object made only of name spans of the other kind (an Org whose only
  span is a loc_name, e.g. "G20"; a Location/LocOrg made only of org_name
  spans, e.g. "Росбалт") takes those spans, with its own object type.

Spans are mapped to tokens by character offsets (they always fall on token
boundaries). Then:
1. Tokens made only of quotes/brackets at either edge of an entity are
   trimmed off (names like «Левый фронт» are tagged without the guillemets).
2. An entity crossing a sentence boundary is dropped (counted in stderr).
3. Duplicates (same tokens and type, e.g. one name shared by two objects)
   are merged. Where the same tokens get two types, ORG beats LOC beats PER
   (the track-1 scorer also lets an org own an equal-sized per/loc).
4. Overlaps are flattened outermost-first: entities sorted by start, longest
   first, and each kept only if it overlaps no entity already kept. So a
   LocOrg inside an org name ("Движение в защиту Химкинского леса") leaves
   only the ORG; nested and crossing entities dropped are counted.
"""
import argparse
import glob
import os
import sys
from collections import Counter, defaultdict

from conll import entity_counts, write_document

TYPE_MAP = {"Person": "PER", "Org": "ORG", "Location": "LOC", "LocOrg": "LOC"}
PER_SPANS = {"name", "surname", "patronymic", "nickname"}
NAME_SPAN = {"ORG": "org_name", "LOC": "loc_name"}
PRIORITY = {"ORG": 0, "LOC": 1, "PER": 2}
EDGE_CHARS = set("«»\"'„“”‘’‹›()[]")
TYPES = ["PER", "ORG", "LOC"]


def read_tokens(path):
    """Sentences as lists of (start, end, text), in file order."""
    sents, cur = [], []
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            parts = line.split()
            if not parts:
                if cur:
                    sents.append(cur)
                    cur = []
                continue
            if len(parts) != 4:
                raise ValueError(f"{path}: bad token line {line!r}")
            _, start, length, text = parts
            cur.append((int(start), int(start) + int(length), text))
    if cur:
        sents.append(cur)
    return sents


def read_spans(path):
    """span id -> (set of span types, start, end)."""
    spans = {}
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            left = line.split("#", 1)[0].split()
            if not left:
                continue
            sid, stype, start, length = left[0], left[1], int(left[2]), int(left[3])
            end = start + length
            if sid in spans:
                types, s0, e0 = spans[sid]
                if (s0, e0) != (start, end):
                    raise ValueError(f"{path}: span {sid} has two extents")
                types.add(stype)
            else:
                spans[sid] = ({stype}, start, end)
    return spans


def read_objects(path):
    """List of (object id, object type, [span ids])."""
    objs = []
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            left = line.split("#", 1)[0].split()
            if not left:
                continue
            objs.append((left[0], left[1], left[2:]))
    return objs


def convert_doc(base, stats):
    sents = read_tokens(base + ".tokens")
    spans = read_spans(base + ".spans")
    objs = read_objects(base + ".objects")

    at_start, at_end = {}, {}
    for si, sent in enumerate(sents):
        for ti, (s, e, _) in enumerate(sent):
            at_start[s] = (si, ti)
            at_end[e] = (si, ti + 1)

    def to_tokens(start, end):
        if start not in at_start or end not in at_end:
            stats["misaligned"] += 1
            return None
        (s1, t1), (s2, t2) = at_start[start], at_end[end]
        if s1 != s2:
            stats["cross_sentence"] += 1
            return None
        return s1, t1, t2

    cands = []
    for oid, otype, sids in objs:
        stats["objects." + otype] += 1
        etype = TYPE_MAP.get(otype)
        if etype is None:
            continue
        members = []
        for sid in sids:
            if sid not in spans:
                stats["missing_span"] += 1
                continue
            members.append(spans[sid])
        if etype == "PER":
            names = [(s, e) for types, s, e in members if types & PER_SPANS]
            chars = [(min(s for s, _ in names), max(e for _, e in names))] if names else []
        else:
            chars = [(s, e) for types, s, e in members if NAME_SPAN[etype] in types]
            other = NAME_SPAN["LOC" if etype == "ORG" else "ORG"]
            if not chars and members and all(other in types for types, _, _ in members):
                chars = [(s, e) for _, s, e in members]
                stats["other_name_fallback." + otype] += 1
        if not chars:
            stats["no_name_span." + otype] += 1
        for s, e in chars:
            loc = to_tokens(s, e)
            if loc is None:
                continue
            si, t1, t2 = loc
            words = sents[si]
            while t1 < t2 and all(c in EDGE_CHARS for c in words[t1][2]):
                t1 += 1
                stats["trimmed_edge_tokens"] += 1
            while t2 > t1 and all(c in EDGE_CHARS for c in words[t2 - 1][2]):
                t2 -= 1
                stats["trimmed_edge_tokens"] += 1
            if t1 < t2:
                cands.append((si, t1, t2, etype))

    # Merge duplicates; same tokens with two types: ORG > LOC > PER.
    by_range = {}
    for si, t1, t2, ty in cands:
        key = (si, t1, t2)
        if key in by_range and by_range[key] != ty:
            stats["same_tokens_two_types"] += 1
            if PRIORITY[ty] < PRIORITY[by_range[key]]:
                by_range[key] = ty
        else:
            by_range.setdefault(key, ty)
    stats["duplicates_merged"] += len(cands) - len(by_range)

    # Flatten: outermost first.
    kept = defaultdict(list)
    for (si, t1, t2), ty in sorted(by_range.items(), key=lambda kv: (kv[0][0], kv[0][1], -kv[0][2])):
        clash = [k for k in kept[si] if k[0] < t2 and t1 < k[1]]
        if not clash:
            kept[si].append((t1, t2, ty))
        elif any(k[0] <= t1 and t2 <= k[1] for k in clash):
            stats["dropped_nested"] += 1
        else:
            stats["dropped_crossing"] += 1

    out = []
    for si, sent in enumerate(sents):
        tags = ["O"] * len(sent)
        for t1, t2, ty in kept[si]:
            tags[t1] = "B-" + ty
            for t in range(t1 + 1, t2):
                tags[t] = "I-" + ty
            stats["entities." + ty] += 1
        out.append([(w, tag) for (_, _, w), tag in zip(sent, tags)])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("split_dir")
    ap.add_argument("out")
    ap.add_argument("--no-docstart", action="store_true",
                    help="no -DOCSTART- lines between documents")
    args = ap.parse_args()

    bases = sorted(p[:-len(".tokens")] for p in glob.glob(os.path.join(args.split_dir, "*.tokens")))
    if not bases:
        sys.exit(f"no *.tokens files in {args.split_dir}")
    stats = Counter()
    n_sents = n_tokens = 0
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for base in bases:
            for ext in (".spans", ".objects"):
                if not os.path.exists(base + ext):
                    sys.exit(f"{base}{ext} missing")
            sents, tokens = write_document(f, convert_doc(base, stats), not args.no_docstart)
            n_sents += sents
            n_tokens += tokens
    print(f"{args.out}: {len(bases)} documents, {n_sents} sentences, {n_tokens} tokens, "
          + entity_counts(stats, TYPES), file=sys.stderr)
    for k in sorted(stats):
        if not k.startswith("entities."):
            print(f"  {k}: {stats[k]}", file=sys.stderr)


if __name__ == "__main__":
    main()
