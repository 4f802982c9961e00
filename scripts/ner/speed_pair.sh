#!/usr/bin/env bash
# Compares the tagging speed of two builds of the `ner` tool on a host whose
# timings drift by 10–20 % within minutes: both run at once, one on each of
# the first two cores, and swap cores every round, so that the drift falls
# on both alike. Each round prints both figures of `ner speed` (best of 3)
# and whether they found the same names (the digest of the names found).
#
#   scripts/ner/speed_pair.sh A B [ROUNDS] [FILE]
#
# A and B are paths to `ner` binaries (e.g. copies of
# target/release/examples/ner built before and after a change); FILE is a
# JSONL or text file, one document a line (default: the pipeline bench's
# generated corpus, made by benches/pipeline/run.sh). Needs two cores and
# `taskset`; a machine without hardware counters (a VM) is the case it is for.
set -euo pipefail
a=${1:?usage: speed_pair.sh A B [ROUNDS] [FILE]}
b=${2:?usage: speed_pair.sh A B [ROUNDS] [FILE]}
rounds=${3:-6}
file=${4:-benches/pipeline/work/n5000/gen/corpus/part-00000.jsonl}
[[ -f $file ]] || { echo "speed_pair: $file not found (run benches/pipeline/run.sh first, or give FILE)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
faster=0
for k in $(seq "$rounds"); do
    if ((k % 2)); then ca=0 cb=1; else ca=1 cb=0; fi
    taskset -c $ca "$a" speed "$file" --repeat 3 > "$out/a" &
    taskset -c $cb "$b" speed "$file" --repeat 3 > "$out/b"
    wait
    ta=$(grep -o '[0-9]* tok/s' "$out/a" | cut -d' ' -f1)
    tb=$(grep -o '[0-9]* tok/s' "$out/b" | cut -d' ' -f1)
    same=$([[ $(grep -o 'digest .*' "$out/a") == $(grep -o 'digest .*' "$out/b") ]] && echo "same names" || echo "NAMES DIFFER")
    ((tb > ta)) && faster=$((faster + 1))
    echo "round $k: A $ta tok/s (core $ca) | B $tb tok/s (core $cb) | B/A $(awk -v a="$ta" -v b="$tb" 'BEGIN{printf "%.3f", b/a}') | $same"
done
echo "B faster in $faster of $rounds rounds"
