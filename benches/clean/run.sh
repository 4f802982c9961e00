#!/usr/bin/env bash
# Clean-stage benchmark: does cleaning keep the article, its tables and lists,
# and remove the site lines around it? On text gleaner has never been tuned on.
#
#   benches/clean/run.sh [GLEANER_BIN [CONFIG]]
#
# Builds four corpora with make_corpus.py from three real text sources:
#   tune    BBC News articles (benches/dedup/fetch_news.sh; MIT, (c) 2017
#           Nikita Savchenko), 1,500 articles, site-line pool "tune";
#   report  the hand-made article bodies of the Article Extraction Benchmark
#           (benches/aeb/fetch_aeb.sh; MIT, (c) Scrapinghub; 181 pages of many
#           sites), each wrapped three ways, site-line pool "report";
#   wcxb-dev   the article pages' main text of WCXB's dev split
#           (benches/wcxb/fetch.sh; CC-BY-4.0; 783 articles of many sites,
#           with section headings, lists and tables), pool "tune";
#   wcxb-test  the same of WCXB's test split (255 articles), pool "report".
# Rules and thresholds are developed against `tune` and `wcxb-dev` only (and
# AEB's whole pages, `benches/aeb/run.sh`'s plain-text task, where cleaning
# must still drop teasers and comments); `report` and `wcxb-test` are the
# figures to quote. Each corpus is run through `gleaner run` twice: as one
# JSONL file (a URL per document, 20 sites) and as one .txt file per document
# (a directory per site), with the repository's pipeline.toml. score.py prints
# one row per run: documents emptied, documents losing >10 % of their prose
# words, prose-word recall, site lines removed, table rows and list items
# kept, datelines/bylines out of the text, published/author filled.
#
# GLEANER_BIN defaults to this checkout's release build, CONFIG to its
# pipeline.toml (give an older checkout's binary its own pipeline.toml). Nothing is
# committed: data and outputs go to data/external/ and benches/clean/work/.
# Needs network for PyPI (pyarrow, to read the tables) or a warm venv;
# GLEANER_NEWS_MIRROR / GLEANER_AEB_MIRROR where GitHub is unreachable.
set -euo pipefail
cd "$(dirname "$0")/../.."

work=benches/clean/work
benches/dedup/fetch_news.sh data/external/bbc-news
benches/aeb/fetch_aeb.sh data/external/aeb
benches/wcxb/fetch.sh data/external/wcxb

source benches/clean/setup.sh

rm -rf "$work/corpus" "$work/out"
mkdir -p "$work/out"
python3 benches/clean/make_corpus.py bbc data/external/bbc-news/news "$work/corpus/tune" \
    --limit 1500 --pool tune --seed 13
python3 benches/clean/make_corpus.py aeb data/external/aeb/ground-truth.json "$work/corpus/report" \
    --variants 3 --pool report --seed 13
python3 benches/clean/make_corpus.py wcxb data/external/wcxb/dev/ground-truth "$work/corpus/wcxb-dev" \
    --pool tune --seed 13
python3 benches/clean/make_corpus.py wcxb data/external/wcxb/test/ground-truth "$work/corpus/wcxb-test" \
    --pool report --seed 13

echo "| corpus | docs | emptied % | lost>10% % | prose recall | boiler removed | table rows | list items | date/byline out | published | author |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for corpus in tune report wcxb-dev wcxb-test; do
    for format in jsonl txt; do
        input="$work/corpus/$corpus/corpus.jsonl"
        [[ $format == txt ]] && input="$work/corpus/$corpus/txt"
        out="$work/out/$corpus-$format"
        "$bin" run "$input" --config "$config" --output "$out" --full >"$out.log" 2>&1 \
            || { cat "$out.log"; exit 1; }
        "$work/venv/bin/python" benches/clean/score.py "$work/corpus/$corpus/labels.jsonl" "$out" \
            --name "$corpus ($format)"
    done
done
