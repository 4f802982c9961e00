#!/usr/bin/env bash
# A held-out check of main-content extraction on news articles gleaner was
# never tuned on: AndyTheFactory's article-extraction-dataset (424 articles
# from 212 English-language news sites, blogs and magazines, saved late
# 2023, each with its body cleaned of boilerplate by hand), scored as WCXB is
# by benches/wcxb/run.sh: gleaner against trafilatura, resiliparse and
# jusText, mean word-bag F1 and pages/s on one thread.
#
#   benches/news_articles/run.sh
#
# Source: github.com/AndyTheFactory/article-extraction-dataset at a pinned
# commit, Apache-2.0 (LICENSE names no holder; the author is Andrei
# Paraschiv, newspaper4k's maintainer); the pages themselves are saved
# copies of third-party sites (benches/news_articles/to_wcxb.py). The three
# pages of 4 MiB or more are left out (GitHub snapshots without large files
# lack them), so the set is 421 pages however it is fetched. Pages and
# results go to benches/news_articles/work/ (git-ignored, never
# committed). Tries `git clone`; where GitHub is not
# reachable set GLEANER_NEWS_ARTICLES_MIRROR to a git directory holding the
# commit. WCXB_PEERS and WCXB_PAGES=1 work as in benches/wcxb/run.sh
# (rs_trafilatura is left out by default).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/pinned_archive.sh

URL=https://github.com/AndyTheFactory/article-extraction-dataset
COMMIT=cf3e2959ffc4fde13e0714d2b6d50c2bd220ed3b
LARGE=(1a6532f9ae1315f21ea3ca0ebd3f17f0 bcb06978269ce572e57e439206a69905 f7fa86e798f641b33aa19550a13305f4)
work=benches/news_articles/work

exclude=()
for h in "${LARGE[@]}"; do exclude+=(":(exclude)html/$h.html"); done
mkdir -p "$work"
# From a snapshot without the large objects, git archive names them on
# stderr though the pathspec leaves them out; the archive is complete.
if ! (pinned_tree news_articles "$URL" "$COMMIT" GLEANER_NEWS_ARTICLES_MIRROR "$work/src" \
    html news_articles.json LICENSE README.md "${exclude[@]}") 2>"$work/archive.err"; then
    cat "$work/archive.err" >&2
    exit 1
fi
grep -v '^error: invalid object' "$work/archive.err" >&2 || true
rm "$work/archive.err"
rm -rf "$work/split"
python3 benches/news_articles/to_wcxb.py "$work/src" "$work/split"
WCXB_SPLIT_DIR="$work/split" WCXB_OUT="$work/out" WCXB_PEERS="${WCXB_PEERS-trafilatura resiliparse justext}" \
    WCXB_TITLE="article-extraction-dataset (commit ${COMMIT:0:12})" benches/wcxb/run.sh
