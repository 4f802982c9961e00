"""Parquet files as inputs, written by the real polars and DuckDB.

The shards users would otherwise hand datatrove (FineWeb's columns, a
polars `write_parquet`, zstd) or write from DuckDB (snappy, a TIMESTAMPTZ
and an embedding column), and gleaner's own `documents` table fed back in:
one document per row, with url, id and date read from their columns.
Needs GLEANER_BIN (scripts/test.sh sets it).
"""

import os
import subprocess
from pathlib import Path

import duckdb
import polars as pl
import pytest

pytestmark = pytest.mark.skipif("GLEANER_BIN" not in os.environ, reason="needs GLEANER_BIN")

PROSE = [
    "The regional council met on Tuesday to agree the budget for the coming year. "
    "Members argued for hours about the cost of new schools and roads in the north. "
    "In the end the plan passed with a narrow majority, and work will start in spring.",
    "Heavy snow closed the mountain pass for the third time this winter. "
    "Drivers were told to wait in the valley towns until the ploughs had cleared the road. "
    "The weather service expects the storm to move east by the end of the week.",
    "A new library opened in the old railway station after two years of building work. "
    "Its reading rooms keep the tall windows and iron beams of the original hall. "
    "Local schools have already booked visits for every class before the summer holidays.",
]


def run(work: Path, inputs: Path) -> Path:
    """The dataset of one `gleaner run` over `inputs`, in `work`."""
    work.mkdir(exist_ok=True)
    (work / "gleaner.toml").write_text(
        f'[dataset]\nname = "pq"\ninputs = ["{inputs}"]\noutput = "{work / "ds"}"\n'
    )
    done = subprocess.run(
        [os.environ["GLEANER_BIN"], "run", "--config", str(work / "gleaner.toml")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return work / "ds"


def documents(dataset: Path) -> pl.DataFrame:
    return pl.read_parquet(dataset / "documents" / "**" / "*.parquet", hive_partitioning=True)


def test_polars_and_duckdb_parquet_files_give_a_document_per_row(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    # FineWeb's columns, as polars writes them (zstd by default).
    pl.DataFrame(
        {
            "text": PROSE[:2],
            "id": ["<urn:uuid:1>", "<urn:uuid:2>"],
            "dump": ["CC-MAIN-2013-20"] * 2,
            "url": ["http://a.example/1", "http://a.example/2"],
            "date": ["2013-05-18T07:24:47Z", "2013-05-19T08:00:00Z"],
            "language_score": [0.97, 0.95],
            "token_count": [61, 58],
        }
    ).write_parquet(inputs / "fineweb.parquet")
    # Other names, a zoned timestamp and an embedding, as DuckDB writes
    # them (snappy by default).
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT ? AS content, 'http://b.example/3' AS link, "
        "TIMESTAMPTZ '2022-12-15 10:00:00+00' AS published_at, "
        "[0.5, 0.25]::FLOAT[] AS embedding) TO ? (FORMAT parquet)",
        [PROSE[2], str(inputs / "duck.parquet")],
    )
    docs = documents(run(tmp_path, inputs)).sort("url")
    assert docs["url"].to_list() == [
        "http://a.example/1",
        "http://a.example/2",
        "http://b.example/3",
    ]
    assert docs["id"].to_list()[:2] == ["<urn:uuid:1>", "<urn:uuid:2>"]
    assert [t.split(".")[0] for t in docs["text"].to_list()] == [p.split(".")[0] for p in PROSE]
    published = [str(t)[:10] for t in docs["published"].to_list()]
    assert published == ["2013-05-18", "2013-05-19", "2022-12-15"]


def test_gleaners_own_documents_table_reads_back(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    pl.DataFrame({"text": PROSE, "url": [f"http://c.example/{i}" for i in range(3)]}).write_parquet(
        inputs / "first.parquet"
    )
    first = documents(run(tmp_path / "one", inputs))
    again = tmp_path / "again"
    again.mkdir()
    first.drop("run").write_parquet(again / "documents.parquet")
    second = documents(run(tmp_path / "two", again))
    columns = ["url", "text", "title", "published"]
    assert second.sort("url").select(columns).equals(first.sort("url").select(columns))
