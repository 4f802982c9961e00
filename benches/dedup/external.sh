#!/usr/bin/env bash
# The dedup benchmark on near-duplicates that someone else made and
# labelled (external.py): OCR'd newspaper articles and book pages next to
# their human-corrected text, and short answers plagiarised from Wikipedia
# by cut, light or heavy revision, with answers written independently on
# the same topics as negatives (956 documents). Scores gleaner, datasketch
# and datatrove with bench.py, then per set (external.py report).
#
#   benches/dedup/external.sh [--work DIR] [bench.py options…, e.g. --gleaner-only]
#
# Sources, fetched at pinned commits into WORK/src (nothing of it is
# committed; WORK defaults to benches/dedup/work/external, git-ignored):
# - github.com/impresso/llm-transcript-postcorrection at 3affcc4ec485
#   (3affcc4ec485c7eab24955387534bdf1f88ce5b2): the overProof evaluation
#   data (Evershed & Fitch 2014, datasets 2 and 3: 159 Sydney Morning Herald
#   and 49 Chronicling America articles, ABBYY OCR vs human correction) and
#   the ICDAR 2017 post-OCR competition's evaluation set (220 en/fr
#   documents, OCR vs gold standard). The repository's code is AGPL-3.0; its
#   data README says the data is "under the same licenses as the original
#   datasets" without saying which they are for overProof (none is stated);
#   the ICDAR set's own README says free for non-commercial use (BnF
#   non-commercial, British Library and Gutenberg public domain, Wikisource
#   and Perseus CC-BY-SA 3.0).
# - github.com/gauravansal/Plagiarism-Detection at 522343489d1c
#   (522343489d1c61be6b3d594b9b1e79b412794a5f): data/, Clough & Stevenson
#   2011, "A corpus of plagiarised short answers", as Udacity redistributes
#   it. The repository has no licence file (its README shows an MIT badge);
#   the corpus was released by its authors for research use.
# Tries `git clone`; where GitHub is not reachable set
# GLEANER_IMPRESSO_MIRROR and GLEANER_PLAGIARISM_MIRROR to git directories
# holding the commits (a work tree's top directory will do). Needs python3;
# makes run.sh's venv (benches/dedup/.venv, requirements.txt) if it is
# missing. Honours CARGO_TARGET_DIR.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK="" REST=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --work) WORK=$2; shift 2 ;;
        -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
        *) REST+=("$1"); shift ;;
    esac
done
WORK=${WORK:-$HERE/work/external}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
cd "$ROOT"
# shellcheck source=scripts/lib/pinned_archive.sh
source scripts/lib/pinned_archive.sh

IMPRESSO_URL=https://github.com/impresso/llm-transcript-postcorrection
IMPRESSO_COMMIT=3affcc4ec485c7eab24955387534bdf1f88ce5b2
PLAGIARISM_URL=https://github.com/gauravansal/Plagiarism-Detection
PLAGIARISM_COMMIT=522343489d1c61be6b3d594b9b1e79b412794a5f
OCR=data/datasets/ocr/original
OVERPROOF=$OCR/overproof
TRIPLES=rawTextAndHumanCorrectionAndOverproofCorrectionTriples/allArticles.txt
ICDAR=$OCR/icdar-2017/ICDAR2017_datasetPostOCR_Evaluation_2M_v1.2

# fetch NAME URL COMMIT MIRROR_VAR PATH...: the paths into WORK/src/NAME.
fetch() {
    local name=$1 url=$2 commit=$3 mirror_var=$4 dir=$WORK/src/$1
    shift 4
    pinned_tree "external.sh ($name)" "$url" "$commit" "$mirror_var" "$dir" "$@"
    # A new source makes the corpus again.
    if [[ "$dir/COMMIT" -nt "$WORK/labels.tsv" ]]; then
        rm -f "$WORK/labels.tsv"
    fi
}
fetch impresso "$IMPRESSO_URL" "$IMPRESSO_COMMIT" GLEANER_IMPRESSO_MIRROR \
    "$OVERPROOF/dataset2/$TRIPLES" "$OVERPROOF/dataset3/$TRIPLES" "$ICDAR"
fetch plagiarism "$PLAGIARISM_URL" "$PLAGIARISM_COMMIT" GLEANER_PLAGIARISM_MIRROR data

# shellcheck source=benches/dedup/venv.sh
source "$HERE/venv.sh"
dedup_bench_venv "$HERE" external.sh

cargo build --release --bin gleaner
if [[ ! -f "$WORK/labels.tsv" || "$HERE/external.py" -nt "$WORK/labels.tsv" ]]; then
    python3 "$HERE/external.py" convert --overproof "$WORK/src/impresso/$OVERPROOF" \
        --icdar "$WORK/src/impresso/$ICDAR" --clough "$WORK/src/plagiarism/data" --out "$WORK"
fi
rc=0
"$VENV/bin/python" "$HERE/bench.py" --work "$WORK" --gleaner "$TARGET/release/gleaner" \
    ${REST[@]+"${REST[@]}"} || rc=$?
python3 "$HERE/external.py" report "$WORK"
exit "$rc"
