#!/usr/bin/env bash
# Fetches and converts the labelled data of the Russian and Kazakh entity
# models to CoNLL files (TOKEN<TAB>TAG, BIO, -DOCSTART- between documents).
#
#   scripts/ner/fetch_lang_data.sh [DEST]     (default DEST: data/external/ner/lang)
#
# - factRuEval-2016 (github.com/dialogue-evaluation/factRuEval-2016 at
#   dfe96237fce7, MIT): devset/ → DEST/ru/dev.conll (training), testset/ →
#   DEST/ru/test.conll (reporting only); scripts/ner/factru_to_conll.py
#   maps Person → PER, Org → ORG, Location and LocOrg → LOC.
# - only with GLEANER_NER_RU_NEREL set (not "none"): NEREL
#   (github.com/nerel-ds/NEREL at 8f07d3e410f3; no licence file, see
#   data/models/README.md): NEREL-v1.0/train → DEST/ru/nerel-train.conll
#   (extra Russian training data; dev did not help in cross-validation,
#   87.50 against 87.51, so train only); scripts/ner/nerel_to_conll.py maps
#   PERSON → PER, ORGANIZATION → ORG, COUNTRY/CITY/STATE_OR_PROVINCE/
#   DISTRICT/LOCATION → LOC (factRuEval's conventions), the rest → O.
#   NEREL-v1.0/dev and test are not used.
# - KazNERD (github.com/IS2AI/KazNERD at bd4333d0f595, CC BY 4.0):
#   IOB2_{train,valid,test}.txt → DEST/kk/{train,valid,test}.conll, each
#   sentence its own document; scripts/ner/kaznerd_to_conll.py maps the 25
#   classes to PER / ORG / LOC / MISC. IOB2_train.txt (8 MB) is left out:
#   the mirror we can reach drops files of 4 MiB and more, so valid is the
#   training data here (the converter skips a split that is missing).
#
# The converted files' sha256 are checked. Tries `git clone`; where GitHub is
# not reachable set GLEANER_FACTRU_MIRROR / GLEANER_NEREL_MIRROR /
# GLEANER_KAZNERD_MIRROR to git directories holding the commits.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/pinned_archive.sh"

DEST=${1:-data/external/ner/lang}
mkdir -p "$DEST/ru" "$DEST/kk"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/sums" <<'SUMS'
5cacb6e5587d84a7137e7e035ecd1402cbaef06987048e7100e1abb15ad81dd6  ru/dev.conll
70bed2eff68efb913ef30751cded697d45f4192ebfdba2a0fab9dbf1680b7d67  ru/test.conll
51e60c133db207d866ae060b1730a766a78c9043f165396c804f74bb550552db  kk/valid.conll
90c5a939b5398cddc62f1a40d3e07208e9f392ca359adcc9813fb741dfdd6fe3  kk/test.conll
SUMS
if [[ "${GLEANER_NER_RU_NEREL:-none}" != none ]]; then
    echo "cc3ab0cb52a97b506db8a9e3aa309e11aafa79e1f5061dd6530444e6c0c97eb9  ru/nerel-train.conll" >>"$tmp/sums"
fi

if (cd "$DEST" && sha256sum --quiet -c "$tmp/sums" >/dev/null 2>&1); then
    echo "fetch_lang_data: $DEST already holds the data" >&2
    exit 0
fi

pinned_archive fetch_lang_data https://github.com/dialogue-evaluation/factRuEval-2016 \
    dfe96237fce79fde13b2021d1938587e4ea3042e GLEANER_FACTRU_MIRROR "$tmp/factru.tar" devset testset
mkdir -p "$tmp/factru"
tar -x -C "$tmp/factru" -f "$tmp/factru.tar"
python3 "$here/factru_to_conll.py" "$tmp/factru/devset" "$DEST/ru/dev.conll"
python3 "$here/factru_to_conll.py" "$tmp/factru/testset" "$DEST/ru/test.conll"

if [[ "${GLEANER_NER_RU_NEREL:-none}" != none ]]; then
    pinned_archive fetch_lang_data https://github.com/nerel-ds/NEREL \
        8f07d3e410f322d5dbf6b68b13fbf4a4aa077fe9 GLEANER_NEREL_MIRROR "$tmp/nerel.tar" \
        NEREL-v1.0/train
    mkdir -p "$tmp/nerel"
    tar -x -C "$tmp/nerel" -f "$tmp/nerel.tar"
    python3 "$here/nerel_to_conll.py" "$DEST/ru/nerel-train.conll" \
        "$tmp/nerel/NEREL-v1.0/train"
fi

pinned_archive fetch_lang_data https://github.com/IS2AI/KazNERD \
    bd4333d0f5952b9fafb2ef2ac2fefa0ad3c0333f GLEANER_KAZNERD_MIRROR "$tmp/kaznerd.tar" \
    KazNERD/IOB2_valid.txt KazNERD/IOB2_test.txt
mkdir -p "$tmp/kaznerd"
tar -x -C "$tmp/kaznerd" -f "$tmp/kaznerd.tar"
python3 "$here/kaznerd_to_conll.py" "$tmp/kaznerd/KazNERD" "$DEST/kk"

(cd "$DEST" && sha256sum -c "$tmp/sums") >&2
echo "fetch_lang_data: factRuEval-2016 (and NEREL if asked) in $DEST/ru, KazNERD in $DEST/kk" >&2
