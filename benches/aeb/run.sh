#!/usr/bin/env bash
# Article Extraction Benchmark: gleaner against trafilatura, rs-trafilatura,
# resiliparse and jusText on the same 181 pages, in one run, scored by the
# benchmark's own evaluate.py; then the plain-text task (the same pages
# rendered to text by inscriptis, cleaned by gleaner's clean stage).
#
#   benches/aeb/run.sh
#
# Prints a table of F1 / precision / recall and pages/s (one thread, pages in
# memory) with the ratio to trafilatura. Work files go to benches/aeb/work/.
# Needs network for PyPI and crates.io (or warm caches), and the AEB pages:
# see fetch_aeb.sh (GLEANER_AEB_MIRROR where GitHub is unreachable).
set -euo pipefail
cd "$(dirname "$0")/../.."

aeb=data/external/aeb
work=benches/aeb/work
benches/aeb/fetch_aeb.sh "$aeb"
rm -rf "$work/output" "$work/plain"
mkdir -p "$work/output" "$work/plain/output"

if [[ ! -x "$work/venv/bin/python" ]]; then
    python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install --quiet --disable-pip-version-check \
    trafilatura==2.3.1 resiliparse==2.0.1 justext==3.0.2 lxml_html_clean==0.4.6 inscriptis==2.7.6

pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi
target_dir="${CARGO_TARGET_DIR:-target}"
cargo build --release --locked --example aeb
cargo build --release --manifest-path benches/aeb/rs_trafilatura/Cargo.toml \
    --target-dir "$target_dir/aeb-rs-trafilatura"

times="$work/times.txt"
: >"$times"
"${pin[@]}" "$target_dir/release/examples/aeb" html "$aeb" "$work/output/gleaner_html.json" | tee -a "$times"
"${pin[@]}" "$target_dir/release/examples/aeb" html+clean "$aeb" "$work/output/gleaner_html_clean.json" | tee -a "$times"
"${pin[@]}" "$target_dir/aeb-rs-trafilatura/release/aeb-rs-trafilatura" "$aeb" "$work/output/rs_trafilatura.json" | tee -a "$times"
"${pin[@]}" "$work/venv/bin/python" benches/aeb/run_python.py "$aeb" "$work/output" \
    --render "$work/plain/rendered" trafilatura resiliparse justext inscriptis | tee -a "$times"

# Plain text: inscriptis renderings (full pages, one line per block) cleaned by gleaner.
"${pin[@]}" "$target_dir/release/examples/aeb" text "$aeb" "$work/plain/rendered" "$work/plain/output/gleaner_text.json" | tee -a "$times"
cp "$work/output/inscriptis.json" "$work/plain/output/inscriptis_full_page.json"

score() {
    (cd "$1" && cp "$OLDPWD/$aeb/ground-truth.json" "$OLDPWD/$aeb/evaluate.py" . && python3 evaluate.py --n-bootstrap 200)
}
score "$work" >"$work/scores.txt"
score "$work/plain" >"$work/plain/scores.txt"
python3 benches/aeb/report.py "$work/scores.txt" "$work/plain/scores.txt" "$times"
