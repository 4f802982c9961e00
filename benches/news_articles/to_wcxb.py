#!/usr/bin/env python3
"""Writes AndyTheFactory's article-extraction-dataset in WCXB's split layout.

    to_wcxb.py SRC_DIR SPLIT_DIR

SRC_DIR holds news_articles.json (a list of {html_file, link, site, title,
text, ...}) and html/<html_file>.html, the page as downloaded (requests, or
playwright behind Cloudflare). SPLIT_DIR gets html/<html_file>.html.gz (the
page as is) and ground-truth/<html_file>.json, whose main_content is `text`,
the article body cleaned of boilerplate by hand by the dataset's author
(without the headline, as in WCXB and AEB; the headline goes to title), url
the page's `link`, site its `site`. Every page is a news or blog article from
212 English-language sites (two pages per site), so there is one page type,
"article". Entries whose html file is absent (run.sh leaves out the three
pages of 4 MiB or more) are skipped and counted. Read by `aeb wcxb`,
benches/wcxb/run_python.py and benches/wcxb/score.py.
"""
import gzip
import json
import sys
from pathlib import Path


def main():
    src, split = Path(sys.argv[1]), Path(sys.argv[2])
    (split / "html").mkdir(parents=True, exist_ok=True)
    (split / "ground-truth").mkdir(parents=True, exist_ok=True)
    entries = json.loads((src / "news_articles.json").read_text(encoding="utf-8"))
    written = skipped = 0
    for e in sorted(entries, key=lambda e: e["html_file"]):
        page = src / "html" / f"{e['html_file']}.html"
        if not page.is_file():
            skipped += 1
            continue
        key = e["html_file"]
        (split / "html" / f"{key}.html.gz").write_bytes(gzip.compress(page.read_bytes(), mtime=0))
        truth = {
            "url": e["link"],
            "file_id": key,
            "site": e["site"],
            "_internal": {"page_type": {"primary": "article"}},
            "ground_truth": {"title": e["title"], "main_content": e["text"]},
        }
        (split / "ground-truth" / f"{key}.json").write_text(json.dumps(truth, ensure_ascii=False))
        written += 1
    print(f"to_wcxb: {written} pages in {split} ({skipped} without html skipped)", file=sys.stderr)


if __name__ == "__main__":
    main()
