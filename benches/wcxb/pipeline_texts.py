#!/usr/bin/env python3
"""documents.text of a gleaner dataset as {page id: text}, the page id being
the source file's name up to its first dot (WCXB's layout).

    pipeline_texts.py DATASET OUT.json
"""
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq


def main():
    dataset, out = Path(sys.argv[1]), Path(sys.argv[2])
    texts = {}
    for part in sorted((dataset / "documents").rglob("*.parquet")):
        table = pq.read_table(part, columns=["source", "text"]).to_pydict()
        for source, text in zip(table["source"], table["text"]):
            texts[Path(source).name.split(".")[0]] = text or ""
    out.write_text(json.dumps(texts))


if __name__ == "__main__":
    main()
