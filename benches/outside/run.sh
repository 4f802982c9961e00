#!/usr/bin/env bash
# Reads real files from other projects' test data, which gleaner was not
# written against, and prints what became of them: files read, skipped (by
# reason), documents with text, characters of text, U+FFFD in the text.
#
#   benches/outside/run.sh [WORK]          (default WORK: benches/outside/work)
#
# Corpora (fetched at pinned commits, not committed):
# - chardet's test files (github.com/chardet/chardet at 1355907628bf,
#   `tests/`, LGPL-2.1): 425 feeds, pages and texts of 2005–2010 in 40
#   encodings, many of them cut off;
# - feedparser's test feeds (github.com/kurtmckee/feedparser at
#   a22c5521cbb1, `tests/wellformed` and `tests/illformed`, BSD-2-Clause):
#   1,768 small RSS, Atom 0.3/1.0, RDF and CDF feeds, many without item text
#   by design (they test one element each);
# - warcio's test WARCs and ARCs (github.com/webrecorder/warcio at
#   2a797aa8c6d6, `test/data`, Apache-2.0): 16 small files, some broken;
# - pywb's sample archive (github.com/webrecorder/pywb at 2c706d1eeeaf,
#   `sample_archive/warcs`, GPL-3.0 code; the files are crawls of
#   example.com and iana.org): 17 WARC and ARC files from wget, wpull and
#   pywb's recorder, some broken on purpose, one (iana.warc.gz) a real
#   crawl of 343 records whose bodies are stored de-chunked under their
#   `Transfer-Encoding: chunked` header;
# - jwarc's test WARCs (github.com/iipc/jwarc at 9b5df862d35f,
#   `test-resources/org/netpreserve/jwarc`, Apache-2.0): a Common Crawl
#   record and a gzip member with an extra field;
# - webarchive-commons' test archives (github.com/iipc/webarchive-commons at
#   3921259229850c, Apache-2.0): Heritrix and wget WARCs and a truncated ARC
#   of the Internet Archive;
# - node-warc's test WARCs (github.com/N0taN3rd/node-warc at 940da6b18a28,
#   MIT): a crawl of books.toscrape.com by a Chrome-based recorder;
# - webarchive-discovery's test archives (github.com/ukwa/webarchive-discovery
#   at 2eb4f08257d3, GPL-2.0/Apache-2.0): the British Library's gov.uk
#   crawl with DNS and revisit records, bodies under gzip and brotli
#   transfer compression, a Wikipedia capture;
# - uchardet's test texts (github.com/freedesktop/uchardet at bdfd6116a965,
#   `test/`, MPL-1.1/GPL-2/LGPL-2.1): 121 texts in 45 encodings, each named
#   by its encoding, so the text is also checked against Python's decoding
#   of the file (a second table: files whose words do not match);
# - news-please's sample output (github.com/fhamborg/news-please at
#   1a40d7bd7fff, `newsplease/examples/sample.json`, Apache-2.0): one
#   article as news-please writes it, pretty-printed, its text in
#   `maintext` and its date in `date_publish` (skipped for "no `text`"
#   before gleaner 0.12.0);
# - Apache Parquet's test files (github.com/apache/parquet-testing at
#   1a2a75127be0, `data` and `bad_data`, Apache-2.0): 81 Parquet files of
#   every encoding, compression (brotli and LZ4 of Hadoop's framing too),
#   nesting and logical type, encrypted ones, and files that broke Arrow's
#   readers. None has a text column: the check is that every one is read
#   or skipped with a reason, and that the run goes on (before gleaner
#   0.12.0 each was skipped as "Parquet file").
# Where GitHub is not reachable set GLEANER_CHARDET_MIRROR,
# GLEANER_FEEDPARSER_MIRROR, GLEANER_WARCIO_MIRROR, GLEANER_PYWB_MIRROR,
# GLEANER_JWARC_MIRROR, GLEANER_ARCHIVE_COMMONS_MIRROR,
# GLEANER_NODE_WARC_MIRROR, GLEANER_UKWA_MIRROR, GLEANER_UCHARDET_MIRROR and
# GLEANER_NEWS_PLEASE_MIRROR and GLEANER_PARQUET_TESTING_MIRROR
# to git directories holding the commits. Uses $CARGO_TARGET_DIR/release/gleaner (built if
# missing) and polars (tests/python/requirements.txt) in a venv under WORK.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/scripts/lib/pinned_archive.sh"
work=${1:-$here/work}
target=${CARGO_TARGET_DIR:-$root/target}
gleaner=$target/release/gleaner
[[ -x "$gleaner" ]] || (cd "$root" && cargo build --release --locked --bin gleaner >&2)
mkdir -p "$work"
venv=$work/venv
if [[ ! -f "$venv/.installed" ]] || ! cmp -s "$root/tests/python/requirements.txt" "$venv/.installed"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/tests/python/requirements.txt" >&2
    cp "$root/tests/python/requirements.txt" "$venv/.installed"
