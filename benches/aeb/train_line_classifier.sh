#!/usr/bin/env bash
# Reproduces the weights of gleaner's plain-text line classifier (MODEL in
# src/stages/clean/classify.rs) from three sources that weigh about the same:
# the Article Extraction Benchmark's 181 news pages, WCXB's 1,497 dev pages
# (every page type, CC-BY-4.0; benches/wcxb/fetch.sh) and the Russian and
# Kazakh `dev` corpora of benches/clean/run_langs.sh (factRuEval-2016 news,
# MIT, and KazNERD sentences, CC BY 4.0, wrapped in labelled site lines;
# their `heldout` corpora stay out). It measures the page-level 5-fold
# cross-validated F1 on AEB with AEB's own evaluate.py (the other sources
# stay in every fold's training).
#
#   benches/aeb/train_line_classifier.sh
#
# Steps: fetch the 181 AEB pages (fetch_aeb.sh; GLEANER_AEB_MIRROR where
# GitHub is unreachable), render them to text with inscriptis 2.7.6 in the
# benches/aeb venv (as run.sh does), `line_classifier train --write` (fits on
# all pages and rewrites the weights block; training is deterministic, so an
# unchanged classifier gives an unchanged block), then `line_classifier cv`
# (threshold tuned inside each training fold) scored by evaluate.py.
# Work files go to benches/aeb/work/line_classifier/.
set -euo pipefail
cd "$(dirname "$0")/../.."

aeb=data/external/aeb
work=benches/aeb/work
out=$work/line_classifier
benches/aeb/fetch_aeb.sh "$aeb"
benches/wcxb/fetch.sh data/external/wcxb
lang=${GLEANER_LANG_DATA:-data/external/ner/lang}
if [[ ! -f "$lang/ru/dev.conll" || ! -f "$lang/kk/valid.conll" ]]; then
    scripts/ner/fetch_lang_data.sh "$lang"
fi
rm -rf "$out"
mkdir -p "$out/output"

if [[ ! -x "$work/venv/bin/python" ]]; then
    python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install --quiet --disable-pip-version-check inscriptis==2.7.6
# The same rendering as run.sh's plain-text task: one <id>.txt per page.
"$work/venv/bin/python" benches/aeb/run_python.py "$aeb" "$out/inscriptis" \
    --render "$out/rendered" inscriptis >/dev/null
rm -rf "$out/inscriptis"
"$work/venv/bin/python" benches/aeb/render_pages.py data/external/wcxb/dev "$out/wcxb-dev-rendered"
# A WCXB page weighs 0.12 of an AEB page in the fit, so that the two
# sources weigh about the same (1,497 pages against 181); the threshold
# maximizes the mean of the sources' F1 (each source's pages alike).
wcxb=(--wcxb "data/external/wcxb/dev=$out/wcxb-dev-rendered" --wcxb-weight 0.12)
# The same corpora run_langs.sh builds (same seed), 1,000 documents at 0.18.
for l in ru kk; do
    python3 benches/clean/make_corpus.py "conll-$l" "$lang" "$out/$l-dev" \
        --limit 500 --pool "$l-dev" --seed 13 >/dev/null
    wcxb+=(--labelled "$out/$l-dev")
done
wcxb+=(--labelled-weight 0.18)

target_dir="${CARGO_TARGET_DIR:-target}"
cargo build --release --locked --example line_classifier
bin="$target_dir/release/examples/line_classifier"
"$bin" train --aeb "$aeb" --rendered "$out/rendered" "${wcxb[@]}" --write | tee "$out/model.txt"
"$bin" cv --aeb "$aeb" --rendered "$out/rendered" "${wcxb[@]}" --out "$out/output/line_classifier_cv.json"

# evaluate.py scores every output/*.json in its directory: only the CV output.
(cd "$out" && cp "$OLDPWD/$aeb/ground-truth.json" "$OLDPWD/$aeb/evaluate.py" . \
    && python3 evaluate.py --n-bootstrap 1000) | tee "$out/scores.txt"
awk '$1 == "line_classifier_cv" {
    printf "line classifier, 5-fold page-level CV (evaluate.py): F1 %s ± %s  P %s ± %s  R %s ± %s\n", $3, $5, $6, $8, $9, $11
}' "$out/scores.txt"
if git rev-parse --git-dir >/dev/null 2>&1 && ! git diff --quiet -- src/stages/clean/classify.rs; then
    echo "note: src/stages/clean/classify.rs differs from git HEAD (git diff src/stages/clean/classify.rs)"
fi
