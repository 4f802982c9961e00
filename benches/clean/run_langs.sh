#!/usr/bin/env bash
# Clean-stage benchmark on Russian and Kazakh news text: real sentences
# wrapped in site lines of those languages, with Russian and Kazakh
# datelines and bylines (make_corpus.py conll-ru / conll-kk).
#
#   benches/clean/run_langs.sh [GLEANER_BIN [CONFIG]]
#
# Text: Russian news of factRuEval-2016 (ru/test.conll and ru/dev.conll;
# MIT licence, github.com/dialogue-evaluation/factRuEval-2016) and Kazakh
# news sentences of KazNERD (kk/valid.conll and kk/test.conll; CC BY 4.0,
# github.com/IS2AI/KazNERD, Yeshpanov et al. 2022), as
# scripts/ner/fetch_lang_data.sh converts them to CoNLL (into
# data/external/ner/lang, or give the folder as GLEANER_LANG_DATA).
# 500 articles per language, each wrapped twice: with the `dev` pool of
# site lines, dateline and byline forms (used while changing the rules) and
# with the `heldout` pool (other phrases and forms, only ever scored).
# Prints the rows of score.py (see run.sh for the columns); with
# GLEANER_SHOW=N also the N most common planted site lines that were kept
# and prose lines that were lost, per corpus, on stderr.
#
# GLEANER_BIN defaults to this checkout's release build, CONFIG to its
# pipeline.toml. Nothing is committed: corpora and outputs go to
# benches/clean/work/.
set -euo pipefail
cd "$(dirname "$0")/../.."

work=benches/clean/work
data=${GLEANER_LANG_DATA:-data/external/ner/lang}
if [[ ! -f "$data/ru/test.conll" || ! -f "$data/kk/test.conll" ]]; then
    scripts/ner/fetch_lang_data.sh "$data"
fi
source benches/clean/setup.sh

rm -rf "$work/corpus-langs" "$work/out-langs"
mkdir -p "$work/out-langs"
echo "| corpus | docs | emptied % | lost>10% % | prose recall | boiler removed | table rows | list items | date/byline out | published | author |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for lang in ru kk; do
    for pool in dev heldout; do
        corpus="$work/corpus-langs/$lang-$pool"
        python3 benches/clean/make_corpus.py "conll-$lang" "$data" "$corpus" \
            --limit 500 --pool "$lang-$pool" --seed 13 >/dev/null
        out="$work/out-langs/$lang-$pool"
        "$bin" run "$corpus/corpus.jsonl" --config "$config" --output "$out" --full >"$out.log" 2>&1 \
            || { cat "$out.log"; exit 1; }
        "$work/venv/bin/python" benches/clean/score.py "$corpus/labels.jsonl" "$out" \
            --name "$lang $pool" --show "${GLEANER_SHOW:-0}"
    done
done
