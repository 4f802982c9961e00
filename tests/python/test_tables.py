"""Open every table of a gleaner dataset with the real DuckDB and polars.

The dataset directory comes from $GLEANER_DATASET (scripts/test.sh runs the
sample into a temporary directory first). Checks that each table's columns and
types are what DESIGN.md promises and that row counts agree with the manifest.
"""

import json
import os
from pathlib import Path

import duckdb
import polars as pl
import pytest

DATASET = Path(os.environ.get("GLEANER_DATASET", "output/sample"))

# column -> (DuckDB type, polars type)
TS = ("TIMESTAMP WITH TIME ZONE", pl.Datetime("us", "UTC"))
STR = ("VARCHAR", pl.String)
U32 = ("UINTEGER", pl.UInt32)
F64 = ("DOUBLE", pl.Float64)
BOOL = ("BOOLEAN", pl.Boolean)

SCHEMAS = {
    "documents": {
        "doc_id": STR, "source": STR, "record": U32, "id": STR, "url": STR,
        "title": STR, "published": TS, "text": STR, "n_words": U32, "lang": STR,
        "lang_confidence": F64, "alpha_share": F64, "mean_line_len": F64,
        "repetition": F64, "quality_flag": STR, "content_hash": STR,
        "cluster_id": STR, "is_representative": BOOL,
    },
    "duplicates": {
        "cluster_id": STR, "doc_id": STR, "representative_id": STR, "kind": STR,
        "similarity": F64,
    },
    "mentions": {
        "doc_id": STR, "start": U32, "end": U32, "surface": STR, "label": STR,
        "entity_key": STR,
    },
    "entities": {
        "entity_key": STR, "label": STR, "name": STR, "n_docs": U32,
        "n_mentions": U32, "first_seen": TS, "last_seen": TS,
    },
    "boilerplate": {"doc_id": STR, "line_no": U32, "text": STR, "reason": STR},
}


@pytest.fixture(scope="module")
def manifest():
    return json.loads((DATASET / "manifest.json").read_text())


@pytest.mark.parametrize("table", sorted(SCHEMAS))
def test_duckdb_reads_table(table, manifest):
    path = str(DATASET / f"{table}.parquet")
    con = duckdb.connect()
    described = con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()
    got = {row[0]: row[1] for row in described}
    assert got == {col: types[0] for col, types in SCHEMAS[table].items()}
    (rows,) = con.execute(f"SELECT count(*) FROM '{path}'").fetchone()
    assert rows == manifest["tables"][table]["rows"]


@pytest.mark.parametrize("table", sorted(SCHEMAS))
def test_polars_reads_table(table, manifest):
    frame = pl.read_parquet(DATASET / f"{table}.parquet")
    assert dict(frame.schema) == {col: types[1] for col, types in SCHEMAS[table].items()}
    assert frame.height == manifest["tables"][table]["rows"]


def test_sample_numbers_through_duckdb():
    con = duckdb.connect()
    docs = str(DATASET / "documents.parquet")
    assert con.execute(f"SELECT count(*) FROM '{docs}'").fetchone()[0] == 9
    clusters = con.execute(
        f"SELECT cluster_id, count(*) FROM '{docs}' GROUP BY 1 HAVING count(*) > 1"
    ).fetchall()
    assert len(clusters) == 1 and clusters[0][1] == 2
    # Every mention's offsets slice its surface out of documents.text.
    mentions = str(DATASET / "mentions.parquet")
    bad = con.execute(
        f"""SELECT count(*) FROM '{mentions}' m JOIN '{docs}' d USING (doc_id)
            WHERE substring(d.text, m.start + 1, m."end" - m.start) <> m.surface"""
    ).fetchone()[0]
    assert bad == 0


def test_polars_joins_mentions_to_entities():
    mentions = pl.read_parquet(DATASET / "mentions.parquet")
    entities = pl.read_parquet(DATASET / "entities.parquet")
    joined = mentions.join(entities, on="entity_key", how="left")
    assert joined["name"].null_count() == 0
    counts = mentions.group_by("entity_key").len().sort("entity_key")
    expected = entities.select("entity_key", "n_mentions").sort("entity_key")
    assert counts["len"].to_list() == expected["n_mentions"].to_list()
