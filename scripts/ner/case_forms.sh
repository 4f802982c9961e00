#!/usr/bin/env bash
# Scores how gleaner's canonical keys join the case forms of Russian names
# ("Владимира Путина" → "Владимир Путин", "Россией" → "Россия") against
# natasha 1.6.0's normalizer, on the factRuEval-2016 devset (the rules
# were written looking at it) and testset (held out). Prints pairs joined,
# pairs the reference puts together, precision, recall and F1 per label,
# and the disputed pairs: scripts/ner/case_forms_eval.py says how.
#
#   scripts/ner/case_forms.sh [CONLL...]    (default: factRuEval dev and test)
#
# Data from scripts/ner/fetch_lang_data.sh into $GLEANER_NER_LANG_DATA
# (default data/external/ner/lang); natasha in data/external/ner/natasha-venv.
set -euo pipefail
cd "$(dirname "$0")/../.."

ext=data/external/ner
langdata=${GLEANER_NER_LANG_DATA:-$ext/lang}
files=("$@")
if [[ ${#files[@]} -eq 0 ]]; then
    scripts/ner/fetch_lang_data.sh "$langdata"
    files=("$langdata/ru/dev.conll" "$langdata/ru/test.conll")
fi
venv=$ext/natasha-venv
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/ner/requirements-ru.txt
cargo build --release --locked
gleaner="${CARGO_TARGET_DIR:-target}/release/gleaner"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for file in "${files[@]}"; do
    echo "== $file"
    "$venv/bin/python" scripts/ner/case_forms_eval.py "$gleaner" "$work/$(basename "$file")" "$file"
done
