#!/usr/bin/env bash
# Fetches the Article Extraction Benchmark (AEB): 181 news/blog pages with
# hand-made ground truth and the benchmark's own scorer.
#
#   benches/aeb/fetch_aeb.sh [DEST]      (default DEST: data/external/aeb)
#
# Source: github.com/scrapinghub/article-extraction-benchmark at a pinned
# commit, MIT licence (c) Scrapinghub. DEST gets html/*.html.gz,
# ground-truth.json, evaluate.py and LICENSE; it is git-ignored.
# Tries `git clone`; where GitHub is not reachable set GLEANER_AEB_MIRROR to
# a git directory holding the commit.
set -euo pipefail

URL=https://github.com/scrapinghub/article-extraction-benchmark
COMMIT=4a3bc979f76c0df73cb95fe272e2fc1b96f9f010
DEST=${1:-data/external/aeb}

if [[ -f "$DEST/ground-truth.json" && -f "$DEST/evaluate.py" && -d "$DEST/html" ]]; then
    echo "fetch_aeb: $DEST already holds the benchmark" >&2
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
paths=(html ground-truth.json evaluate.py LICENSE)
if GIT_TERMINAL_PROMPT=0 timeout 120 git clone --quiet --no-checkout "$URL" "$tmp/clone" 2>"$tmp/err" \
    && git -C "$tmp/clone" archive "$COMMIT" "${paths[@]}" >"$tmp/aeb.tar" 2>>"$tmp/err"; then
    echo "fetch_aeb: cloned $URL" >&2
elif [[ -n "${GLEANER_AEB_MIRROR:-}" ]]; then
    echo "fetch_aeb: git clone failed; using mirror $GLEANER_AEB_MIRROR" >&2
    git --git-dir="$GLEANER_AEB_MIRROR" archive "$COMMIT" "${paths[@]}" >"$tmp/aeb.tar"
else
    echo "fetch_aeb: git clone of $URL failed:" >&2
    cat "$tmp/err" >&2
    echo "fetch_aeb: set GLEANER_AEB_MIRROR to a git directory holding commit $COMMIT" >&2
    exit 1
fi
mkdir -p "$DEST"
tar -x -C "$DEST" -f "$tmp/aeb.tar"
echo "fetch_aeb: $(ls "$DEST/html" | wc -l) pages at commit ${COMMIT:0:12} in $DEST" >&2
