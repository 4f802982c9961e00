#!/usr/bin/env bash
# Silver Russian NER data: public, licensed Russian text labelled by natasha
# 1.6.0 (NewsNERTagger), as a CoNLL file for scripts/ner/train_lang.sh
# (GLEANER_NER_RU_SILVER=1 there, or a path).
#
#   scripts/ner/ru_silver.sh [OUT]    (default: $GLEANER_NER_LANG_DATA/ru/silver.conll)
#
# Sources (pinned commits; the sentences of their `# text = ` lines):
# - UD_Russian-GSD (github.com/UniversalDependencies/UD_Russian-GSD at
#   5400f2fd7264, CC BY-SA 4.0; Wikipedia): ru_gsd-ud-dev.conllu,
#   ru_gsd-ud-test.conllu
# - UD_Russian-PUD (github.com/UniversalDependencies/UD_Russian-PUD at
#   da5b3816eeaa, CC BY-SA 3.0; news and Wikipedia, the CoNLL 2017 parallel
#   treebank): ru_pud-ud-test.conllu
# - UD_Russian-Taiga (github.com/UniversalDependencies/UD_Russian-Taiga at
#   3c64a056edcd, CC BY-SA 4.0; social media, fiction, encyclopaedias,
#   poetry): ru_taiga-ud-dev.conllu, ru_taiga-ud-test.conllu
# (The treebanks' train files are 4 MB and more, which the mirror we can
# reach drops; UD_Russian-SynTagRus is CC BY-NC-SA, not used.)
# GLEANER_NER_RU_SILVER_EXTRA lists further sources (default "ntrex xquad
# taiga2020", the shipped model's; "ntrex xquad" as the model before; "" for
# none, as the one before it; cross-validation in data/models/README.md):
# - ntrex: NTREX-128 (github.com/MicrosoftTranslator/NTREX at 8561f6a622db,
#   CC BY-SA 4.0; the WMT newstest2019 English news translated into
#   Russian): NTREX-128/newstest2019-ref.rus.txt, documents from
#   DOCUMENT_IDS.tsv
# - xquad: XQuAD (github.com/google-deepmind/xquad at 7d30520c7175, CC BY-SA 4.0;
#   English Wikipedia paragraphs translated into Russian): the contexts of
#   xquad.ru.json
# - taiga2020: UD_Russian-Taiga's train file as
#   it was at 440cd669bde7 (Nov 2020, 3,138 sentences, 3.7 MB; CC BY-SA
#   4.0; social media, fiction, poetry, Lenta.ru news of MorphoRuEval
#   2017): ru_taiga-ud-train.conllu
# Opt-in, licence unknown (like NEREL, never for the shipped model):
# GLEANER_NER_RU_SILVER_BSNLP=1 adds the Russian raw news articles of the
# BSNLP 2019–2021 shared tasks as kept in
# github.com/UL-FRI-Zitnik/BSNLP-2021-Shared-Task at 5163242ff2e0
# (data/datasets/bsnlp/*/raw/ru; rg.ru, ria.ru, … articles; no licence file).
#
# Sentences also in factRuEval-2016's test or dev set (DEST/ru/test.conll,
# dev.conll, from scripts/ner/fetch_lang_data.sh) or in any NEREL v1.0 text
# (github.com/nerel-ds/NEREL at 8f07d3e410f3, train/dev/test) are dropped,
# as are duplicates; scripts/ner/ru_silver.py says how, how natasha's
# spans become BIO tags, and where they are changed to follow factRuEval's
# conventions (a parenthesised part its own name, the quoted name of an
# "ОАО «…»" alone, the EU / CIS / Kremlin ORG, the ISS LOC, "СМИ" no name;
# GLEANER_NER_RU_SILVER_CONVENTIONS=0 keeps natasha's spans). natasha runs
# in data/external/ner/natasha-venv (GLEANER_NATASHA_VENV to use another), installed from
# scripts/ner/requirements-ru.txt when missing. Same inputs ⇒ same bytes.
#
# Tries `git clone`; where GitHub is not reachable set GLEANER_UD_GSD_MIRROR,
# GLEANER_UD_PUD_MIRROR, GLEANER_UD_TAIGA_MIRROR, GLEANER_NEREL_MIRROR (and
# GLEANER_NTREX_MIRROR, GLEANER_XQUAD_MIRROR, GLEANER_BSNLP_MIRROR) to git
# directories holding the commits.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=scripts/ner
source scripts/lib/pinned_archive.sh

data=${GLEANER_NER_LANG_DATA:-data/external/ner/lang}
out=${1:-$data/ru/silver.conll}
venv=${GLEANER_NATASHA_VENV:-data/external/ner/natasha-venv}
scripts/ner/fetch_lang_data.sh "$data"
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements-ru.txt"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
get() { # NAME URL COMMIT MIRROR_VAR PATH...
    local name=$1
    shift
    pinned_archive ru_silver "$1" "$2" "$3" "$tmp/$name.tar" "${@:4}"
    mkdir -p "$tmp/$name"
    tar -x -C "$tmp/$name" -f "$tmp/$name.tar"
}
get gsd https://github.com/UniversalDependencies/UD_Russian-GSD \
    5400f2fd7264b7699727bb61b09f53841899df26 GLEANER_UD_GSD_MIRROR ru_gsd-ud-dev.conllu ru_gsd-ud-test.conllu
