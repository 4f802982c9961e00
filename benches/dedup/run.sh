#!/usr/bin/env bash
# gleaner's dedup benchmark: builds gleaner and the corpus generator, makes a
# labelled corpus (if missing), then times and scores gleaner, datasketch and
# datatrove on it (bench.py) and prints one table.
#
#   benches/dedup/run.sh [--docs N] [--threads T] [--seed S] [--skip datatrove]
#                        [--gleaner-only] [--work DIR] [--sweep]
#
#   --docs N        corpus size (default 20000; 10000 with --sweep)
#   --sweep         a corpus whose copies all have words edited in every
#                   paragraph, 0-12 % of them, plus the negatives; prints
#                   recall and false merges by edit rate for every tool and
#                   plots them (WORK/sweep.md, WORK/sweep.png)
#   --threads T     gleaner threads and datatrove workers (default 2)
#   --skip TOOL     leave out datasketch or datatrove (repeatable)
#   --gleaner-only  only gleaner (the 1M-document run)
#   --work DIR      corpus and results (default benches/dedup/work/n<N>-s<S>)
#
# Needs the BBC source text: data/external/bbc-news (fetch_news.sh makes it;
# set GLEANER_NEWS_MIRROR where GitHub is unreachable) or GLEANER_NEWS_SOURCE.
# Python peers go into benches/dedup/.venv (pinned in requirements.txt).
# Honours CARGO_TARGET_DIR.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DOCS="" THREADS=2 SEED=42 WORK="" GLEANER_ONLY="" SKIP=() SWEEP=""

while [[ $# -gt 0 ]]; do
    case $1 in
        --docs) DOCS=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --skip) SKIP+=(--skip "$2"); shift 2 ;;
        --gleaner-only) GLEANER_ONLY=--gleaner-only; shift ;;
        --work) WORK=$2; shift 2 ;;
        --sweep) SWEEP=--sweep; shift ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
GEN_ARGS=()
if [[ -n "$SWEEP" ]]; then
    DOCS=${DOCS:-10000}
    WORK=${WORK:-$HERE/work/sweep-n$DOCS-s$SEED}
    GEN_ARGS=(--edits word_edits --min-edit-rate 0 --max-edit-rate 0.12)
fi
DOCS=${DOCS:-20000}
WORK=${WORK:-$HERE/work/n$DOCS-s$SEED}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
SOURCE=${GLEANER_NEWS_SOURCE:-$ROOT/data/external/bbc-news}

cd "$ROOT"
echo "== build (release) in $TARGET" >&2
cargo build --release --bin gleaner --example dedup_corpus

if [[ ! -d "$SOURCE/news" ]]; then
    "$HERE/fetch_news.sh" "$SOURCE"
fi

# shellcheck source=benches/dedup/venv.sh
source "$HERE/venv.sh"
dedup_bench_venv "$HERE" run.sh

if [[ ! -f "$WORK/labels.tsv" || ! -f "$WORK/report.json" ]]; then
    echo "== generate $DOCS docs into $WORK" >&2
    "$TARGET/release/examples/dedup_corpus" --source "$SOURCE" --docs "$DOCS" --seed "$SEED" --out "$WORK" \
        ${GEN_ARGS[@]+"${GEN_ARGS[@]}"}
fi

echo "== bench" >&2
exec "$VENV/bin/python" "$HERE/bench.py" --work "$WORK" --gleaner "$TARGET/release/gleaner" \
    --threads "$THREADS" ${SKIP[@]+"${SKIP[@]}"} $GLEANER_ONLY $SWEEP
