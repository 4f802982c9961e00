#!/usr/bin/env bash
# Times two builds of gleaner at once, each on a core of its own with one
# thread, swapping cores every round, so that a shared host's drift falls
# on both alike (alternate.sh runs them one after the other, where this
# host's runs varied by 10-20 % within minutes). Then checks that they
# wrote the same tables. For a change meant to be faster and exact.
#
#   benches/pipeline/pair.sh A B [ROUNDS] [CONFIG]
#
# A and B are paths to `gleaner` binaries; CONFIG defaults to the shipped
# pipeline.toml (a copy with `[entities] names = false` and `patterns =
# false` times the dedup-only path). Needs two cores and the corpus
# benches/pipeline/run.sh generates. Prints each round's wall seconds, the
# means and how many rounds B won.
set -euo pipefail
cd "$(dirname "$0")/../.."
source benches/pipeline/same_tables.sh
a=${1:?usage: pair.sh A B [ROUNDS] [CONFIG]}
b=${2:?usage: pair.sh A B [ROUNDS] [CONFIG]}
rounds=${3:-6}
config=${4:-pipeline.toml}
corpus=${GLEANER_BENCH_CORPUS:-benches/pipeline/work/n5000/gen/corpus}
[[ -d $corpus ]] || { echo "pair: $corpus not found (run benches/pipeline/run.sh first)" >&2; exit 2; }
(( $(nproc) >= 2 )) || { echo "pair: needs two cores" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for k in $(seq "$rounds"); do
    core_a=$(( k % 2 )) core_b=$(( (k + 1) % 2 ))
    rm -rf "$out/A" "$out/B"
    /usr/bin/time -f "%e" -o "$out/ta" taskset -c "$core_a" "$a" run "$corpus" -c "$config" \
        -o "$out/A" -j 1 > /dev/null 2> "$out/la" &
    /usr/bin/time -f "%e" -o "$out/tb" taskset -c "$core_b" "$b" run "$corpus" -c "$config" \
        -o "$out/B" -j 1 > /dev/null 2> "$out/lb" &
    wait %1 || { cat "$out/la" >&2; exit 1; }
    wait %2 || { cat "$out/lb" >&2; exit 1; }
    echo "round $k: A $(cat "$out/ta") s (core $core_a), B $(cat "$out/tb") s (core $core_b)"
    echo "$(cat "$out/ta") $(cat "$out/tb")" >> "$out/times"
done
awk '{a += $1; b += $2; w += ($2 < $1)} END {printf "mean wall: A %.3f s, B %.3f s; B faster in %d of %d rounds\n", a / NR, b / NR, w, NR}' "$out/times"
same_tables "$out/A" "$out/B"
