#!/usr/bin/env bash
# Kill -9 at random points of an incremental run: the previous release must
# stay intact and readable, and the next run must complete it with no
# duplicate and no missing document.
#
#   scripts/crash_test.sh [TRIALS] [DOCS]     (default 20 trials, 3,000 documents)
#
# Builds a corpus of DOCS documents with the dedup corpus generator (from
# the BBC articles in tests/data/news); the test suite uses 1,000, whose
# runs pass through every step of a run as the 3,000 do, in a third of the
# time. Release R0 is a run over the first half
# of its files; R1 is what an uninterrupted incremental run gives once the
# second half is added. Per trial: start from a copy of R0 plus the new
# files, start `gleaner run`, kill it with SIGKILL after a random delay
# within a run's duration, then check
#   - `gleaner verify` passes and the manifest is R0's (or R1's, when the
#     kill came after the commit), and
#   - the next run (taking over the dead run's lock and removing what it
#     left) ends with exactly R1's files and hashes, and no staging dirs.
# Then the same for a sharded run (`gleaner plan --tasks 3`, tasks run in
# turn): per trial, one task chosen at random is killed after a random
# delay within its duration; that task and the ones after it are run
# again, and the release must be exactly what an uninterrupted sharded run
# gives, with no staging left.
# Uses the debug binaries unless GLEANER_PROFILE=release. Honours
# CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
TRIALS=${1:-20}
DOCS=${2:-3000}
source scripts/lib/release_fixture.sh
fixture_binaries
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
release_fixture "$BIN" "$GEN" "$work" "$DOCS"
duration_ms=$r1_ms
run() { "$BIN" run --config "$work/gleaner.toml" --output "$1" "${@:2}"; }
parts() { release_parts "$1"; }
echo "crash_test: $DOCS documents; an incremental run takes ${duration_ms} ms; $TRIALS trials" >&2

killed=0
ds=$work/ds
for trial in $(seq 1 "$TRIALS"); do
    rm -rf "$ds" && cp -a "$work/r0" "$ds"
    delay_ms=$(( RANDOM % (duration_ms + 1) ))
    # The binary itself in the background (not the `run` function, whose
    # subshell would be what gets killed).
    "$BIN" run --config "$work/gleaner.toml" --output "$ds" >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
    wait "$pid" 2>/dev/null || true
    # The release on disk is whole: R0, or R1 if the run had committed.
    "$BIN" verify "$ds" >/dev/null 2>&1 || { echo "trial $trial: verify failed after kill at ${delay_ms} ms" >&2; exit 1; }
    now=$(parts "$ds")
    [[ "$now" == "$r0" || "$now" == "$r1" ]] || { echo "trial $trial: release is neither R0 nor R1 after kill at ${delay_ms} ms" >&2; exit 1; }
    # The next run completes the work: exactly R1.
    run "$ds" >/dev/null 2>"$work/err" \
        || { echo "trial $trial: rerun failed: $(cat "$work/err")" >&2; exit 1; }
    [[ "$(parts "$ds")" == "$r1" ]] || { echo "trial $trial: rerun after kill at ${delay_ms} ms did not give R1" >&2; exit 1; }
    "$BIN" verify "$ds" >/dev/null 2>"$work/err"
    if grep -q "not part of the release" "$work/err"; then
        echo "trial $trial: files of the killed run were left behind" >&2; exit 1
    fi
    leftovers=$(find "$ds" -maxdepth 1 \( -name '.staging-*' -o -name '.scratch-*' \) | wc -l)
    [[ $leftovers -eq 0 ]] || { echo "trial $trial: $leftovers leftover staging dirs" >&2; exit 1; }
done
echo "crash_test: $TRIALS trials ($killed killed mid-run): release whole after every kill, reruns gave R1" >&2

# Sharded: the tasks of a 3-shard plan, in run-local.sh order.
mapfile -t tasks < <(shard_tasks 3)
stage() { "$BIN" stage "$1" --shard "$2/3" --work "$3/work"; }
rm -rf "$work/s1" && cp -a "$work/r0" "$work/s1"
"$BIN" plan --config "$work/gleaner.toml" --output "$work/s1" --tasks 3 --scheduler none \
    --out "$work/plan-ref" >/dev/null
durations=()
for t in "${tasks[@]}"; do
    start=$(date +%s%N)
    stage $t "$work/plan-ref" >/dev/null 2>&1 || { echo "crash_test: sharded reference task $t failed" >&2; exit 1; }
    durations+=($(( ($(date +%s%N) - start) / 1000000 )))
done
s1=$(parts "$work/s1")
killed=0
for trial in $(seq 1 "$TRIALS"); do
    rm -rf "$ds" "$work/plan" && cp -a "$work/r0" "$ds"
    "$BIN" plan --config "$work/gleaner.toml" --output "$ds" --tasks 3 --scheduler none \
        --out "$work/plan" >/dev/null
    victim=$(( RANDOM % ${#tasks[@]} ))
    delay_ms=$(( RANDOM % (${durations[$victim]} + 1) ))
    for ((k = 0; k < victim; k++)); do stage ${tasks[$k]} "$work/plan" >/dev/null 2>&1; done
    read -r pass shard <<<"${tasks[$victim]}"
    "$BIN" stage "$pass" --shard "$shard/3" --work "$work/plan/work" >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
    wait "$pid" 2>/dev/null || true
    now=$(parts "$ds")
    [[ "$now" == "$r0" || "$now" == "$s1" ]] || { echo "sharded trial $trial: release is neither R0 nor the sharded R1 after killing $pass $shard at ${delay_ms} ms" >&2; exit 1; }
    for ((k = victim; k < ${#tasks[@]}; k++)); do
        if [[ $k -eq ${#tasks[@]}-1 && "$now" == "$s1" ]]; then break; fi
        stage ${tasks[$k]} "$work/plan" >/dev/null 2>"$work/err" \
            || { echo "sharded trial $trial: rerun of ${tasks[$k]} after killing $pass $shard failed: $(cat "$work/err")" >&2; exit 1; }
    done
    [[ "$(parts "$ds")" == "$s1" ]] || { echo "sharded trial $trial: killing $pass $shard at ${delay_ms} ms, then rerunning, did not give the sharded R1" >&2; exit 1; }
    "$BIN" verify "$ds" >/dev/null 2>&1 || { echo "sharded trial $trial: verify failed" >&2; exit 1; }
    leftovers=$(find "$ds" -maxdepth 1 -name '.s*' | wc -l)
    [[ $leftovers -eq 0 ]] || { echo "sharded trial $trial: $leftovers leftover staging dirs" >&2; exit 1; }
done
echo "crash_test: $TRIALS sharded trials ($killed tasks killed mid-run): reruns gave the sharded R1" >&2
