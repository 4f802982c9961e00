#!/usr/bin/env bash
# S3 round trip: builds gleaner with `--features cloud`, starts a local
# S3-compatible server (moto, from PyPI) on 127.0.0.1, reads the sample
# inputs from it and writes a release to it (twice, the second run adding
# one object), then reads the tables back with polars' and DuckDB's S3
# readers and compares them with a local run. See scripts/s3/roundtrip.py.
#
#   scripts/s3/test.sh
#
# DuckDB's S3 reader is its httpfs extension, which cannot be downloaded at
# run time here; PyPI has it as `duckdb-extension-httpfs` only up to 1.5.5,
# so this test's venv (.venv-s3) pins duckdb 1.5.5 to match it. The main
# test venv keeps its own duckdb.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=.venv-s3
want="$(cat scripts/s3/requirements.txt)"
if [[ ! -x $VENV/bin/python || "$(cat $VENV/.installed 2>/dev/null)" != "$want" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r scripts/s3/requirements.txt
  echo "$want" >"$VENV/.installed"
fi
cargo build --locked --features cloud --bin gleaner
target="${CARGO_TARGET_DIR:-target}"
GLEANER_BIN="$target/debug/gleaner" "$VENV/bin/python" scripts/s3/roundtrip.py
