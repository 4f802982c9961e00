#!/usr/bin/env python3
"""Runs the Python peer tools on one WCXB split, one thread, pages in memory.

    run_python.py SPLIT_DIR OUT_DIR TOOL...

SPLIT_DIR is data/external/wcxb/dev or …/test; TOOL is trafilatura,
resiliparse or justext, called as benches/aeb/run_python.py calls them.
Writes OUT_DIR/<tool>.json as evaluate.py reads it ({file_id: text}) and
prints `<tool> <pages> <seconds>` per tool.
"""
import gzip
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "aeb"))
from run_python import extractor  # noqa: E402  (the same calls as on AEB)


def main():
    split, out, tools = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    pages = {}
    for p in sorted((split / "html").glob("*.html.gz")):
        key = p.name.split(".")[0]
        truth = json.loads((split / "ground-truth" / f"{key}.json").read_text())
        html = gzip.open(p, "rb").read().decode("utf-8", errors="replace")
        pages[key] = (html, truth.get("url"))
    out.mkdir(parents=True, exist_ok=True)
    for tool in tools:
        fn = extractor(tool)
        result = {}
        start = time.perf_counter()
        for key, (html, url) in pages.items():
            try:
                result[key] = fn(html, url) or ""
            except Exception as e:  # a tool failing on a page scores that page 0
                print(f"{tool}: {key}: {e}", file=sys.stderr)
                result[key] = ""
        seconds = time.perf_counter() - start
        (out / f"{tool}.json").write_text(json.dumps(result, ensure_ascii=False))
        print(f"{tool} {len(pages)} {seconds:.3f}")


if __name__ == "__main__":
    main()
