#!/usr/bin/env python3
"""Writes trafilatura's evaluation pages in WCXB's split layout.

    prepare.py SRC_DIR SPLIT_DIR

SRC_DIR holds trafilatura's tests/evaldata.json (per page URL: "file", and
the "with" snippets its extracted text must hold and the "without" snippets
it must not) and the pages under tests/cache/ or tests/eval/ (looked up in
that order, as tests/eval_common.py's resolve() does). SPLIT_DIR gets
html/<id>.html.gz and ground-truth/<id>.json (url, file, with, without,
lang, encoding), <id> being p0001… in URL order. Read by `aeb wcxb`,
benches/wcxb/run_python.py and benches/trafilatura_eval/score.py.

Every tool gets the same text: the pages are decoded once as a browser
(and gleaner's reader, src/stages/read/charset.rs) would — bytes that are
valid UTF-8 as UTF-8, otherwise the <meta> charset (ISO-8859-1 read as
windows-1252, as WHATWG says), otherwise windows-1252 — and written as
UTF-8 with their charset declaration rewritten to utf-8 (jusText re-reads
the declaration). 963 of the 990 pages are UTF-8 already.

`lang` is the page's own <html lang> (or og:locale / content-language),
its primary subtag, "?" when the page says none.
"""
import codecs
import gzip
import json
import re
import sys
from pathlib import Path

PRESCAN = 4096
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([-\w.:]+)""", re.I)
LANG = [
    re.compile(r"""<html\b[^>]*?\s(?:xml:)?lang\s*=\s*["']?([A-Za-z]{2,3})(?![A-Za-z])""", re.I),
    re.compile(r"""<meta[^>]+property\s*=\s*["']og:locale["'][^>]+content\s*=\s*["']?([A-Za-z]{2,3})(?![A-Za-z])""", re.I),
    re.compile(r"""<meta[^>]+content\s*=\s*["']?([A-Za-z]{2,3})(?![A-Za-z])[^>]*property\s*=\s*["']og:locale""", re.I),
    re.compile(r"""<meta[^>]+http-equiv\s*=\s*["']?content-language["']?[^>]+content\s*=\s*["']?([A-Za-z]{2,3})(?![A-Za-z])""", re.I),
]
# WHATWG reads these labels as windows-1252.
AS_1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "iso-ir-100", "cp819"}


def decode(raw):
    """(text, encoding name) as a browser reads the bytes."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", "replace"), "utf-8"
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            return raw[2:].decode(enc, "replace"), enc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    m = META_CHARSET.search(raw[:PRESCAN])
    label = m.group(1).decode("ascii", "replace").lower() if m else ""
    enc = "cp1252" if not label or label in AS_1252 else label
    try:
        codecs.lookup(enc)
    except LookupError:
        enc = "cp1252"
    return raw.decode(enc, "replace"), enc


def declare_utf8(text):
    head, rest = text[:PRESCAN], text[PRESCAN:]
    head = re.sub(r"""(<meta[^>]+charset\s*=\s*["']?)[-\w.:]+""", r"\1utf-8", head, flags=re.I)
    return head + rest


def language(text):
    head = text[:20000]
    for pattern in LANG:
        m = pattern.search(head)
        if m:
            return m.group(1).lower()
    return "?"


def main():
    src, split = Path(sys.argv[1]), Path(sys.argv[2])
    tests = src / "tests"
    evaldata = json.loads((tests / "evaldata.json").read_text(encoding="utf-8"))
    (split / "html").mkdir(parents=True, exist_ok=True)
    (split / "ground-truth").mkdir(parents=True, exist_ok=True)
    transcoded = 0
    for n, url in enumerate(sorted(evaldata), 1):
        item = evaldata[url]
        path = next((tests / d / item["file"] for d in ("cache", "eval") if (tests / d / item["file"]).is_file()), None)
        if path is None:
            raise SystemExit(f"prepare: {url}: page not found: {item['file']}")
        text, enc = decode(path.read_bytes())
        if enc != "utf-8":
            text = declare_utf8(text)
            transcoded += 1
        key = f"p{n:04d}"
        (split / "html" / f"{key}.html.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
        truth = {
            "url": url,
            "file_id": key,
            "file": str(path.relative_to(src)),
            "with": item["with"],
            "without": item["without"],
            "lang": language(text),
            "encoding": enc,
        }
        (split / "ground-truth" / f"{key}.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    print(f"prepare: {len(evaldata)} pages in {split} ({transcoded} transcoded to UTF-8)", file=sys.stderr)


if __name__ == "__main__":
    main()
