#!/usr/bin/env python3
"""Renders the pages of a WCXB-layout split (html/<id>.html[.gz]) to text
with inscriptis, one OUT/<id>.txt each, as AEB's plain-text task renders
its pages: the line classifier's second training source.

    render_pages.py SPLIT OUT
"""
import gzip, sys
from pathlib import Path
from inscriptis import get_text
split, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
for p in sorted((split / "html").glob("*.html*")):
    raw = gzip.open(p, "rb").read() if p.suffix == ".gz" else p.read_bytes()
    html = raw.decode("utf-8", errors="replace")
    try:
        text = get_text(html)
    except Exception:  # a page inscriptis cannot read renders empty
        text = ""
    (out / (p.name.split(".")[0] + ".txt")).write_text(text, encoding="utf-8")
