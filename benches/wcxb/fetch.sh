#!/usr/bin/env bash
# Fetches the Web Content Extraction Benchmark (WCXB v1.0): 2,008 pages of
# seven page types (article, forum, product, collection, listing,
# documentation, service), a dev split (1,497 pages, for tuning) and a
# held-out test split (511 pages, reported once), with hand-reviewed ground
# truth and the benchmark's own evaluate.py.
#
#   benches/wcxb/fetch.sh [DEST]      (default DEST: data/external/wcxb)
#
# Source: github.com/Murrough-Foley/web-content-extraction-benchmark at a
# pinned commit, CC-BY-4.0 (c) 2026 Murrough Foley. DEST gets
# {dev,test}/{html/*.html.gz,ground-truth/*.json}, metadata.json,
# evaluate.py and LICENSE; it is git-ignored and never committed.
# Tries `git clone`; where GitHub is not reachable set GLEANER_WCXB_MIRROR to
# a git directory holding the commit.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib/pinned_archive.sh"

URL=https://github.com/Murrough-Foley/web-content-extraction-benchmark
COMMIT=c039d5ee9f5a3a984a0e167e63aacd04e76e78a9
DEST=${1:-data/external/wcxb}

if [[ -f "$DEST/metadata.json" && -d "$DEST/dev/html" && -d "$DEST/test/html" ]]; then
    echo "fetch_wcxb: $DEST already holds the benchmark" >&2
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
paths=(dev test metadata.json evaluate.py LICENSE)
pinned_archive fetch_wcxb "$URL" "$COMMIT" GLEANER_WCXB_MIRROR "$tmp/wcxb.tar" "${paths[@]}"
mkdir -p "$DEST"
tar -x -C "$DEST" -f "$tmp/wcxb.tar"
echo "fetch_wcxb: $(ls "$DEST/dev/html" | wc -l) dev + $(ls "$DEST/test/html" | wc -l) test pages at commit ${COMMIT:0:12} in $DEST" >&2
