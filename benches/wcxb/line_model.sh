#!/usr/bin/env bash
# Trains and cross-validates the HTML line model (src/stages/read/article/
# line_model.rs) on the WCXB dev split and AEB's 181 articles.
#
#   benches/wcxb/line_model.sh            cross-validated table (by site, 5
#                                         folds; leave one page type out)
#   benches/wcxb/line_model.sh --write    also refits on every page and
#                                         rewrites data/models/html-lines.json
#
# Dumps every line of every page with its features (`aeb wcxb-lines`,
# `aeb html-lines`), labels lines from the ground truth and fits
# scikit-learn's histogram gradient boosting (pinned below) in a venv under
# benches/wcxb/work/. The WCXB test split is never read. Needs the pages:
# benches/wcxb/fetch.sh and benches/aeb/fetch_aeb.sh. About 10 minutes on
# 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."

wcxb=data/external/wcxb
aeb=data/external/aeb
work=benches/wcxb/work
benches/wcxb/fetch.sh "$wcxb"
benches/aeb/fetch_aeb.sh "$aeb"
mkdir -p "$work"
if [[ ! -x "$work/venv-lines/bin/python" ]]; then
    python3 -m venv "$work/venv-lines"
fi
"$work/venv-lines/bin/python" -m pip install --quiet --disable-pip-version-check \
    scikit-learn==1.9.1 numpy==2.4.6 scipy==1.17.1

target_dir="${CARGO_TARGET_DIR:-target}"
cargo build --release --locked --example aeb
"$target_dir/release/examples/aeb" wcxb-lines "$wcxb/dev" "$work/dev-lines.jsonl"
"$target_dir/release/examples/aeb" html-lines "$aeb" "$work/aeb-lines.jsonl"

write=()
if [[ "${1:-}" == --write ]]; then write=(--write data/models/html-lines.json); fi
"$work/venv-lines/bin/python" benches/wcxb/line_model.py "$wcxb/dev" "$work/dev-lines.jsonl" \
    --aeb "$aeb" "$work/aeb-lines.jsonl" --gate "${write[@]}"
