#!/usr/bin/env bash
# The dedup benchmark on a held-out corpus that gleaner's generator had no
# part in (heldout.py): whole real pages of seven types (the WCXB dev
# split's ground-truth text, CC-BY-4.0) as originals, copies edited by
# nlpaug (word substitutions/swaps/deletions, OCR confusions, keyboard
# typos at 1-12 % of words, paragraph by paragraph) and negatives that
# carry 1-2 paragraphs of an original. Scores gleaner, datasketch and
# datatrove with bench.py.
#
#   benches/dedup/heldout.sh [--seed S] [--work DIR] [bench.py options…]
#
# Needs data/external/wcxb (benches/wcxb/fetch.sh makes it). The peers go
# into run.sh's venv (benches/dedup/.venv, made if missing), nlpaug into
# its own, benches/dedup/.venv-heldout. Honours CARGO_TARGET_DIR.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SEED=7 WORK="" REST=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --seed) SEED=$2; shift 2 ;;
        --work) WORK=$2; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) REST+=("$1"); shift ;;
    esac
done
WORK=${WORK:-$HERE/work/heldout-s$SEED}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
cd "$ROOT"

if [[ ! -d data/external/wcxb/dev/ground-truth ]]; then
    benches/wcxb/fetch.sh data/external/wcxb
fi
# shellcheck source=benches/dedup/venv.sh
source "$HERE/venv.sh"
dedup_bench_venv "$HERE" heldout.sh
HVENV=$HERE/.venv-heldout
if [[ ! -x "$HVENV/bin/python" ]]; then
    python3 -m venv "$HVENV"
    "$HVENV/bin/python" -m pip install -q nlpaug==1.1.11
fi
cargo build --release --bin gleaner
if [[ ! -f "$WORK/labels.tsv" ]]; then
    "$HVENV/bin/python" "$HERE/heldout.py" --wcxb data/external/wcxb/dev --out "$WORK" --seed "$SEED"
fi
exec "$VENV/bin/python" "$HERE/bench.py" --work "$WORK" --gleaner "$TARGET/release/gleaner" \
    ${REST[@]+"${REST[@]}"}
