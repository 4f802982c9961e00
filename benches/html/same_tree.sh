#!/usr/bin/env bash
# Checks that cutting script and style bodies and the content of SVG and
# MathML elements before the parse (src/stages/read/article/code_bodies.rs)
# leaves html5ever's tree the same, less what was cut, and that the patched html5ever
# (vendor/html5ever/PATCHES.md) builds the same trees as the published one,
# on real pages and on the parser conformance suite: html5lib-tests'
# tree-construction documents (fetched at a pinned commit; MIT, (c) James
# Graham, Geoffrey Sneddon and contributors), seeded tag soup and deep
# nesting, plus the WCXB pages and Readability's test pages when
# benches/wcxb/fetch.sh and benches/readability/run.sh have fetched them.
#
#   benches/html/same_tree.sh
#
# Tries `git clone`; where GitHub is not reachable set GLEANER_HTML5LIB_MIRROR
# to a git directory holding the commit. Work files go to benches/html/work/
# (git-ignored). About 10 minutes, most of it two release test builds.
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
pinned_tree same_tree "$URL" "$COMMIT" GLEANER_HTML5LIB_MIRROR "$work/html5lib" tree-construction LICENSE
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
# Tag soup: seeded random runs of the tags whose handling moves `p` and
# `template` elements on and off the stack of open elements (block starts,
# buttons, tables, forms, formatting elements and the adoption agency,
# foreign content, templates, stray end tags), some with many attributes,
# duplicates among them; and deep nesting and a tag of 100,000 attributes,
# where the published parser is quadratic.
python3 - "$pages/soup" <<'PY'
import pathlib, random, sys
out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True)
tags = ["div", "p", "span", "button", "table", "tr", "td", "b", "i", "a",
        "ul", "li", "h1", "form", "select", "option", "svg", "math",
        "template", "nobr", "pre", "dd", "dt", "address", "marquee"]
rng = random.Random(16)
for k in range(2000):
    parts = []
    for _ in range(rng.randrange(1, 300)):
        r = rng.random()
        t = rng.choice(tags)
        if r < 0.5 and rng.random() < 0.1:
            # Attributes, duplicates among them, up to past the count from
            # which the tokenizer looks duplicates up in a set.
            names = [f"a{rng.randrange(60)}" for _ in range(rng.randrange(80))]
            t += "".join(f' {n}="{rng.randrange(9)}"' for n in names)
        parts.append(f"<{t}>" if r < 0.5 else f"</{t.split()[0]}>" if r < 0.8 else "x ")
    (out / f"soup_{k:04d}.html").write_text("".join(parts), encoding="utf-8")
deep = {"div_span": "<div><span>" * 20000, "div": "<div>" * 20000,
        "p_div": "<p><div>" * 5000, "button_p": "<button><p>" * 5000,
        "b_p": "<b><p>" * 5000, "form_div": "<form><div>" * 20000,
        "template_div": "<template><div>" * 5000,
        "attrs": "<div " + " ".join(f"a{i % 70000}=v" for i in range(100000)) + ">"}
for name, page in deep.items():
    (out / f"deep_{name}.html").write_text(page + "<p>The text survives.", encoding="utf-8")
print(f"same_tree: {2000 + len(deep)} tag-soup and deep pages", file=sys.stderr)
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
GLEANER_TREE_DUMP="$work/trees-vendored.txt" GLEANER_HTML_PAGES="$pages" \
    cargo test --release --locked --lib code_bodies -- --ignored --nocapture

# The patched html5ever (vendor/html5ever/PATCHES.md) against the published
# one: the same trees, byte for byte. The published crate comes from
# cargo's registry cache, or from crates.io.
version=$(sed -n 's/^version = "\(.*\)"/\1/p' vendor/html5ever/Cargo.toml | head -n1)
published=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"html5ever-$version" 2>/dev/null | head -n1 || true)
if [[ -z $published ]]; then
    mkdir -p "$work/published"
    if curl -sSfL "https://static.crates.io/crates/html5ever/html5ever-$version.crate" \
        | tar -xz -C "$work/published"; then
        published=$work/published/html5ever-$version
    fi
fi
if [[ -z $published ]]; then
    echo "same_tree: html5ever $version from crates.io not found; the patch was not compared" >&2
    exit 1
fi
GLEANER_TREE_DUMP="$work/trees-published.txt" GLEANER_HTML_PAGES="$pages" \
    CARGO_TARGET_DIR="$work/target-published" \
    cargo test --release --config "patch.crates-io.html5ever.path='$(cd "$published" && pwd)'" \
    --lib code_bodies -- --ignored --nocapture
if cmp -s "$work/trees-vendored.txt" "$work/trees-published.txt"; then
    echo "same_tree: the patched html5ever builds the same trees as html5ever $version from crates.io ($(wc -c < "$work/trees-vendored.txt") bytes of trees)"
else
    echo "same_tree: the patched html5ever builds other trees than html5ever $version: compare $work/trees-vendored.txt and $work/trees-published.txt" >&2
    exit 1
fi
rm -f "$work/trees-vendored.txt" "$work/trees-published.txt"
