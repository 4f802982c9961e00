#!/usr/bin/env bash
# Trains the Russian and Kazakh entity models from CoNLL files,
# reproducibly. The test sets are scored only when asked
# (GLEANER_NER_SCORE_TEST=1, or scripts/ner/eval.sh --lang ru|kk, which
# also runs natasha): a score printed after every training invites
# choosing settings on test; choose them with --cv or --tune. Both use the `inflected` feature set
# (stems and 5–6 letter affixes; src/stages/entities/ner/features.rs); the
# Russian model also has name lists and word clusters
# (scripts/ner/ru_resources.sh, built on first use), the Kazakh one no
# resources.
#
#   scripts/ner/train_lang.sh [--tune|--cv] [ru|kk ...]     (default: ru kk)
#
# Data (TOKEN<TAB>TAG, BIO, -DOCSTART- between documents; fetched and
# converted by scripts/ner/fetch_lang_data.sh into $GLEANER_NER_LANG_DATA):
#   Russian, factRuEval-2016 (MIT):  $GLEANER_NER_RU_TRAIN (ru/dev.conll), $GLEANER_NER_RU_TEST
#   Russian, NEREL (extra training data, types mapped to factRuEval's; its
#   licence is unknown, so it is opt-in and the shipped model is trained
#   without it):                     GLEANER_NER_RU_NEREL=1 (ru/nerel-train.conll), or a path
#   Russian, silver (natasha 1.6.0's labels on public CC BY-SA text, in
#   factRuEval's conventions, scripts/ner/ru_silver.sh; the shipped
#   model's, 199k tokens with the 2020 Taiga train file; cross-validation
#   in data/models/README.md): $GLEANER_NER_RU_SILVER
#   (default $data/ru/silver.conll, made by ru_silver.sh when missing;
#   "none" trains on factRuEval alone, as an older model was);
#   GLEANER_NER_RU_GOLD_COPIES=N (default 3 with silver, else 1) repeats the factRuEval training
#   file N times next to it (in --cv, each fold's training part), so the
#   gold data weighs N times as much (100,000 features, 199k tokens of
#   silver: cross-validation 89.31 with ×3 against 88.46 with ×1; with the
#   155k tokens of the model before, ×3 88.95, ×2 88.79, ×1 88.73)
#   Kazakh, KazNERD (CC BY 4.0):     $GLEANER_NER_KK_TRAIN (kk/valid.conll), $GLEANER_NER_KK_TEST
# (factRuEval's train split is its dev set; KazNERD's train split is not in
# our mirror, so its valid split is all the training data.)
#
# Settings were chosen on a split of the training file by blocks of
# documents (every 5th block → tune, the rest → train):
# - Russian: 20 epochs × 5 runs, stem 4; blocks of 1 article; features and
#   stem length chosen by 5-fold cross-validation over the same blocks;
# - Kazakh: 30 epochs × 5 runs, stem 4; blocks of 500 one-sentence
#   documents (KazNERD's file keeps neighbouring sentences of a story
#   together, and a sentence-by-sentence split puts their shared names on
#   both sides, scoring ~89 F1 on tune against ~80 on the official test). With
# --tune the script writes that split (trainpart.conll and tunepart.conll
# next to the training file) and prints the tune F1 for a grid of epochs and
# runs instead of training the models. With --cv (Russian only) it prints
# the mean tune F1, overall and per type, of a 5-fold cross-validation over
# the articles of the training file (article n → fold (n − 1) mod 5), each
# fold trained with $RU_EPOCHS × $RU_RUNS on the other folds plus NEREL and
# the silver data when used.
# GLEANER_NER_CV_PREDICTIONS=DIR keeps each fold's tagged tune articles
# (WORD<TAB>GOLD<TAB>PREDICTED) as DIR/fold<k>.tune.conll, for error
# analysis on the training data (never on test).
#
# GLEANER_NER_RU_RESOURCES / GLEANER_NER_KK_RESOURCES: a resources directory
# (lexicon.tsv, gazetteers.txt, gazetteer.<NAME>.txt) to train with. Russian
# defaults to $GLEANER_NER_LANG_DATA/ru-resources, made by
# scripts/ner/ru_resources.sh when missing; Kazakh has none (set it to
# "none" for Russian to train without).
#
# Models go to $GLEANER_NER_MODELS (default $GLEANER_NER_LANG_DATA/models),
# as ner-ru.bin and ner-kk.bin; same inputs ⇒ the same model bytes.
set -euo pipefail
cd "$(dirname "$0")/../.."

