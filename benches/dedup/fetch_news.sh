#!/usr/bin/env bash
# Fetches the BBC news articles the dedup benchmark corpus is built from.
#
#   benches/dedup/fetch_news.sh [DEST]      (default DEST: data/external/bbc-news)
#
# Source: github.com/ZitRos/news-articles-dataset at a pinned commit, MIT
# licence (c) 2017 Nikita Savchenko; 2095 BBC News articles in 5 categories,
# news/<category>/<slug>.txt (title line, blank line, paragraphs), ~4.8 MB.
# DEST gets news/ and license. It is not committed: add the DEST path to
# .gitignore. A 80-article subset for tests lives in tests/data/news/.
#
# Tries `git clone` first; where GitHub is not reachable, set
# GLEANER_NEWS_MIRROR to a git directory (bare or not) that holds the commit
# and the files are archived from it instead.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib/pinned_archive.sh"

URL=https://github.com/ZitRos/news-articles-dataset
COMMIT=f0ee062afc877254b3283731e8eff33dee78dfd4
DEST=${1:-data/external/bbc-news}

if [[ -f "$DEST/license" && -d "$DEST/news" ]]; then
    echo "fetch_news: $DEST already holds the dataset" >&2
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pinned_archive fetch_news "$URL" "$COMMIT" GLEANER_NEWS_MIRROR "$tmp/news.tar" news license

mkdir -p "$DEST"
tar -x -C "$DEST" -f "$tmp/news.tar"
n=$(find "$DEST/news" -name '*.txt' | wc -l)
echo "fetch_news: $n articles at commit ${COMMIT:0:12} in $DEST" >&2
