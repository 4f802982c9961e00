#!/usr/bin/env bash
# Near-duplicate recall and precision by script: word shingles (char_shingle_size = 0)
# against character shingles of 3..6 for Chinese, Japanese and Thai, on text
# gleaner's authors did not write. Not in the repository (CC BY-SA / other
# sources); put these in DATA (default benches/dedup/scripts/data):
#   zh.conllu th.conllu en.conllu ru.conllu  from UD_<Chinese|Thai|English|Russian>-PUD
#     (github.com/UniversalDependencies, *_pud-ud-test.conllu, CC BY-SA 3.0)
#   ja_bocchan.txt  Natsume Soseki, "Botchan" (1906, public domain; Aozora Bunko)
# Each document (5 PUD sentences, or a Botchan paragraph) gets one copy with a
# share RATE of its letters (words, for en/ru) substituted; every other pair
# is distinct, translations included. Needs polars (the repo's .venv).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=${DATA:-$here/data}
gleaner=${GLEANER:-target/release/gleaner}
python=${PYTHON:-.venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for rate in 0 0.03 0.06 0.10 0.15 0.20; do
  mkdir -p "$work/in$rate"
  (cd "$data" && "$python" "$here/corpus.py" "$work/in$rate/docs.jsonl" "$rate")
  for chars in 0 3 4 5 6; do
    printf '[dataset]\nname = "scripts"\n[clean]\nclassifier = false\ndrop_repeated_lines = false\n[entities]\nnames = false\n[dedup]\nchar_shingle_size = %s\n' "$chars" > "$work/cfg.toml"
    "$gleaner" run "$work/in$rate" --config "$work/cfg.toml" --output "$work/out" --threads 2 >/dev/null
    echo "rate $rate char_shingle_size $chars: $("$python" "$here/score.py" "$work/out")"
    rm -rf "$work/out"
  done
done
