#!/usr/bin/env python3
"""Writes Mozilla Readability's test pages in WCXB's split layout.

    to_wcxb.py TEST_PAGES_DIR SPLIT_DIR

TEST_PAGES_DIR holds <name>/{source.html,expected.html} (readability's
test/test-pages). SPLIT_DIR gets html/<name>.html.gz (source.html as is) and
ground-truth/<name>.json, whose main_content is the text of expected.html
(the article Readability.js extracts, checked in by its maintainers), and
url the one the tests parse every page with. The page type is "article"
for a saved web page and "fixture" for a page written by hand to test one
feature of Readability.js (mostly lorem ipsum in a few tags): the 36 pages
whose source.html is under 8 KB, where the saved pages start at 10 KB.
Read by `aeb wcxb`, benches/wcxb/run_python.py and benches/wcxb/score.py.
"""
import gzip
import json
import sys
from html.parser import HTMLParser
from pathlib import Path

URL = "http://fakehost/test/page.html"  # test/test-readability.js
FIXTURE_BYTES = 8000
# Elements that separate words; text inside any other element runs on.
BLOCK = set(
    "address article aside blockquote br dd details div dl dt figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot "
    "th thead tr ul".split()
)


class Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def text(html):
    p = Text()
    p.feed(html)
    p.close()
    lines = (" ".join(line.split()) for line in "".join(p.parts).splitlines())
    return "\n".join(line for line in lines if line)


def main():
    src, split = Path(sys.argv[1]), Path(sys.argv[2])
    (split / "html").mkdir(parents=True, exist_ok=True)
    (split / "ground-truth").mkdir(parents=True, exist_ok=True)
    pages = sorted(d for d in src.iterdir() if (d / "expected.html").is_file())
    for d in pages:
        source = (d / "source.html").read_bytes()
        (split / "html" / f"{d.name}.html.gz").write_bytes(gzip.compress(source, mtime=0))
        truth = {
            "url": URL,
            "file_id": d.name,
            "_internal": {"page_type": {"primary": "fixture" if len(source) < FIXTURE_BYTES else "article"}},
            "ground_truth": {"main_content": text((d / "expected.html").read_text(encoding="utf-8"))},
        }
        (split / "ground-truth" / f"{d.name}.json").write_text(json.dumps(truth, ensure_ascii=False))
    print(f"to_wcxb: {len(pages)} pages in {split}", file=sys.stderr)


if __name__ == "__main__":
    main()