data=${GLEANER_NER_LANG_DATA:-data/external/ner/lang}
models=${GLEANER_NER_MODELS:-$data/models}
RU_TRAIN=${GLEANER_NER_RU_TRAIN:-$data/ru/dev.conll}
RU_TEST=${GLEANER_NER_RU_TEST:-$data/ru/test.conll}
RU_NEREL=${GLEANER_NER_RU_NEREL:-none}
if [[ "$RU_NEREL" == 1 ]]; then RU_NEREL=$data/ru/nerel-train.conll; fi
export GLEANER_NER_RU_NEREL=$RU_NEREL
RU_SILVER=${GLEANER_NER_RU_SILVER:-1}
if [[ "$RU_SILVER" == 1 ]]; then RU_SILVER=$data/ru/silver.conll; fi
RU_GOLD_COPIES=${GLEANER_NER_RU_GOLD_COPIES:-}
if [[ -z "$RU_GOLD_COPIES" ]]; then
    RU_GOLD_COPIES=1
    if [[ "$RU_SILVER" != none ]]; then RU_GOLD_COPIES=3; fi
fi
KK_TRAIN=${GLEANER_NER_KK_TRAIN:-$data/kk/valid.conll}
KK_TEST=${GLEANER_NER_KK_TEST:-$data/kk/test.conll}
RU_EPOCHS=${GLEANER_NER_RU_EPOCHS:-20}
RU_RUNS=${GLEANER_NER_RU_RUNS:-5}
KK_EPOCHS=${GLEANER_NER_KK_EPOCHS:-30}
KK_RUNS=${GLEANER_NER_KK_RUNS:-5}
KK_BLOCK=${GLEANER_NER_KK_BLOCK:-500}
SEED=${GLEANER_NER_SEED:-42}
RU_RESOURCES=${GLEANER_NER_RU_RESOURCES:-$data/ru-resources}
KK_RESOURCES=${GLEANER_NER_KK_RESOURCES:-}
RU_FEATURES=(--features inflected --stem "${GLEANER_NER_RU_STEM:-4}")
# Russian head nouns of organisations and places as word classes
# (GLEANER_NER_RU_HEADS=0 leaves them out): cross-validation 86.82 F1, ORG
# 71.00, against 86.42, ORG 70.64 without.
if [[ "${GLEANER_NER_RU_HEADS:-1}" != 0 ]]; then RU_FEATURES+=(--heads ru); fi
# GLEANER_NER_RU_MAX_FEATURES=N keeps the N features whose largest weight is
# largest (`ner train --max-features`), to bound the model's size; with the
# silver data it defaults to 100000 (about 7.7 MB; with the 155k tokens of
# silver of the model before and the gold data once, cross-validation 88.73
# at 100000, 88.66 unpruned (258,440 features, 10.0 MB, 10–20 % slower
# tagging), 88.35 at 50000, the model before's; the first silver file's
# figures: 87.62 unpruned, 87.54 at 70000, 87.30 at 50000, 86.82 without
# silver). "none" keeps all.
ru_max=${GLEANER_NER_RU_MAX_FEATURES:-}
if [[ -z "$ru_max" && "${GLEANER_NER_RU_SILVER:-1}" != none ]]; then ru_max=100000; fi
if [[ -n "$ru_max" && "$ru_max" != none ]]; then RU_FEATURES+=(--max-features "$ru_max"); fi
KK_FEATURES=(--features inflected --stem "${GLEANER_NER_KK_STEM:-4}")
# Kazakh head nouns ("министрлігі", "облысы"; GLEANER_NER_KK_HEADS=0 leaves
# them out): tune F1 84.16, ORG 76.73, against 83.72, ORG 76.03 without;
# 5-fold block cross-validation 82.21 against 81.66.
if [[ "${GLEANER_NER_KK_HEADS:-1}" != 0 ]]; then KK_FEATURES+=(--heads kk); fi

