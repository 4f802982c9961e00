#!/usr/bin/env bash
# A second, independent check of main-content extraction: Mozilla
# Readability's test pages (pages gleaner was never tuned on), each with the
# article Readability.js extracts as ground truth, scored as WCXB is by
# benches/wcxb/run.sh: gleaner against trafilatura, resiliparse and jusText,
# mean word-bag F1 and pages/s on one thread.
#
#   benches/readability/run.sh
#
# Source: github.com/mozilla/readability test/test-pages at a pinned commit,
# Apache-2.0 (c) Arc90 Inc, Mozilla and Contributors; the pages themselves
# are saved copies of third-party sites (news, blogs, Wikipedia) and
# hand-written fixtures (benches/readability/to_wcxb.py). Pages and results
# go to benches/readability/work/ (git-ignored, never committed). Tries
# `git clone`; where GitHub is not reachable set GLEANER_READABILITY_MIRROR
# to a git directory holding the commit. WCXB_PEERS and WCXB_PAGES=1 work as
# in benches/wcxb/run.sh (rs_trafilatura is left out by default).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/pinned_archive.sh

URL=https://github.com/mozilla/readability
COMMIT=ab4027a8b37669745016869a37a504727992b2ba
work=benches/readability/work

pinned_tree readability "$URL" "$COMMIT" GLEANER_READABILITY_MIRROR "$work/src" test/test-pages LICENSE.md NOTICE
rm -rf "$work/split"
python3 benches/readability/to_wcxb.py "$work/src/test/test-pages" "$work/split"
WCXB_SPLIT_DIR="$work/split" WCXB_OUT="$work/out" WCXB_PEERS="${WCXB_PEERS-trafilatura resiliparse justext}" \
    WCXB_TITLE="Readability test pages (commit ${COMMIT:0:12})" benches/wcxb/run.sh
