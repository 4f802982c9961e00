#!/usr/bin/env bash
# The whole test suite: formatting, lints, Rust unit + integration tests, and
# the Python checks that DuckDB and polars read every table.
#
# Installs what it needs: a Python venv in .venv with duckdb, polars, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step says how long the suite has run, so a slow CI shows where.
started=$SECONDS
step() { printf '\n==> [%ds] %s\n' "$((SECONDS - started))" "$*"; }

step "python venv (.venv) with duckdb, polars, pytest"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r tests/python/requirements.txt

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -- -D warnings"
cargo clippy --all-targets --locked -- -D warnings

step "cargo test"
cargo test --locked
# The corpus generator as a program (cargo test builds only its test harness).
cargo build --locked --example dedup_corpus

step "python: duckdb + polars read the tables; dedup quality on planted duplicates"
dataset="$(mktemp -d)/sample"
target_dir="${CARGO_TARGET_DIR:-target}"
"$target_dir/debug/gleaner" run --config pipeline.toml --output "$dataset"
python3 benches/dedup/score.py --self-test
GLEANER_DATASET="$dataset" \
  GLEANER_BIN="$target_dir/debug/gleaner" \
  GLEANER_CORPUS_GEN="$target_dir/debug/examples/dedup_corpus" \
  .venv/bin/python -m pytest -q tests/python
rm -rf "$(dirname "$dataset")"

step "kill -9 mid-run: previous release intact, rerun completes it (3 trials on 1,000 documents; scripts/crash_test.sh 20 for more)"
scripts/crash_test.sh 3 1000

step "a full disk mid-run: clear error, previous release untouched, the next run completes it (scripts/full_disk_test.sh)"
status=0
scripts/full_disk_test.sh 8 200 || status=$?
if [ "$status" = 77 ]; then
  echo "(skipped: no tmpfs can be mounted on this machine)"
elif [ "$status" != 0 ]; then
  exit "$status"
fi

step "a sharded run on a real single-node Slurm matches gleaner run (GLEANER_SLURM_TEST=0 skips)"
if [ "${GLEANER_SLURM_TEST:-1}" != 0 ]; then
  status=0
  scripts/slurm/test.sh || status=$?
  if [ "$status" = 77 ]; then
    echo "(skipped: Slurm cannot be installed or started on this machine)"
  elif [ "$status" != 0 ]; then
    exit "$status"
  fi
fi

step "object stores: clippy and an S3 round trip with --features cloud (moto on 127.0.0.1; GLEANER_S3_TEST=0 skips)"
if [ "${GLEANER_S3_TEST:-1}" != 0 ]; then
  cargo clippy --locked --features cloud --lib -- -D warnings
  scripts/s3/test.sh
fi

step "all tests passed"
