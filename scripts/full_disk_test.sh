#!/usr/bin/env bash
# A full disk mid-run: the run must stop with a clear error, leave the
# previous release exactly as it was (nothing of its own left behind), and
# the next run, once there is room, must complete it.
#
#   scripts/full_disk_test.sh [STEPS]     (default 12)
#
# Release R0 is a run over half the files of a 600-document corpus
# (scripts/lib/release_fixture.sh); R1 is the incremental run once the
# other half is added. Per step, a copy of R0 is put on a tmpfs with room
# for R0 plus a growing share of what the incremental run writes (from
# none to all of it), and `gleaner run` adds the new files. Where it runs
# out of space it must exit non-zero saying "No space left on device", and
# `gleaner verify` must find R0, whole and unchanged, with no staging or
# scratch directory; where it had room, R1. Then the tmpfs is grown and the
# next run must give exactly R1.
# Needs to mount a tmpfs (root, or a user namespace that allows it); exits
# 77 (skipped) when it cannot. Uses the debug binaries unless
# GLEANER_PROFILE=release. Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-12}
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
# 600 documents: every write of a run happens at any size, and the trials
# stay short with a debug build.
release_fixture "$BIN" "$GEN" "$work" 600
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
# Evenly spaced rooms, from none to enough.
low=-1 high=$grow_kb
for step in $(seq 0 "$STEPS"); do
    room=$(( grow_kb * step / STEPS ))
    if trial "$room"; then
        (( room < high )) && high=$room
    else
        (( room > low )) && low=$room
    fi
done
if (( low < 0 || high <= low )); then
    echo "full_disk_test: the rooms tried do not cover both a full disk and enough room" >&2
    exit 1
fi
# Then the last writes (the last tables, the commit journal, the manifest):
# the smallest room that is enough, to a page, and the rooms just below it.
while (( high - low > 4 )); do
    mid=$(( (low + high) / 2 ))
    if trial "$mid"; then high=$mid; else low=$mid; fi
done
for below in 4 8 12 16; do
    (( high - below > 0 )) && { trial $(( high - below )) || true; }
done
echo "full_disk_test: $failed of $runs runs ran out of space (the smallest room enough: ${high} KB): each stopped saying so with R0 untouched and nothing left behind; every next run gave R1" >&2
