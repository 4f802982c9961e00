#!/usr/bin/env bash
# Hard-wrapped text: how much of an RFC, a README, a kernel document or a
# Gutenberg book (lines broken at ~72 columns, blank lines between
# paragraphs) survives cleaning. These files have no site lines, so every
# word removed is a word lost (a page header, an address block or a code
# sample may be fairly removed; the figure is a floor, not an error rate).
#
#   benches/clean/wrapped.sh [GLEANER_BIN [CONFIG]]
#
# Fetches the 39 files of benches/clean/wrapped_sources.tsv (four sources:
# the Linux kernel's Documentation/process, IETF RFCs, GNU coreutils / rcs
# / cflow READMEs, Project Gutenberg; each pinned to a commit, licences in
# the file) into data/external/wrapped/, never committed, runs `gleaner
# run` over them and prints, per source: documents, share of the files'
# words kept in documents.text, and documents losing more than a tenth.
# Give BASE_BIN=path to score an older binary in the same table. Where
# raw.githubusercontent.com is not reachable, put the files (named as in
# the first column) in data/external/wrapped/ by other means.
# WRAPPED_NO_BLANKS=1 scores the same files with their blank lines taken
# out, as OCR output and some mail archives come: nothing but a short last
# line parts the paragraphs.
set -euo pipefail
cd "$(dirname "$0")/../.."

work=benches/clean/work
data=data/external/wrapped
mkdir -p "$data" "$work"
grep -v '^#' benches/clean/wrapped_sources.tsv | while IFS=$'\t' read -r name repo path commit _licence; do
    [[ -s "$data/$name" ]] && continue
    url="https://raw.githubusercontent.com/$repo/$commit/$path"
    curl -fsSL --retry 3 -o "$data/$name.part" "$url" \
        || { echo "wrapped.sh: cannot fetch $url (put it in $data/$name)" >&2; exit 1; }
    mv "$data/$name.part" "$data/$name"
done
if [[ "${WRAPPED_NO_BLANKS:-}" == 1 ]]; then
    rm -rf "$work/wrapped-no-blanks"
    mkdir -p "$work/wrapped-no-blanks"
    for f in "$data"/*; do
        grep -v '^[[:space:]]*$' "$f" >"$work/wrapped-no-blanks/$(basename "$f")" || true
    done
    data=$work/wrapped-no-blanks
fi

source benches/clean/setup.sh

score() { # NAME BIN
    local out="$work/out/wrapped-$1"
    rm -rf "$out"
    "$2" run "$data" --config "$config" --output "$out" --full >"$out.log" 2>&1 \
        || { cat "$out.log"; exit 1; }
    "$work/venv/bin/python" - "$1" "$out" <<'PY'
import collections, glob, os, re, sys
import pyarrow.parquet as pq
name, out = sys.argv[1], sys.argv[2]
words = lambda s: collections.Counter(re.findall(r"\w+", s.lower()))
groups = collections.defaultdict(lambda: [0, 0, 0, 0])
for part in sorted(glob.glob(f"{out}/documents/**/*.parquet", recursive=True)):
    t = pq.read_table(part, columns=["source", "text"]).to_pydict()
    for source, text in zip(t["source"], t["text"]):
        raw = words(open(source, encoding="utf-8", errors="replace").read())
        total, kept = sum(raw.values()), sum((raw & words(text)).values())
        for g in (os.path.basename(source).split("__")[0], "all"):
            x = groups[g]
            x[0] += 1; x[1] += total; x[2] += kept; x[3] += kept < 0.9 * total
for g, (n, total, kept, lost) in sorted(groups.items(), key=lambda kv: kv[0] == "all"):
    print(f"| {name} | {g} | {n} | {kept / total:.3f} | {lost} |")
PY
}
echo "| gleaner | source | docs | words kept | docs losing > 10 % |"
echo "|---|---|---|---|---|"
[[ -n "${BASE_BIN:-}" ]] && score base "$BASE_BIN"
score current "$bin"
