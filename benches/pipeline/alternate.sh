#!/usr/bin/env bash
# Times two builds of gleaner on the pipeline bench's corpus, alternately
# (A, B, A, B, …), so that a host's drift falls on both, then checks that
# they wrote the same tables: every Parquet file of the last round compared
# byte for byte. For a change meant to be faster and exact.
#
#   benches/pipeline/alternate.sh A B [ROUNDS] [THREADS]
#
# A and B are paths to `gleaner` binaries (e.g. copies of
# target/release/gleaner built before and after the change). The corpus is
# the one benches/pipeline/run.sh generates (5,000 documents by default);
# the config is the shipped pipeline.toml. Prints each run's wall and user
# seconds and the medians.
set -euo pipefail
cd "$(dirname "$0")/../.."
source benches/pipeline/same_tables.sh
a=${1:?usage: alternate.sh A B [ROUNDS] [THREADS]}
b=${2:?usage: alternate.sh A B [ROUNDS] [THREADS]}
rounds=${3:-4}
threads=${4:-2}
corpus=${GLEANER_BENCH_CORPUS:-benches/pipeline/work/n5000/gen/corpus}
[[ -d $corpus ]] || { echo "alternate: $corpus not found (run benches/pipeline/run.sh first)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for k in $(seq "$rounds"); do
    for which in A B; do
        bin=$a; [[ $which == B ]] && bin=$b
        rm -rf "$out/$which"
        /usr/bin/time -f "%e %U" -o "$out/time" "$bin" run "$corpus" -c pipeline.toml \
            -o "$out/$which" -j "$threads" > /dev/null 2> "$out/log" || { cat "$out/log" >&2; exit 1; }
        read -r wall user < "$out/time"
        echo "$which $wall $user" >> "$out/times"
        echo "round $k: $which $wall s wall, $user s user"
    done
done
for which in A B; do
    median=$(awk -v w="$which" '$1 == w {print $2}' "$out/times" | sort -n |
        awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')
    echo "$which median wall: $median s ($threads threads, $rounds rounds)"
done
same_tables "$out/A" "$out/B"
