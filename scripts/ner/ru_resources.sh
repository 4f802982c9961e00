#!/usr/bin/env bash
# Builds the Russian entity model's resources: name lists and word clusters.
#
#   scripts/ner/ru_resources.sh [OUT_DIR]     (default data/external/ner/ru-resources)
#
# Writes OUT_DIR/{gazetteers.txt, gazetteer.<LIST>.txt, lexicon.tsv}, the
# layout `ner train --resources` reads:
# - name lists (scripts/ner/ru_gazetteers.py): every form of the first
#   names, surnames, patronymics, places and organisations of the
#   OpenCorpora dictionary, as packaged by pymorphy2-dicts-ru
#   (dictionary: OpenCorpora, CC BY-SA 3.0, opencorpora.org; pymorphy2: MIT);
# - clusters (scripts/ner/ru_clusters.py): bit paths from a top-down
#   split of navec's news embeddings navec_news_v1_1B_250K_300d_100q
#   (navec: MIT, github.com/natasha/navec). The embeddings are taken from
#   the natasha 1.6.0 wheel on PyPI (MIT), which ships them and is the
#   system we compare against; their sha256 is checked.
# The resources end up inside the model file (hashed), so the model inherits
# these licences: see data/models/README.md.
#
# Makes its own venv (data/external/ner/ru-venv) with pinned packages from
# PyPI. Same packages ⇒ same bytes (one BLAS thread); the output's sha256
# are checked against those the shipped model was trained with. Takes about
# 3 minutes of CPU (most of it splitting the embeddings).
set -euo pipefail
cd "$(dirname "$0")/../.."

out=${1:-data/external/ner/ru-resources}
venv=${GLEANER_NER_RU_VENV:-data/external/ner/ru-venv}
NAVEC_SHA256=f07270833d78523edc5781538d67038e95b43975e4a7ae757c693b687f9cbfca

if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/ner/requirements-ru.txt

navec=$("$venv/bin/python" -c '
import os, natasha
print(os.path.join(os.path.dirname(natasha.__file__), "data", "emb", "navec_news_v1_1B_250K_300d_100q.tar"))')
echo "$NAVEC_SHA256  $navec" | sha256sum --quiet -c

export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0
mkdir -p "$out"
"$venv/bin/python" scripts/ner/ru_gazetteers.py "$out"
"$venv/bin/python" scripts/ner/ru_clusters.py "$navec" "$out/lexicon.tsv"
# The sums of the files the shipped model was trained with. numpy's SVD
# may round differently on another CPU or BLAS; a mismatch is reported, not
# fatal (the model then differs slightly from the shipped one).
if (cd "$out" && sha256sum --quiet -c - >&2) <<'SUMS'
71e581e756e3da207bbe797e82b9917138f4ab652354bce8bc2afa8a8fc773e0  gazetteers.txt
6b8b855ccc2990e469ace38c02216745148df022545552e40d12e51b18769547  gazetteer.Geox.txt
c1e3efcc987af4fa025e6f7e43a4cb7d825a969590e1f27a79b82750aa94e924  gazetteer.Name.txt
0a9604f5c623bf92fd33365764a1a364bf44658f4b896ce85e4b14be742f3f2f  gazetteer.Orgn.txt
75ad33a249e1ab5e4e0617c9943c0ca4cefc46dbbed1f92b45c9138b8dae83bf  gazetteer.Patr.txt
4524b0370ff7c3c0501f24e94ed3fe976bfc89ee1429e422e7f1c82047b3e66a  gazetteer.Surn.txt
f937eb96a54409aa4e8d2962af19c76787b07c7199331e2e2ba57ac29e9f4e35  lexicon.tsv
SUMS
then
    echo "ru_resources: resources in $out (the shipped model's, byte for byte)" >&2
else
    echo "ru_resources: resources in $out, but they differ from the shipped model's (above)" >&2
fi