tune=false cv=false
if [[ "${1:-}" == "--tune" ]]; then
    tune=true
    shift
elif [[ "${1:-}" == "--cv" ]]; then
    cv=true
    shift
fi
langs=("$@")
if [[ ${#langs[@]} -eq 0 ]]; then langs=(ru kk); fi

if [[ ! -f "$RU_TRAIN" || ! -f "$KK_TRAIN" || ( "$RU_NEREL" != none && ! -f "$RU_NEREL" ) ]]; then
    scripts/ner/fetch_lang_data.sh "$data"
fi
if [[ " ${langs[*]} " == *" ru "* && "$RU_RESOURCES" != none && ! -f "$RU_RESOURCES/lexicon.tsv" ]]; then
    scripts/ner/ru_resources.sh "$RU_RESOURCES"
fi
if [[ "$RU_RESOURCES" == none ]]; then RU_RESOURCES=; fi
if [[ " ${langs[*]} " == *" ru "* && "$RU_SILVER" != none && ! -f "$RU_SILVER" ]]; then
    scripts/ner/ru_silver.sh "$RU_SILVER"
fi
ru_extra=() ru_info="factRuEval-2016 (MIT)"
if [[ "$RU_GOLD_COPIES" != 1 ]]; then ru_info+=" ×$RU_GOLD_COPIES"; fi
if [[ "$RU_NEREL" != none ]]; then
    ru_extra+=(--train-file "$RU_NEREL")
    ru_info+=" + NEREL v1.0 (types mapped to PER/ORG/LOC)"
fi
if [[ "$RU_SILVER" != none ]]; then
    ru_extra+=(--train-file "$RU_SILVER")
    ru_info+=" + silver: natasha 1.6.0 labels on $(basename "$RU_SILVER") (scripts/ner/ru_silver.sh)"
fi
ru_info+=", Russian"

cargo build --release --locked --example ner
ner="${CARGO_TARGET_DIR:-target}/release/examples/ner"

# split FILE TRAIN TUNE BLOCK: documents in blocks of BLOCK; blocks 5, 10,
# 15, … → TUNE, the others → TRAIN.
split() {
    awk -v train="$2" -v tune="$3" -v block="$4" '
        /^-DOCSTART-/ { n++ }
        { print > ((n > 0 && int((n - 1) / block) % 5 == 4) ? tune : train) }' "$1"
}

mkdir -p "$models"
for lang in "${langs[@]}"; do
    case $lang in
        ru) train=$RU_TRAIN test=$RU_TEST epochs=$RU_EPOCHS runs=$RU_RUNS block=1 resources=$RU_RESOURCES copies=$RU_GOLD_COPIES
            features=("${RU_FEATURES[@]}") extra=("${ru_extra[@]}")
            info=$ru_info ;;
        kk) train=$KK_TRAIN test=$KK_TEST epochs=$KK_EPOCHS runs=$KK_RUNS block=$KK_BLOCK resources=$KK_RESOURCES
            features=("${KK_FEATURES[@]}") extra=()
            info="KazNERD (CC BY 4.0), Kazakh, types mapped to PER/ORG/LOC/MISC" copies=1 ;;
        *) echo "unknown language $lang (ru, kk)" >&2; exit 2 ;;
    esac
    res_arg=()
    if [[ -n "$resources" ]]; then res_arg=(--resources "$resources"); fi
    if $cv; then
        if [[ $lang != ru ]]; then echo "--cv is for ru only" >&2; exit 2; fi
        dir=$(mktemp -d)
        for k in 0 1 2 3 4; do
            awk -v train="$dir/train$k.conll" -v tune="$dir/tune$k.conll" -v k="$k" '
                /^-DOCSTART-/ { n++ }
                { print > ((n > 0 && (n - 1) % 5 == k) ? tune : train) }' "$train"
            gold=()
            for ((c = 0; c < copies; c++)); do gold+=(--train-file "$dir/train$k.conll"); done
            "$ner" train "${gold[@]}" "${extra[@]}" --epochs "$epochs" --runs "$runs" \
                --seed "$SEED" "${res_arg[@]}" "${features[@]}" --out "$dir/m$k.bin" 2>/dev/null
            pred=()
            if [[ -n "${GLEANER_NER_CV_PREDICTIONS:-}" ]]; then
                mkdir -p "$GLEANER_NER_CV_PREDICTIONS"
                pred=(--predictions "$GLEANER_NER_CV_PREDICTIONS/fold$k")
            fi
            "$ner" eval --model "$dir/m$k.bin" --file "tune=$dir/tune$k.conll" --json "$dir/s$k.json" \
                "${pred[@]}" >/dev/null
            rm -f "$dir/m$k.bin"
        done
        cvinfo="${extra[*]:-}"
        if [[ $copies != 1 ]]; then cvinfo="gold ×$copies $cvinfo"; fi
        python3 - "$dir" "$lang" "$epochs" "$runs" "$cvinfo" <<'PY'
