#!/usr/bin/env bash
# What the whole pipeline keeps of a page: `documents.text` of a `gleaner
# run` over saved pages (read, extract, clean, frequent lines; entities
# off, they do not change the text), scored against the ground truth next
# to extraction alone (`aeb wcxb`, the text before the clean stage). The
# difference is what the clean stage costs extracted pages.
#
#   benches/wcxb/pipeline.sh
#
# Page sets, each in WCXB's layout (html/, ground-truth/):
#   - WCXB dev (benches/wcxb/fetch.sh; tuned on), word-bag F1 by page type;
#   - Mozilla Readability's test pages, if benches/readability/run.sh has
#     prepared benches/readability/work/split (never tuned on);
#   - trafilatura's evaluation set, if benches/trafilatura_eval/run.sh has
#     prepared benches/trafilatura_eval/work/split (never tuned on), scored
#     by its own protocol (snippets found or not, so quotes and spacing
#     as written count).
# The pages are one directory of files, as a user would save them: no URL
# but the page's own canonical link, so frequent lines are counted per host.
# Work files go to benches/wcxb/work/pipeline/. Needs PyPI (pyarrow, to read
# the tables) or a warm venv.
set -euo pipefail
cd "$(dirname "$0")/../.."

work=benches/wcxb/work/pipeline
target_dir="${CARGO_TARGET_DIR:-target}"
benches/wcxb/fetch.sh data/external/wcxb
cargo build --release --locked --bin gleaner --example aeb
if [[ ! -x "$work/venv/bin/python" ]]; then
    mkdir -p "$work"
    python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pyarrow==22.0.0

source benches/wcxb/gleaner_run.sh
sets=("wcxb_dev:data/external/wcxb/dev:wcxb")
[[ -d benches/readability/work/split ]] && sets+=("readability:benches/readability/work/split:wcxb")
[[ -d benches/trafilatura_eval/work/split ]] && sets+=("trafilatura_eval:benches/trafilatura_eval/work/split:trafilatura")

for set in "${sets[@]}"; do
    IFS=: read -r name split scorer <<<"$set"
    out="$work/$name"
    rm -rf "$out"
    mkdir -p "$out"
    gleaner_run "$name" "$split/html" "$out" "$out/pipeline.json"
    "$target_dir/release/examples/aeb" wcxb "$split" "$out/extraction.json" plain >"$out/times.txt"
    sed -i 's/^gleaner /extraction /; /^html5ever_parse /d' "$out/times.txt"
    n=$(find "$split/html" -type f | wc -l)
    echo "pipeline $n $secs" >>"$out/times.txt"
    echo
    if [[ $scorer == wcxb ]]; then
        python3 benches/wcxb/score.py "$split" "$out/times.txt" "$out/extraction.json" "$out/pipeline.json" \
            --title "$name: extraction alone and the whole gleaner run"
    else
        python3 benches/trafilatura_eval/score.py "$split" "$out/times.txt" "$out/extraction.json" "$out/pipeline.json" \
            --title "$name: extraction alone and the whole gleaner run"
    fi
done
