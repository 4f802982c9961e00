#!/usr/bin/env python3
"""Runs the Python peer tools on the AEB pages, one thread, pages in memory.

    run_python.py AEB_DIR OUT_DIR TOOL...

TOOL is trafilatura, resiliparse, justext, justext_trafilatura (jusText
as trafilatura's evaluation runs it) or inscriptis (the full page
rendered to text, the input of the plain-text benchmark; with --render DIR
each page's text is also written to DIR/<id>.txt). Writes OUT_DIR/<tool>.json
in AEB's output format and prints `<tool> <pages> <seconds>` per tool.
"""
import gzip
import json
import sys
import time
from pathlib import Path


def extractor(name):
    if name == "trafilatura":
        import trafilatura

        return lambda html, url: trafilatura.extract(html, include_comments=False, url=url)
    if name == "resiliparse":
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree

        return lambda html, url: extract_plain_text(HTMLTree.parse(html), main_content=True)
    if name == "justext":
        import justext

        stop = justext.get_stoplist("English")
        return lambda html, url: "\n".join(
            p.text for p in justext.justext(html.encode("utf-8"), stop) if not p.is_boilerplate
        )
    if name == "justext_trafilatura":
        # as trafilatura's tests/evaluate.py runs it: every language's
        # stoplist merged, its thresholds
        import justext
        from trafilatura.external import jt_stoplist_init

        stop = jt_stoplist_init()
        return lambda html, url: " ".join(
            p.text
            for p in justext.justext(html.encode("utf-8"), stop, 50, 200, 0.1, 0.2, 0.2, 200, True)
            if not p.is_boilerplate
        )
    if name == "inscriptis":
        from inscriptis import get_text

        return lambda html, url: get_text(html)
    raise SystemExit(f"unknown tool {name}")


def main():
    args = sys.argv[1:]
    render = None
    if "--render" in args:
        i = args.index("--render")
        render = Path(args[i + 1])
        del args[i : i + 2]
    aeb, out, tools = Path(args[0]), Path(args[1]), args[2:]
    truth = json.loads((aeb / "ground-truth.json").read_text())
    pages = {p.name.split(".")[0]: gzip.open(p, "rt", encoding="utf-8").read() for p in sorted((aeb / "html").glob("*.html.gz"))}
    out.mkdir(parents=True, exist_ok=True)
    for tool in tools:
        fn = extractor(tool)
        result = {}
        start = time.perf_counter()
        for key, html in pages.items():
            try:
                result[key] = fn(html, truth[key].get("url")) or ""
            except Exception as e:  # a tool failing on a page scores that page 0
                print(f"{tool}: {key}: {e}", file=sys.stderr)
                result[key] = ""
        seconds = time.perf_counter() - start
        (out / f"{tool}.json").write_text(json.dumps({"version": tool, "output": {k: {"articleBody": v} for k, v in result.items()}}, ensure_ascii=False))
        if render is not None and tool == "inscriptis":
            render.mkdir(parents=True, exist_ok=True)
            for key, text in result.items():
                (render / f"{key}.txt").write_text(text, encoding="utf-8")
        print(f"{tool} {len(pages)} {seconds:.3f}")


if __name__ == "__main__":
    main()
