#!/usr/bin/env bash
# Peak memory of `gleaner run` on compression bombs and huge records, with
# the default [read] caps of pipeline.toml (issue 12: each must stay under
# 500 MB). Generates the inputs in a temporary directory, runs the release
# binary once per case (each with one good file beside the bomb, so a run
# that skips the bomb still releases a document), and prints a Markdown
# table. Peak RSS is ru_maxrss of the child process. The last case is no
# bomb but many short records in one file, which once made memory grow with
# the square of their number.
#
#   benches/bombs/run.sh            # builds the release binary if missing
#   GLEANER=path/to/gleaner benches/bombs/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${GLEANER:-${CARGO_TARGET_DIR:-target}/release/gleaner}
if [ ! -x "$bin" ]; then
    cargo build --release --bin gleaner >&2
fi
command -v zstd >/dev/null || { echo "needs the zstd command" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
in=$tmp/in
mkdir -p "$in"

echo "generating inputs in $in ..." >&2
printf 'A headline\n\nThe council met on Tuesday to discuss the budget for the coming year, and members agreed on most of the proposals put before them.\n' > "$in/good.txt"
# 8 GiB of zeros as zstd (the issue's 337 KB .jsonl.zst aborted on an 8 GB allocation).
head -c 8G /dev/zero | zstd -q -3 -T2 > "$in/zeros.jsonl.zst"
# ~900 MB of zeros, and ~900 MB of text lines, as gzip (~0.9 MB each).
head -c 900M /dev/zero | gzip -9 > "$in/zeros.txt.gz"
{ yes 'all work and no play makes a dull corpus' || true; } | head -c 900M | gzip -9 > "$in/text.txt.gz"
python3 - "$in" <<'PY'
import sys, zlib
out = sys.argv[1]

def gzip_of(chunk, times):
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [z.compress(chunk) for _ in range(times)]
    parts.append(z.flush())
    return b"".join(parts)

def record(uri, headers, body):
    http = b"HTTP/1.1 200 OK\r\n" + headers + b"\r\n" + body
    head = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: %s\r\n"
            "WARC-Date: 2024-03-05T10:00:00Z\r\nContent-Length: %d\r\n\r\n" % (uri, len(http)))
    return head.encode() + http + b"\r\n\r\n"

page = (b"<html><body><article><p>The council met on Tuesday to discuss the budget "
        b"for the coming year, and members agreed on most proposals.</p></article></body></html>")
# An HTTP body of 100 MiB of spaces, gzip: ~100 KB.
bomb = gzip_of(b" " * (1 << 20), 100)
with open(out + "/bomb.warc", "wb") as f:
    f.write(record("http://a.example/bomb", b"Content-Type: text/html\r\nContent-Encoding: gzip\r\n", bomb))
    f.write(record("http://a.example/1", b"Content-Type: text/html\r\n", page))
# One 200 MB JSONL line between two good ones.
with open(out + "/long.jsonl", "wb") as f:
    good = b'{"text": "The council met on Tuesday to discuss the budget for the coming year."}\n'
    f.write(good)
    f.write(b'{"text": "' + b"word " * (40 << 20) + b'"}\n')
    f.write(good)
# 50,000 short records (14 MB) in one file: the write pass cut a chunk's
# documents into batches off its back, each batch keeping the capacity of
# all after it (759 MB here, 2.3 GB at 100,000 such records, 5.4 GB at
# 160,000; now 343 MB, 550 MB and 730 MB, most of it the dedup sketches of
# about 4 KB a document that --max-memory bounds).
import random
r = random.Random(7)
words = ["".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(r.randint(2, 9))) for _ in range(50000)]
with open(out + "/short.jsonl", "w") as f:
    for i in range(50000):
        f.write('{"id": %d, "text": "%s"}\n' % (i, " ".join(r.choice(words) for _ in range(40))))
# One 13 MB record dense with names (571,044 mentions): the name model
# read a document whole, some hundreds of bytes a token (1.2 GB here); it
# now reads windows of 1 MiB of whole sentences (390 MB).
first = ["Anna", "Boris", "Carla", "Daniel", "Elena", "Farid", "Greta", "Hugo", "Ivan", "Julia"]
last = ["Smith", "Petrov", "Garcia", "Tokayev", "Muller", "Rossi", "Kim", "Nowak", "Silva"]
places = ["Astana", "Almaty", "Berlin", "Paris", "Madrid", "Rome", "Warsaw", "Oslo", "Cairo"]
orgs = ["Reuters", "Microsoft", "the United Nations", "Siemens", "Air Astana", "the World Bank"]
sentences, size = [], 0
while size < 13_000_000:
    s = "%s %s met %s %s of %s in %s on %s to discuss %s." % (
        r.choice(first), r.choice(last), r.choice(first), r.choice(last), r.choice(orgs),
        r.choice(places), r.choice(["Monday", "Tuesday", "Friday"]),
        r.choice(["the budget", "a new plan", "the trade talks", "the summit"]))
    sentences.append(s + ("\\n\\n" if r.random() < 0.1 else " "))
    size += len(s) + 1
with open(out + "/dense.jsonl", "w") as f:
    f.write('{"text": "%s"}\n' % "".join(sentences))
PY

run() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(p.returncode, rss)
sys.stderr.write(p.stderr)
PY
}

echo "| case | input size | exit | outcome | peak RSS |"
echo "|---|---:|---:|---|---:|"
for case in zeros.jsonl.zst zeros.txt.gz text.txt.gz bomb.warc long.jsonl short.jsonl dense.jsonl; do
    file=$in/$case
    size=$(stat -c %s "$file")
    read -r code rss < <(run "$bin" run --config pipeline.toml --output "$tmp/out-$case" \
        "$file" "$in/good.txt" 2> "$tmp/err-$case")
    outcome=$(grep -m1 -o "$case: .*" "$tmp/err-$case" | cut -c1-110 || true)
    if [ -z "$outcome" ]; then
        outcome=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print('; '.join(w for i in m['inputs'] if i['path'].endswith(sys.argv[2]) for w in i['warnings'])[:110] or 'read')" \
            "$tmp/out-$case/manifest.json" "$case" 2>/dev/null || echo "?")
    fi
    printf '| %s | %s | %s | %s | %s MB |\n' "$case" "$(numfmt --to=iec "$size")" "$code" "${outcome//|/\\|}" "$rss"
done
