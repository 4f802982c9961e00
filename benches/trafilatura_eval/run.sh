#!/usr/bin/env bash
# A third, independent check of main-content extraction: trafilatura's own
# evaluation set (990 saved pages, mostly German and English, each with
# "with" snippets the extracted text must hold and "without" snippets it
# must not), scored by trafilatura's protocol (tests/evaluate.py:
# precision, recall, accuracy and F-score over the snippets): gleaner
# against trafilatura, resiliparse and jusText, one thread, pages in memory.
# trafilatura was developed against these pages; they are held out for
# gleaner only.
#
#   benches/trafilatura_eval/run.sh
#
# Source: github.com/adbar/trafilatura tests/evaldata.json, tests/cache/ and
# tests/eval/ at a pinned commit, Apache-2.0 (LICENSE at that commit); the
# pages are saved copies of third-party sites. Pages and results go to
# benches/trafilatura_eval/work/ (git-ignored, never committed); gleaner's
# missed "with" snippets, grouped by page, to work/misses.md. Tries
# `git clone`; where GitHub is not reachable set GLEANER_TRAFILATURA_MIRROR
# to a git directory holding the commit. The peers run in
# benches/wcxb/work/venv (created and pinned as benches/wcxb/run.sh does),
# or in TRF_EVAL_PYTHON's interpreter; WCXB_PEERS picks them (default
# "trafilatura resiliparse justext justext_trafilatura", the last jusText
# with trafilatura's settings: all stoplists, its thresholds), GLEANER_EXTRACT changes gleaner's
# extraction settings as in tools/aeb.rs.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/pinned_archive.sh

URL=https://github.com/adbar/trafilatura
COMMIT=e90b0ef51ab026fdb905fb6c5b3c84dd3d784fd5
work=benches/trafilatura_eval/work
mkdir -p "$work"

pinned_tree trafilatura "$URL" "$COMMIT" GLEANER_TRAFILATURA_MIRROR "$work/src" \
    tests/evaldata.json tests/cache tests/eval LICENSE
split=$work/split
out=$work/out
rm -rf "$split" "$out"
mkdir -p "$out"
python3 benches/trafilatura_eval/prepare.py "$work/src" "$split"

read -r -a peers <<<"${WCXB_PEERS-trafilatura resiliparse justext justext_trafilatura}"
python_peers=()
for p in "${peers[@]}"; do
    if [[ $p == rs_trafilatura ]]; then
        echo "trafilatura_eval: rs_trafilatura is not run here" >&2
    else
        python_peers+=("$p")
    fi
done
python=${TRF_EVAL_PYTHON:-benches/wcxb/work/venv/bin/python}
if ((${#python_peers[@]})) && [[ -z "${TRF_EVAL_PYTHON:-}" ]]; then
    source scripts/lib/extraction_peers.sh
    extraction_peers_venv benches/wcxb/work/venv
fi

pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi
target_dir="${CARGO_TARGET_DIR:-target}"
cargo build --release --locked --example aeb

times="$out/times.txt"
"${pin[@]}" "$target_dir/release/examples/aeb" wcxb "$split" "$out/gleaner.json" plain | tee "$times"
if ((${#python_peers[@]})); then
    "${pin[@]}" "$python" benches/wcxb/run_python.py "$split" "$out" "${python_peers[@]}" 2>"$out/peer_errors.txt" | tee -a "$times"
fi
outputs=("$out/gleaner.json")
for p in "${python_peers[@]}"; do outputs+=("$out/$p.json"); done
python3 benches/trafilatura_eval/score.py "$split" "$times" "${outputs[@]}" --misses "$work/misses.md" \
    --title "trafilatura's evaluation set (commit ${COMMIT:0:12}, $(sed -n 's/^ *Version \(.*\), .*/Apache License \1/p' "$work/src/LICENSE" | head -n1))" \
    | tee "$out/scores.md"
