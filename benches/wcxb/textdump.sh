#!/usr/bin/env bash
# Whole pages dumped to text: what the whole pipeline keeps of a page that
# reaches gleaner as plain text (a crawl saved by a text browser, a dump
# without markup), where the line classifier, not extraction, decides.
# Each page of a WCXB split is rendered to text by inscriptis 2.7.6 (as
# AEB's plain-text task does; benches/aeb/render_pages.py), the .txt files
# go through `gleaner run` (entities off, one thread), and
# `documents.text` is scored against the ground truth by page type next
# to the whole rendered page (what keeping every line scores).
#
#   benches/wcxb/textdump.sh [SPLIT...]     (default: dev test)
#
# dev is what the classifier is trained on (with AEB's pages and the
# Russian and Kazakh dev corpora, benches/aeb/train_line_classifier.sh);
# test is held out. Work files go to benches/wcxb/work/textdump/. Needs
# PyPI (inscriptis, pyarrow) or a warm venv.
set -euo pipefail
cd "$(dirname "$0")/../.."

work=benches/wcxb/work/textdump
target_dir="${CARGO_TARGET_DIR:-target}"
splits=("$@")
[[ ${#splits[@]} -gt 0 ]] || splits=(dev test)
benches/wcxb/fetch.sh data/external/wcxb
cargo build --release --locked --bin gleaner
if [[ ! -x "$work/venv/bin/python" ]]; then
    mkdir -p "$work"
    python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install --quiet --disable-pip-version-check inscriptis==2.7.6 pyarrow==22.0.0

source benches/wcxb/gleaner_run.sh
for split in "${splits[@]}"; do
    dir=data/external/wcxb/$split
    out="$work/$split"
    rm -rf "$out"
    mkdir -p "$out"
    "$work/venv/bin/python" benches/aeb/render_pages.py "$dir" "$out/rendered"
    "$work/venv/bin/python" - "$out/rendered" "$out/whole_page.json" <<'PY'
import json, sys
from pathlib import Path
pages = {p.stem: p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("*.txt"))}
Path(sys.argv[2]).write_text(json.dumps(pages))
PY
    gleaner_run "textdump-$split" "$out/rendered" "$out" "$out/gleaner.json"
    n=$(find "$out/rendered" -name '*.txt' | wc -l)
    echo "gleaner $n $secs" >"$out/times.txt"
    echo
    python3 benches/wcxb/score.py "$dir" "$out/times.txt" "$out/gleaner.json" "$out/whole_page.json" \
        --title "WCXB $split pages as text dumps: the whole gleaner run and the whole page"
done
