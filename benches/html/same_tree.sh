#!/usr/bin/env bash
# Checks that cutting script and style bodies before the parse
# (src/stages/read/article/code_bodies.rs) leaves html5ever's tree the same,
# less those bodies' text, on real pages and on the parser conformance
# suite: html5lib-tests' tree-construction documents (fetched at a pinned
# commit; MIT, (c) James Graham, Geoffrey Sneddon and contributors), plus
# the WCXB pages and Readability's test pages when benches/wcxb/fetch.sh and
# benches/readability/run.sh have fetched them.
#
#   benches/html/same_tree.sh
#
# Tries `git clone`; where GitHub is not reachable set GLEANER_HTML5LIB_MIRROR
# to a git directory holding the commit. Work files go to benches/html/work/
# (git-ignored). A few minutes, most of it the release test build.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/pinned_archive.sh

URL=https://github.com/html5lib/html5lib-tests
# The last commit before the tree-construction tests moved to WPT.
COMMIT=9329e64694e7835d0dcff9811e22856ef6ad16f9
work=benches/html/work
pages=$work/pages
rm -rf "$pages"
mkdir -p "$pages"
if [[ "$(cat "$work/html5lib/COMMIT" 2>/dev/null)" != "$COMMIT" ]]; then
    rm -rf "$work/html5lib"
    mkdir -p "$work/html5lib"
    pinned_archive same_tree "$URL" "$COMMIT" GLEANER_HTML5LIB_MIRROR "$work/html5lib.tar" tree-construction LICENSE
    tar -x -C "$work/html5lib" -f "$work/html5lib.tar"
    rm "$work/html5lib.tar"
    echo "$COMMIT" > "$work/html5lib/COMMIT"
fi
# Every whole-document test (fragment and scripting-off tests left out),
# one file each.
python3 - "$work/html5lib/tree-construction" "$pages/html5lib" <<'PY'
import pathlib, sys
src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
out.mkdir(parents=True)
n = 0
for dat in sorted(src.glob("*.dat")):
    text = dat.read_text(encoding="utf-8", errors="replace")
    for k, test in enumerate(text.split("\n\n#data\n")):
        test = test.removeprefix("#data\n")
        if "\n#errors" not in test:
            continue
        data, rest = test.split("\n#errors", 1)
        if "#document-fragment" in rest or "#script-off" in rest:
            continue
        (out / f"{dat.stem}_{k:04d}.html").write_text(data, encoding="utf-8")
        n += 1
print(f"same_tree: {n} html5lib-tests documents", file=sys.stderr)
PY
if compgen -G "data/external/wcxb/*/html/*.html.gz" > /dev/null; then
    mkdir -p "$pages/wcxb"
    for f in data/external/wcxb/*/html/*.html.gz; do
        split=$(basename "$(dirname "$(dirname "$f")")")
        gzip -dc "$f" > "$pages/wcxb/${split}_$(basename "$f" .gz)"
    done
else
    echo "same_tree: no WCXB pages (benches/wcxb/fetch.sh fetches them)" >&2
fi
if [[ -d benches/readability/work/src/test/test-pages ]]; then
    mkdir -p "$pages/readability"
    for d in benches/readability/work/src/test/test-pages/*/; do
        cp "$d/source.html" "$pages/readability/$(basename "$d").html"
    done
else
    echo "same_tree: no Readability pages (benches/readability/run.sh fetches them)" >&2
fi
GLEANER_HTML_PAGES="$pages" cargo test --release --locked --lib code_bodies -- --ignored --nocapture
