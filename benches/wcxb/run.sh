#!/usr/bin/env bash
# Web Content Extraction Benchmark: gleaner against trafilatura,
# rs-trafilatura, resiliparse and jusText on one WCXB split, in one run,
# scored by page type with WCXB's word-bag F1 (benches/wcxb/score.py, the
# same formula as the benchmark's evaluate.py).
#
#   benches/wcxb/run.sh [dev|test] [plain|markdown]   (default: dev plain)
#
# Tune on dev only; the test split is for the one final figure. Prints a
# Markdown table (F1 per page type and overall, pages/s on one thread with
# pages in memory; `html5ever_parse` is the parse alone, the floor for
# gleaner's speed). Work files go to benches/wcxb/work/. Needs network for
# PyPI and crates.io (or warm caches) and the pages: see fetch.sh
# (GLEANER_WCXB_MIRROR where GitHub is unreachable). Set WCXB_PEERS to a
# space-separated subset of "trafilatura rs_trafilatura resiliparse justext"
# (default: all four) and WCXB_PAGES=1 to list gleaner's per-page F1, worst
# first. WCXB_CV=1 adds the cross-validated table of gleaner's settings
# (benches/wcxb/cv.py: leave one page type out, and 5 folds by site).
# WCXB_SPLIT_DIR=DIR scores another page set already in WCXB's layout
# (DIR/html/*.html.gz, DIR/ground-truth/*.json) instead of a WCXB split,
# writing to WCXB_OUT and titling the table WCXB_TITLE
# (benches/readability/run.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."

split=${1:-dev}
format=${2:-plain}
work=benches/wcxb/work
if [[ -n "${WCXB_SPLIT_DIR:-}" ]]; then
    pages=$WCXB_SPLIT_DIR
    out=${WCXB_OUT:?WCXB_OUT names the output directory for WCXB_SPLIT_DIR}
else
    pages=data/external/wcxb/$split
    out="$work/$split"
    benches/wcxb/fetch.sh data/external/wcxb
fi
rm -rf "$out"
mkdir -p "$out"

read -r -a peers <<<"${WCXB_PEERS-trafilatura rs_trafilatura resiliparse justext}"
python_peers=()
for p in "${peers[@]}"; do [[ $p == rs_trafilatura ]] || python_peers+=("$p"); done
if ((${#python_peers[@]})); then
    source scripts/lib/extraction_peers.sh
    extraction_peers_venv "$work/venv"
fi

pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi
target_dir="${CARGO_TARGET_DIR:-target}"
cargo build --release --locked --example aeb
if [[ " ${peers[*]} " == *" rs_trafilatura "* ]]; then
    cargo build --release --manifest-path benches/aeb/rs_trafilatura/Cargo.toml \
        --target-dir "$target_dir/aeb-rs-trafilatura"
fi

times="$out/times.txt"
"${pin[@]}" "$target_dir/release/examples/aeb" wcxb "$pages" "$out/gleaner.json" "$format" | tee "$times"
if [[ " ${peers[*]} " == *" rs_trafilatura "* ]]; then
    "${pin[@]}" "$target_dir/aeb-rs-trafilatura/release/aeb-rs-trafilatura" --wcxb "$pages" "$out/rs_trafilatura.json" | tee -a "$times"
fi
if ((${#python_peers[@]})); then
    "${pin[@]}" "$work/venv/bin/python" benches/wcxb/run_python.py "$pages" "$out" "${python_peers[@]}" | tee -a "$times"
fi
outputs=("$out/gleaner.json")
for p in "${peers[@]}"; do outputs+=("$out/$p.json"); done
score_opts=()
if [[ -n "${WCXB_PAGES:-}" ]]; then score_opts=(--pages gleaner); fi
if [[ -n "${WCXB_TITLE:-}" ]]; then score_opts+=(--title "$WCXB_TITLE"); fi
python3 benches/wcxb/score.py "$pages" "$times" "${outputs[@]}" "${score_opts[@]}" | tee "$out/scores.md"
if [[ -n "${WCXB_CV:-}" ]]; then
    peer_outputs=()
    for p in "${peers[@]}"; do peer_outputs+=("$out/$p.json"); done
    "${pin[@]}" python3 benches/wcxb/cv.py "$target_dir/release/examples/aeb" "$pages" "$out/cv" "${peer_outputs[@]}" | tee "$out/cv.md"
fi