fi

# fetch NAME URL COMMIT MIRROR_VAR PATH...: the files of PATH..., flattened
# into $work/NAME/in (a file's path becomes its name, `/` → `_`).
fetch() {
    local name=$1 url=$2 commit=$3 mirror_var=$4
    shift 4
    [[ -d "$work/$name/in" ]] && return
    rm -rf "$work/$name" && mkdir -p "$work/$name/src" "$work/$name/in.part"
    pinned_archive outside "$url" "$commit" "$mirror_var" "$work/$name/src.tar" "$@"
    tar -x -C "$work/$name/src" -f "$work/$name/src.tar"
    (cd "$work/$name/src" && find . -type f | sort | while read -r f; do
        cp "$f" "$work/$name/in.part/$(echo "${f#./}" | tr '/' '_')"
    done)
    # Only a whole fetch becomes `in`: one cut short is fetched again.
    mv "$work/$name/in.part" "$work/$name/in"
}
fetch chardet https://github.com/chardet/chardet \
    1355907628bff3148cc81ec77093b41d922436a7 GLEANER_CHARDET_MIRROR tests
fetch feedparser https://github.com/kurtmckee/feedparser \
    a22c5521cbb109871f1a2318948581901bd47e26 GLEANER_FEEDPARSER_MIRROR \
    tests/wellformed tests/illformed
fetch warcio https://github.com/webrecorder/warcio \
    2a797aa8c6d67e70966ce9d1a690208ab250fbe7 GLEANER_WARCIO_MIRROR test/data
fetch pywb https://github.com/webrecorder/pywb \
    2c706d1eeeaf66f3a1f1a2c6ff5b0a50d59d817d GLEANER_PYWB_MIRROR sample_archive/warcs
fetch jwarc https://github.com/iipc/jwarc \
    9b5df862d35ff72ba965190941923b86b27ea6b5 GLEANER_JWARC_MIRROR \
    test-resources/org/netpreserve/jwarc
fetch archive-commons https://github.com/iipc/webarchive-commons \
    3921259229850c20bf4ee8f6cd70d56f3bcc0c13 GLEANER_ARCHIVE_COMMONS_MIRROR \
    src/test/resources/org/archive/format src/test/resources/org/archive/resource/html
fetch node-warc https://github.com/N0taN3rd/node-warc \
    940da6b18a28c3563402d7080e36f2941f07afc2 GLEANER_NODE_WARC_MIRROR test/files
fetch ukwa https://github.com/ukwa/webarchive-discovery \
    2eb4f08257d31f64faab7d5a4e8f19bad5ca1fdf GLEANER_UKWA_MIRROR warc-indexer/src/test/resources
# Only their archives: the rest is each project's own fixtures.
for name in archive-commons node-warc ukwa; do
    find "$work/$name/in" -type f ! -iname '*.warc' ! -iname '*.warc.gz' ! -iname '*.arc' \
        ! -iname '*.arc.gz' -delete
done
fetch uchardet https://github.com/freedesktop/uchardet \
    bdfd6116a965fd210ef563613763e724424728b7 GLEANER_UCHARDET_MIRROR test
rm -f "$work"/uchardet/in/test_CMakeLists.txt "$work"/uchardet/in/*.c
fetch news-please https://github.com/fhamborg/news-please \
    1a40d7bd7fffd5d8b6fa0ba67da181015f2b11d0 GLEANER_NEWS_PLEASE_MIRROR \
    newsplease/examples/sample.json
fetch parquet-testing https://github.com/apache/parquet-testing \
    1a2a75127be06fc0123f03ebd36c966f7beda27d GLEANER_PARQUET_TESTING_MIRROR data bad_data
find "$work/parquet-testing/in" -type f ! -iname '*.parquet' ! -iname '*.parquet.encrypted' -delete

printf '| corpus | files | read | skipped | documents | with text | characters | U+FFFD | skipped, by reason |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for name in chardet feedparser warcio pywb jwarc archive-commons node-warc ukwa uchardet news-please parquet-testing; do
    rm -rf "$work/$name/out"
    "$gleaner" run --threads 0 --output "$work/$name/out" "$work/$name/in" >"$work/$name/log" 2>&1 || true
    "$venv/bin/python" - "$work/$name" "$name" <<'PY'
import re, sys
from collections import Counter
from pathlib import Path
work, name = Path(sys.argv[1]), sys.argv[2]
files = sum(1 for _ in (work / "in").iterdir())
reasons = Counter()
for line in (work / "log").read_text(errors="replace").splitlines():
    m = re.match(r"warning: skipped [^:]*: (.*)", line)
    if m:
        reason = re.sub(r"(no documents: [^:(]*).*", r"\1", m.group(1)).strip()
        reasons[reason[:60]] += 1
import polars as pl
parts = sorted((work / "out" / "documents").glob("**/*.parquet"))
text = pl.read_parquet(parts)["text"] if parts else pl.Series("text", [], pl.String)
docs = len(text)
texts = int((text.str.strip_chars() != "").sum())
chars = int(text.str.len_chars().sum())
fffd = int(text.str.count_matches("\ufffd").sum())
skipped = sum(reasons.values())
by = "; ".join(f"{n} {r}" for r, n in reasons.most_common())
print(f"| {name} | {files} | {files - skipped} | {skipped} | {docs} | {texts} | {chars} | {fffd} | {by} |")
PY
done

# uchardet: gleaner's text against Python's decoding in the encoding the
# file is named by (words of gleaner's text found in the truth's words).
printf '\n| uchardet file | encoding | gleaner words in the truth |\n|---|---|---|\n'
"$venv/bin/python" - "$work/uchardet" <<'PY'
import codecs, re, sys, unicodedata
from pathlib import Path
import polars as pl
work = Path(sys.argv[1])
docs = pl.read_parquet(work / "out" / "documents" / "**" / "*.parquet")
text = {Path(s).name: t for s, t in zip(docs["source"], docs["text"])}
alias = {"mac-centraleurope": "mac_latin2", "ibm852": "cp852", "ibm855": "cp855",
         "ibm866": "cp866", "uhc": "cp949"}
def words(t):
    return re.findall(r"\w+", unicodedata.normalize("NFC", t).lower())
checked = wrong = 0
for f in sorted((work / "in").iterdir()):
    stem, ext = f.name.split("_", 2)[2].rsplit(".", 1)  # test_LANG_ENCODING.EXT
    enc = alias.get(stem, stem) + (ext if ext in ("le", "be") else "")
    try:
        truth = set(words(f.read_bytes().decode(enc, errors="replace")))
    except LookupError:
        continue  # viscii, euc-tw: no Python codec to check against
    checked += 1
    got = words(text.get(f.name, ""))
    share = sum(w in truth for w in got) / max(1, len(got))
    if share <= 0.98:
        wrong += 1
        print(f"| {f.name} | {enc} | {share:.2f} |")
print(f"\n{wrong} of {checked} checked files do not match their encoding's text.")
PY

