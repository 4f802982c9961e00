#!/usr/bin/env bash
# A full disk mid-run: the run must stop with a clear error, leave the
# previous release exactly as it was (nothing of its own left behind), and
# the next run, once there is room, must complete it.
#
#   scripts/full_disk_test.sh [STEPS] [DOCS]     (default 12 steps, 600 documents)
#
# Release R0 is a run over half the files of a DOCS-document corpus
# (scripts/lib/release_fixture.sh); R1 is the incremental run once the
# other half is added. Per step, a copy of R0 is put on a tmpfs with room
# for R0 plus a growing share of what the incremental run writes (from
# none to all of it), and `gleaner run` adds the new files. Where it runs
# out of space it must exit non-zero saying "No space left on device", and
# `gleaner verify` must find R0, whole and unchanged, with no staging or
# scratch directory; where it had room, R1. Then the tmpfs is grown and the
# next run must give exactly R1.
# Then the same for a 2-shard plan (`gleaner plan`, its tasks run in turn)
# whose work directory is on that disk too: the task that runs out of
# space must say so and leave R0 as it was; run again from that task once
# the disk is grown, the tasks must give what an uninterrupted sharded run
# gives, with no staging directory or work file left.
# Needs to mount a tmpfs (root, or a user namespace that allows it); exits
# 77 (skipped) when it cannot. Uses the debug binaries unless
# GLEANER_PROFILE=release. Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-12}
DOCS=${2:-600}
work=$(mktemp -d)
disk=$work/disk
mkdir "$disk"
cleanup() {
    umount "$disk" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
if ! mount -t tmpfs -o size=1m tmpfs "$disk" 2>/dev/null; then
    echo "full_disk_test: cannot mount a tmpfs here; skipped" >&2
    exit 77
fi
umount "$disk"
source scripts/lib/release_fixture.sh
fixture_binaries
# A few hundred documents: every write of a run happens at any size, and
# the trials stay short with a debug build (the test suite uses 200).
release_fixture "$BIN" "$GEN" "$work" "$DOCS"
r0_kb=$(du -sk "$work/r0" | cut -f1)
# What the incremental run writes, staging and scratch included, with a
# margin: the last steps have room enough.
grow_kb=$(( ($(du -sk "$work/r1" | cut -f1) - r0_kb) * 2 + 256 ))
ds=$disk/ds
failed=0
runs=0
# One trial with room for R0 plus `room_kb`; returns 1 when the run ran out
# of space (after checking what it left), 0 when it completed.
trial() {
    local room_kb=$1 status=0 now where leftovers
    runs=$((runs + 1))
    mount -t tmpfs -o size=$(( r0_kb + room_kb + 64 ))k tmpfs "$disk"
    cp -a "$work/r0" "$ds"
    "$BIN" run --config "$work/gleaner.toml" --output "$ds" >/dev/null 2>"$work/err" || status=$?
    now=$(release_parts "$ds")
    if [[ $status -ne 0 ]]; then
        failed=$((failed + 1))
        grep -q "No space left on device" "$work/err" \
            || { echo "${room_kb} KB free: failed without saying the disk is full: $(cat "$work/err")" >&2; exit 1; }
        [[ "$now" == "$r0" ]] \
            || { echo "${room_kb} KB free: the failed run changed the release" >&2; exit 1; }
        leftovers=$(find "$ds" -maxdepth 1 \( -name '.staging-*' -o -name '.scratch-*' -o -name '.gleaner-commit*' \) | wc -l)
        [[ $leftovers -eq 0 ]] \
            || { echo "${room_kb} KB free: $leftovers staging, scratch or journal files left" >&2; exit 1; }
        where=$(sed -n 's/.*writing output: \(.*\): No space left.*/\1/p' "$work/err" | head -1)
        where=${where#"$ds"/}
        echo "full_disk_test: ${room_kb} KB free: out of space at ${where#.staging-*/}; R0 intact" >&2
    else
        [[ "$now" == "$r1" ]] \
            || { echo "${room_kb} KB free: the run succeeded but did not give R1" >&2; exit 1; }
    fi
    "$BIN" verify "$ds" >/dev/null 2>"$work/err" \
        || { echo "${room_kb} KB free: verify failed: $(cat "$work/err")" >&2; exit 1; }
    mount -o remount,size=$(( r0_kb + grow_kb * 2 ))k "$disk"
    "$BIN" run --config "$work/gleaner.toml" --output "$ds" >/dev/null 2>"$work/err" \
        || { echo "${room_kb} KB free: the run after the disk was grown failed: $(cat "$work/err")" >&2; exit 1; }
    [[ "$(release_parts "$ds")" == "$r1" ]] \
        || { echo "${room_kb} KB free: the run after the disk was grown did not give R1" >&2; exit 1; }
    umount "$disk"
    return $(( status != 0 ))
}
# rooms TRIAL MAX_KB STEPS: runs TRIAL with STEPS + 1 evenly spaced rooms
# from none to MAX_KB, then with the smallest room that is enough, to a page, and the
# rooms just below it (the last writes: the last tables, the commit
# journal, the manifest). Sets `high` to that smallest room.
rooms() {
    local trial=$1 max=$2 steps=$3 low=-1 step room mid below
    high=$max
    for step in $(seq 0 "$steps"); do
        room=$(( max * step / steps ))
        if $trial "$room"; then
            (( room < high )) && high=$room
        else
            (( room > low )) && low=$room
        fi
    done
    if (( low < 0 || high <= low )); then
        echo "full_disk_test: the rooms tried do not cover both a full disk and enough room" >&2
        exit 1
    fi
    while (( high - low > 4 )); do
        mid=$(( (low + high) / 2 ))
        if $trial "$mid"; then high=$mid; else low=$mid; fi
    done
    for below in 4 8 12 16; do
        (( high - below > 0 )) && { $trial $(( high - below )) || true; }
    done
}
rooms trial "$grow_kb" "$STEPS"
echo "full_disk_test: $failed of $runs runs ran out of space (the smallest room enough: ${high} KB): each stopped saying so with R0 untouched and nothing left behind; every next run gave R1" >&2

# Sharded: the tasks of a 2-shard plan, its work directory on the same
# disk as the release. A task that runs out of space must say so and leave
# R0 as it was; once the disk is grown, that task and the ones after it,
# run again, must give exactly what an uninterrupted sharded run gives
# (S1), with no staging directory or work file left.
mapfile -t tasks < <(shard_tasks 2)
stage() { "$BIN" stage $1 --shard "$2/2" --work "$3/work"; }
cp -a "$work/r0" "$work/s1"
"$BIN" plan --config "$work/gleaner.toml" --output "$work/s1" --tasks 2 --scheduler none \
    --out "$work/plan-ref" >/dev/null
# The most the plan's files and the release hold at once, over R0.
peak_kb=0
for t in "${tasks[@]}"; do
    stage $t "$work/plan-ref" >/dev/null 2>&1 || { echo "full_disk_test: sharded reference task $t failed" >&2; exit 1; }
    used=$(du -sck "$work/plan-ref" "$work/s1" | tail -1 | cut -f1)
    (( used > peak_kb )) && peak_kb=$used
done
s1=$(release_parts "$work/s1")
need_kb=$(( (peak_kb - r0_kb) * 3 / 2 + 256 ))
s_failed=0 s_runs=0 s_passes=()
sharded_trial() {
    local room_kb=$1 status=0 k=0 now leftovers
    s_runs=$((s_runs + 1))
    mount -t tmpfs -o size=$(( r0_kb + room_kb + 64 ))k tmpfs "$disk"
    cp -a "$work/r0" "$ds"
    if "$BIN" plan --config "$work/gleaner.toml" --output "$ds" --tasks 2 --scheduler none \
        --out "$disk/plan" >/dev/null 2>"$work/err"; then
        for ((k = 0; k < ${#tasks[@]}; k++)); do
            stage ${tasks[$k]} "$disk/plan" >/dev/null 2>"$work/err" || { status=$?; break; }
        done
    else
        status=$? k=-1
    fi
    now=$(release_parts "$ds")
    if [[ $status -ne 0 ]]; then
        local task=${tasks[$k]:-plan}
        s_failed=$((s_failed + 1))
        s_passes+=("${task% *}")
        grep -q "No space left on device" "$work/err" \
            || { echo "sharded, ${room_kb} KB free: $task failed without saying the disk is full: $(cat "$work/err")" >&2; exit 1; }
        [[ "$now" == "$r0" ]] \
            || { echo "sharded, ${room_kb} KB free: $task ran out of space and the release changed" >&2; exit 1; }
        "$BIN" verify "$ds" >/dev/null 2>"$work/err" \
            || { echo "sharded, ${room_kb} KB free: verify failed after $task ran out of space: $(cat "$work/err")" >&2; exit 1; }
        mount -o remount,size=$(( r0_kb + need_kb * 2 ))k "$disk"
        if (( k < 0 )); then
            rm -rf "$disk/plan"
            "$BIN" plan --config "$work/gleaner.toml" --output "$ds" --tasks 2 --scheduler none \
                --out "$disk/plan" >/dev/null 2>"$work/err" \
                || { echo "sharded, ${room_kb} KB free: the plan after the disk was grown failed: $(cat "$work/err")" >&2; exit 1; }
            k=0
        fi
        for ((; k < ${#tasks[@]}; k++)); do
            stage ${tasks[$k]} "$disk/plan" >/dev/null 2>"$work/err" \
                || { echo "sharded, ${room_kb} KB free: ${tasks[$k]} failed once the disk was grown: $(cat "$work/err")" >&2; exit 1; }
        done
    fi
    [[ "$(release_parts "$ds")" == "$s1" ]] \
        || { echo "sharded, ${room_kb} KB free: the tasks did not give the sharded R1" >&2; exit 1; }
    "$BIN" verify "$ds" >/dev/null 2>"$work/err" \
        || { echo "sharded, ${room_kb} KB free: verify failed: $(cat "$work/err")" >&2; exit 1; }
    leftovers=$(find "$ds" -maxdepth 1 -name '.s*' | wc -l)
    [[ $leftovers -eq 0 ]] || { echo "sharded, ${room_kb} KB free: $leftovers staging dirs left" >&2; exit 1; }
    # The commit removes the work files; the plan itself stays (run again,
    # the commit task says the run was committed already).
    [[ -z "$(ls -A "$disk/plan/work" | grep -vx plan.json)" ]] \
        || { echo "sharded, ${room_kb} KB free: work files left: $(ls "$disk/plan/work")" >&2; exit 1; }
    umount "$disk"
    return $(( status != 0 ))
}
# Half the steps: each trial runs the plan's 16 tasks.
rooms sharded_trial "$need_kb" $(( (STEPS + 1) / 2 ))
echo "full_disk_test: sharded, $s_failed of $s_runs plans ran out of space (in: $(printf '%s\n' "${s_passes[@]}" | sort | uniq -c | awk '{printf "%s %s×, ", $2, $1}' | sed 's/, $//')): each task said so with R0 untouched; run again, the tasks gave the sharded R1 (the smallest room enough: ${high} KB)" >&2
