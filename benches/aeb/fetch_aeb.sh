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
source "$(dirname "$0")/../../scripts/lib/pinned_archive.sh"

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
pinned_archive fetch_aeb "$URL" "$COMMIT" GLEANER_AEB_MIRROR "$tmp/aeb.tar" "${paths[@]}"
mkdir -p "$DEST"
tar -x -C "$DEST" -f "$tmp/aeb.tar"
echo "fetch_aeb: $(ls "$DEST/html" | wc -l) pages at commit ${COMMIT:0:12} in $DEST" >&2
