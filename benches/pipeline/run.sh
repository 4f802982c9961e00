#!/usr/bin/env bash
# The whole pipeline against the Python pipeline users would build instead
# (trafilatura-free: the corpus is JSONL news; see peer.py): one table, one
# bar chart; and gleaner's scaling curve.
#
#   benches/pipeline/run.sh [--docs N] [--threads T] [--skip-python]
#   benches/pipeline/run.sh --scaling 10000,100000,1000000 [--threads T]
#
#   --docs N        corpus size of the comparison (default 5000; spaCy on one
#                   core takes about 25 ms a document)
#   --threads T     cores for gleaner and the multiprocessing peer (default: all)
#   --skip-python   gleaner only (one thread and T)
#   --scaling LIST  gleaner alone on corpora of each size: time and peak RSS
#
# Corpus: tools/dedup_corpus.rs (real BBC sentences, planted duplicates with
# labels, planted site boilerplate), made once under benches/pipeline/work/.
# Needs the BBC source (benches/dedup/fetch_news.sh; GLEANER_NEWS_MIRROR
# where GitHub is unreachable). Python peers go into benches/pipeline/.venv
# (requirements.txt). GLEANER_SKIP_BUILD=1 reuses the release binaries in
# $CARGO_TARGET_DIR/release. Results: WORK/compare.{md,json,png},
# WORK/scaling.{md,json,png}.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DOCS=5000 THREADS=$(nproc) SKIP="" SCALING=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --docs) DOCS=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --skip-python) SKIP=--skip-python; shift ;;
        --scaling) SCALING=$2; shift 2 ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
[[ -n ${GLEANER_SKIP_BUILD:-} ]] ||
    (cd "$ROOT" && cargo build --release --locked --bin gleaner --example dedup_corpus >&2)
SOURCE=${GLEANER_NEWS_SOURCE:-$ROOT/data/external/bbc-news}
[[ -d "$SOURCE" ]] || bash "$ROOT/benches/dedup/fetch_news.sh" "$SOURCE" >&2
VENV="$HERE/.venv"
if [[ ! -f "$VENV/.installed" ]] || ! cmp -s "$HERE/requirements.txt" "$VENV/.installed"; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt" >&2
    cp "$HERE/requirements.txt" "$VENV/.installed"
fi
G="$TARGET/release/gleaner"
GEN="$TARGET/release/examples/dedup_corpus"
# The release binary's size is a target (issue 16: <= 40 MB). CI builds
# debug only, so this is where a second copy of the models (a model's
# bytes inlined into the binary crate, as once happened) would show.
SIZE=$(stat -c %s "$G")
echo "release binary: $SIZE bytes (at most 40,000,000)" >&2
if (( SIZE > 40000000 )); then
    echo "run.sh: the release binary passed 40 MB: are the models in it twice? (README: Build and run times)" >&2
    exit 1
fi
if [[ -n $SCALING ]]; then
    exec "$VENV/bin/python" "$HERE/compare.py" scaling --gleaner "$G" --work "$HERE/work/scaling" \
        --threads "$THREADS" --sizes "$SCALING" --generator "$GEN" --source "$SOURCE"
fi
WORK="$HERE/work/n$DOCS"
if [[ ! -f "$WORK/gen/labels.tsv" ]]; then
    "$GEN" --source "$SOURCE" --docs "$DOCS" --out "$WORK/gen" --report-sample 0 >&2
fi
"$VENV/bin/python" "$HERE/compare.py" compare --gleaner "$G" --work "$WORK" --threads "$THREADS" $SKIP