get pud https://github.com/UniversalDependencies/UD_Russian-PUD \
    da5b3816eeaa24283c1d81a48bb1de4d062fc5d5 GLEANER_UD_PUD_MIRROR ru_pud-ud-test.conllu
get taiga https://github.com/UniversalDependencies/UD_Russian-Taiga \
    3c64a056edcd5c6e2c29b3724d973729c354e016 GLEANER_UD_TAIGA_MIRROR ru_taiga-ud-dev.conllu ru_taiga-ud-test.conllu
get nerel https://github.com/nerel-ds/NEREL \
    8f07d3e410f322d5dbf6b68b13fbf4a4aa077fe9 GLEANER_NEREL_MIRROR NEREL-v1.0
sources=(--conllu "gsd-dev=$tmp/gsd/ru_gsd-ud-dev.conllu" --conllu "gsd-test=$tmp/gsd/ru_gsd-ud-test.conllu"
    --conllu "pud=$tmp/pud/ru_pud-ud-test.conllu"
    --conllu "taiga-dev=$tmp/taiga/ru_taiga-ud-dev.conllu" --conllu "taiga-test=$tmp/taiga/ru_taiga-ud-test.conllu")
extra=" ${GLEANER_NER_RU_SILVER_EXTRA-ntrex xquad taiga2020} "
if [[ "$extra" == *" taiga2020 "* ]]; then
    get taiga2020 https://github.com/UniversalDependencies/UD_Russian-Taiga \
        440cd669bde748de1c1b316a95b6649d0383cca4 GLEANER_UD_TAIGA_MIRROR ru_taiga-ud-train.conllu
    sources+=(--conllu "taiga2020-train=$tmp/taiga2020/ru_taiga-ud-train.conllu")
fi
if [[ "$extra" == *" ntrex "* ]]; then
    get ntrex https://github.com/MicrosoftTranslator/NTREX \
        8561f6a622db9edad1217683e5c83daefd8bb2bf GLEANER_NTREX_MIRROR NTREX-128/newstest2019-ref.rus.txt DOCUMENT_IDS.tsv
    sources+=(--lines "ntrex=$tmp/ntrex/NTREX-128/newstest2019-ref.rus.txt,$tmp/ntrex/DOCUMENT_IDS.tsv")
fi
if [[ "$extra" == *" xquad "* ]]; then
    get xquad https://github.com/google-deepmind/xquad \
        7d30520c717524000f0d9d2f9c10a069acd9d285 GLEANER_XQUAD_MIRROR xquad.ru.json
    sources+=(--squad "xquad=$tmp/xquad/xquad.ru.json")
fi
if [[ "${GLEANER_NER_RU_SILVER_BSNLP:-0}" == 1 ]]; then
    get bsnlp https://github.com/UL-FRI-Zitnik/BSNLP-2021-Shared-Task \
        5163242ff2e0b41d760afb3b9e9f4508f8dbaac6 GLEANER_BSNLP_MIRROR \
        data/datasets/bsnlp/{asia_bibi,brexit,covid-19,ec,nord_stream,ryanair,trump,us_election_2020}/raw/ru
    for topic in asia_bibi brexit covid-19 ec nord_stream ryanair trump us_election_2020; do
        sources+=(--bsnlp-dir "bsnlp-$topic=$tmp/bsnlp/data/datasets/bsnlp/$topic/raw/ru")
    done
fi
if [[ "${GLEANER_NER_RU_SILVER_CONVENTIONS:-1}" == 0 ]]; then sources+=(--natasha-conventions); fi
mkdir -p "$(dirname "$out")"
"$venv/bin/python" "$here/ru_silver.py" --out "$out" "${sources[@]}" \
    --exclude-conll "$data/ru/test.conll" --exclude-conll "$data/ru/dev.conll" \
    --exclude-text-dir "$tmp/nerel/NEREL-v1.0"
# The file the shipped ner-ru.bin was trained on (198,780 tokens); a
# different sum means other inputs or another natasha / numpy. (The model
# before had GLEANER_NER_RU_SILVER_EXTRA="ntrex xquad", 155,160 tokens:
# 052889b029b3e564b450f2a8eb5f31801e9a2f4950268dc15d356a077e360903; the one
# before it GLEANER_NER_RU_SILVER_EXTRA="" GLEANER_NER_RU_SILVER_CONVENTIONS=0:
# 1bb9f8bb750eb40924ecd4d4370799a20e02ca6d7431484c8ee6dbf12b30ef02.)
want=c7d691a05c3209c2c75f9cf5bdc310c8a816c2323bda7b37834a9dc022dca2a6
got=$(sha256sum "$out" | cut -d' ' -f1)
if [[ "${GLEANER_NER_RU_SILVER_BSNLP:-0}" != 1 && "$extra" == " ntrex xquad taiga2020 " \
    && "${GLEANER_NER_RU_SILVER_CONVENTIONS:-1}" != 0 && "$got" != "$want" ]]; then
    echo "ru_silver: warning: $out has sha256 $got, not the shipped model's $want" >&2
fi
echo "$got  $out"