import json, sys
d, lang, e, r, extra = sys.argv[1:]
s = [json.load(open(f"{d}/s{k}.json"))["tune"] for k in range(5)]
mean = lambda key: sum(x[key] for x in s) / 5
print(f"{lang} cv epochs {e} runs {r} {extra or '(factRuEval only)'}: F1 {mean('f1'):.2f}  "
      + "  ".join(f"{t} {mean(t):.2f}" for t in ("PER", "ORG", "LOC"))
      + "  folds " + " ".join(f"{x['f1']:.2f}" for x in s))
PY
        rm -rf "$dir"
        continue
    fi
    if $tune; then
        dir=$(dirname "$train")
        split "$train" "$dir/trainpart.conll" "$dir/tunepart.conll" "$block"
        for e in 8 12 16 20 30; do
            for r in 1 3 5; do
                printf '%s epochs %2d runs %d  ' "$lang" "$e" "$r"
                "$ner" train --train-file "$dir/trainpart.conll" --dev-file "$dir/tunepart.conll" \
                    --epochs "$e" --runs "$r" --seed "$SEED" "${res_arg[@]}" "${features[@]}" --out "$models/ner-$lang-tune.bin" 2>&1 |
                    grep '^final dev'
            done
        done
        rm -f "$models/ner-$lang-tune.bin"
        continue
    fi
    gold=()
    for ((c = 0; c < copies; c++)); do gold+=(--train-file "$train"); done
    "$ner" train "${gold[@]}" "${extra[@]}" --epochs "$epochs" --runs "$runs" --seed "$SEED" \
        "${res_arg[@]}" "${features[@]}" --info "$info" --out "$models/ner-$lang.bin"
    if [[ "${GLEANER_NER_SCORE_TEST:-0}" == 1 ]]; then
        "$ner" eval --model "$models/ner-$lang.bin" --file "test=$test" --per-type
    else
        echo "train_lang: $models/ner-$lang.bin written; its test set is not scored (GLEANER_NER_SCORE_TEST=1, or scripts/ner/eval.sh --lang $lang)" >&2
    fi
done
