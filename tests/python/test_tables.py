"""Open every table of a gleaner dataset with the real DuckDB and polars.

The dataset directory comes from $GLEANER_DATASET (scripts/test.sh runs the
sample into a temporary directory first). Checks that each table's columns and
types are what DESIGN.md promises, that row counts agree with the manifest,
and that both read the Hive partitions of several runs as one table.
"""

import json
import os
import shutil
import subprocess
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
        "title": STR, "author": STR, "published": TS, "text": STR, "n_words": U32,
        "lang": STR,
        "lang_confidence": F64, "alpha_share": F64, "mean_line_len": F64,
        "repetition": F64, "stopword_share": F64, "quality_flag": STR, "content_hash": STR,
        "cluster_id": STR, "is_representative": BOOL,
    },
    "duplicates": {
        "cluster_id": STR, "doc_id": STR, "representative_id": STR, "kind": STR,
        "similarity": F64, "test": STR,
    },
    "mentions": {
        "doc_id": STR, "start": U32, "end": U32, "surface": STR, "label": STR,
        "entity_key": STR, "lang": STR,
    },
    "entities": {
        "entity_key": STR, "label": STR, "name": STR, "lang": STR, "n_docs": U32,
        "n_mentions": U32, "first_seen": TS, "last_seen": TS,
        "canonical_key": STR, "canonical_name": STR,
    },
    "canonical_entities": {
        "canonical_key": STR, "label": STR, "name": STR, "n_docs": U32,
        "n_mentions": U32, "first_seen": TS, "last_seen": TS,
        "variants": (
            'STRUCT(entity_key VARCHAR, "name" VARCHAR, lang VARCHAR, '
            "n_docs UINTEGER, n_mentions UINTEGER)[]",
            pl.List(pl.Struct({
                "entity_key": pl.String, "name": pl.String, "lang": pl.String,
                "n_docs": pl.UInt32, "n_mentions": pl.UInt32,
            })),
        ),
    },
    "boilerplate": {"doc_id": STR, "line_no": U32, "text": STR, "reason": STR},
}


# The Hive partition key every table gets from its directories.
RUN = ("BIGINT", pl.Int64)


def duck(dataset: Path, table: str) -> str:
    """A DuckDB table expression over every run of `table`."""
    return f"read_parquet('{dataset}/{table}/**/*.parquet', hive_partitioning=true)"


def scan(dataset: Path, table: str) -> pl.LazyFrame:
    return pl.scan_parquet(dataset / table / "**" / "*.parquet", hive_partitioning=True)


@pytest.fixture(scope="module")
def manifest():
    return json.loads((DATASET / "manifest.json").read_text())


@pytest.mark.parametrize("table", sorted(SCHEMAS))
def test_duckdb_reads_table(table, manifest):
    con = duckdb.connect()
    described = con.execute(f"DESCRIBE SELECT * FROM {duck(DATASET, table)}").fetchall()
    got = {row[0]: row[1] for row in described}
    want = {col: types[0] for col, types in SCHEMAS[table].items()}
    assert got == {**want, "run": RUN[0]}
    (rows,) = con.execute(f"SELECT count(*) FROM {duck(DATASET, table)}").fetchone()
    assert rows == manifest["tables"][table]["rows"]


@pytest.mark.parametrize("table", sorted(SCHEMAS))
def test_polars_reads_table(table, manifest):
    frame = scan(DATASET, table).collect()
    want = {col: types[1] for col, types in SCHEMAS[table].items()}
    assert dict(frame.schema) == {**want, "run": RUN[1]}
    assert frame.height == manifest["tables"][table]["rows"]


