#!/usr/bin/env bash
# Cost of a nightly run when nothing is new, and of one night's additions,
# over a directory of many already-processed files.
#
#   benches/incremental/noop.sh [FILES]     (default 100000)
#
# Generates FILES one-document JSONL files with the dedup corpus generator
# (BBC sentences from tests/data/news), releases them with one run, then
# times (1) a run with nothing new, (2) a run after 1% new files are added,
# and prints a table. Release build; honours CARGO_TARGET_DIR. Work files go
# to benches/incremental/work (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
FILES=${1:-100000}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release --locked --bin gleaner --example dedup_corpus >&2
BIN=$TARGET/release/gleaner
GEN=$TARGET/release/examples/dedup_corpus
work=benches/incremental/work
rm -rf "$work" && mkdir -p "$work"
new=$(( FILES / 100 ))
"$GEN" --source tests/data/news --docs $((FILES + new)) --shards $((FILES + new)) --seed 5 \
    --out "$work/gen" >/dev/null 2>&1
mkdir "$work/in" "$work/later"
# The last 1% of the shards arrive on the second night.
find "$work/gen/corpus" -type f | sort | tail -n "$new" | xargs mv -t "$work/later"
mv "$work/gen/corpus/"* "$work/in/" 2>/dev/null || find "$work/gen/corpus" -type f -exec mv -t "$work/in" {} +
printf '[dataset]\nname = "noop"\ninputs = ["in"]\noutput = "ds"\n' >"$work/gleaner.toml"

timed() { # label, then the command; prints "label seconds peak_rss_mb"
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" \
        || { cat "$work/err" >&2; exit 1; }
    read -r secs kb <"$work/time"
    printf '| %-34s | %8s | %8d | %s\n' "$label" "$secs" $((kb / 1024)) "$(tail -n1 "$work/out" | cut -c1-90)"
}
echo "| step | seconds | RSS MB | summary"
echo "|---|---|---|---"
timed "first run, $FILES files" "$BIN" run --config "$work/gleaner.toml"
timed "no-op run, $FILES files unchanged" "$BIN" run --config "$work/gleaner.toml"
mv "$work/later/"* "$work/in/"
timed "incremental run, +$new files" "$BIN" run --config "$work/gleaner.toml"
timed "no-op run, $((FILES + new)) files" "$BIN" run --config "$work/gleaner.toml"
echo "manifest.json: $(du -h "$work/ds/manifest.json" | cut -f1)"