@pytest.mark.skipif("GLEANER_BIN" not in os.environ, reason="needs GLEANER_BIN")
def test_runs_read_as_one_table(tmp_path):
    """Two runs over a growing directory: DuckDB and polars see both."""
    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    files = sorted(p for p in sample.iterdir() if p.is_file())
    inputs = tmp_path / "in"
    inputs.mkdir()
    (tmp_path / "gleaner.toml").write_text(
        '[dataset]\nname = "grow"\ninputs = ["in"]\noutput = "ds"\n'
    )
    run = [os.environ["GLEANER_BIN"], "run", "--config", str(tmp_path / "gleaner.toml")]
    for batch in (files[:2], files[2:]):
        for f in batch:
            shutil.copy(f, inputs / f.name)
        subprocess.run(run, check=True, capture_output=True)
    ds = tmp_path / "ds"
    manifest = json.loads((ds / "manifest.json").read_text())
    per_run = {r["run"]: r["documents"] for r in manifest["runs"]}
    assert list(per_run) == [1, 2] and all(per_run.values())
    con = duckdb.connect()
    got = dict(
        con.execute(f"SELECT run, count(*) FROM {duck(ds, 'documents')} GROUP BY run").fetchall()
    )
    assert got == per_run
    frame = scan(ds, "documents").group_by("run").len().collect()
    assert dict(zip(frame["run"].to_list(), frame["len"].to_list())) == per_run
    # Entity totals are one partition, the totals over both runs.
    totals = con.execute(
        f"SELECT sum(n_mentions), count(DISTINCT run) FROM {duck(ds, 'entities')}"
    ).fetchone()
    (mentions,) = con.execute(f"SELECT count(*) FROM {duck(ds, 'mentions')}").fetchone()
    assert totals == (mentions, 1)


def test_canonical_totals_count_each_document_once():
    """`canonical_entities` = a group-by over mentions joined to their
    canonical key, in DuckDB; and its variants list = the `entities` rows of
    that key, in polars."""
    con = duckdb.connect()
    want = con.execute(
        f"""SELECT e.canonical_key, count(DISTINCT m.doc_id), count(*)
            FROM {duck(DATASET, 'mentions')} m
            JOIN {duck(DATASET, 'entities')} e USING (entity_key)
            GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    got = con.execute(
        f"""SELECT canonical_key, n_docs, n_mentions
            FROM {duck(DATASET, 'canonical_entities')} ORDER BY 1"""
    ).fetchall()
    assert got == want
    # Some entity has several spellings on the sample (Tokayev's).
    tokayev = con.execute(
        f"""SELECT n_docs, len(variants), list_sum([v.n_docs FOR v IN variants])
            FROM {duck(DATASET, 'canonical_entities')}
            WHERE name = 'Kassym-Jomart Tokayev'"""
    ).fetchone()
    assert tokayev[1] > 1 and tokayev[0] <= tokayev[2]
    variants = (
        scan(DATASET, "canonical_entities")
        .select("canonical_key", "variants")
        .explode("variants")
        .unnest("variants")
        .select("canonical_key", "entity_key", "n_mentions")
        .sort("entity_key")
        .collect()
    )
    entities = (
        scan(DATASET, "entities")
        .select("canonical_key", "entity_key", "n_mentions")
        .sort("entity_key")
        .collect()
    )
    assert variants.equals(entities)


def test_sample_numbers_through_duckdb():
    con = duckdb.connect()
    docs = duck(DATASET, "documents")
    assert con.execute(f"SELECT count(*) FROM {docs}").fetchone()[0] == 9
    clusters = con.execute(
        f"SELECT cluster_id, count(*) FROM {docs} GROUP BY 1 HAVING count(*) > 1"
    ).fetchall()
    assert len(clusters) == 1 and clusters[0][1] == 2
    # Every mention's offsets slice its surface out of documents.text.
    mentions = duck(DATASET, "mentions")
    bad = con.execute(
        f"""SELECT count(*) FROM {mentions} m JOIN {docs} d USING (doc_id)
            WHERE substring(d.text, m.start + 1, m."end" - m.start) <> m.surface"""
    ).fetchone()[0]
    assert bad == 0


def test_polars_joins_mentions_to_entities():
    mentions = scan(DATASET, "mentions").collect()
    entities = scan(DATASET, "entities").collect()
    joined = mentions.join(entities.drop("run"), on="entity_key", how="left")
    assert joined["name"].null_count() == 0
    counts = mentions.group_by("entity_key").len().sort("entity_key")
    expected = entities.select("entity_key", "n_mentions").sort("entity_key")
    assert counts["len"].to_list() == expected["n_mentions"].to_list()
