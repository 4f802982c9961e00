# Sourced by scripts/crash_test.sh and scripts/full_disk_test.sh: the two
# releases both start from, and a release's identity.
#
#   fixture_binaries
#
# Builds gleaner and the corpus generator (debug, or release when
# GLEANER_PROFILE=release; CARGO_TARGET_DIR honoured) and sets BIN and GEN.
#
#   release_fixture BIN GEN WORK [DOCS]
#
# Generates a corpus of DOCS documents (default 3,000) with the dedup corpus generator (BBC
# articles in tests/data/news) into WORK/gen; WORK/old and WORK/new hold its
# first and second half of files. WORK/gleaner.toml reads WORK/in. Leaves
# R0 (a run over the old half) in WORK/r0 and R1 (R0 plus an incremental
# run once the new half is added) in WORK/r1, WORK/in holding all files, and
# sets r0/r1 to their release_parts and r1_ms to the incremental run's
# duration in milliseconds.
#
#   release_parts DIR
#
# Prints the (file, hash) of every table and state part DIR's manifest
# lists: two releases with the same output are the same release.
#
#   shard_tasks N
#
# Prints the tasks of an N-shard plan, "PASS SHARD" a line, in the order
# run-local.sh runs them.
fixture_binaries() {
    local profile=${GLEANER_PROFILE:-debug} target=${CARGO_TARGET_DIR:-target}
    if [[ $profile == release ]]; then
        cargo build --release --locked --bin gleaner --example dedup_corpus
    else
        cargo build --locked --bin gleaner --example dedup_corpus
    fi
    BIN=$target/$profile/gleaner
    GEN=$target/$profile/examples/dedup_corpus
}

shard_tasks() {
    local pass n i
    for pass in scan lines sketch buckets contain verify cluster write commit; do
        case $pass in cluster|commit) n=1 ;; *) n=$1 ;; esac
        for ((i = 0; i < n; i++)); do echo "$pass $i"; done
    done
}

release_parts() {
    python3 -c "
import json, sys
m = json.load(open(sys.argv[1] + '/manifest.json'))
print(sorted((p['file'], p['hash']) for t in (m['tables'], m['state']) for v in t.values() for p in v['parts']))" "$1"
}

release_fixture() {
    local bin=$1 gen=$2 work=$3 docs=${4:-3000} shards half start
    "$gen" --source tests/data/news --docs "$docs" --shards 10 --seed 11 --out "$work/gen" >/dev/null 2>&1
    mkdir -p "$work/old" "$work/new" "$work/in"
    mapfile -t shards < <(find "$work/gen/corpus" -type f | sort)
    half=$(( ${#shards[@]} / 2 ))
    cp "${shards[@]:0:half}" "$work/old/"
    cp "${shards[@]:half}" "$work/new/"
    printf '[dataset]\nname = "fixture"\ninputs = ["in"]\n' >"$work/gleaner.toml"
    cp -p "$work/old/"* "$work/in/"
    "$bin" run --config "$work/gleaner.toml" --output "$work/r0" >/dev/null
    r0=$(release_parts "$work/r0")
    cp -p "$work/new/"* "$work/in/"
    cp -a "$work/r0" "$work/r1"
    start=$(date +%s%N)
    "$bin" run --config "$work/gleaner.toml" --output "$work/r1" >/dev/null
    r1_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    r1=$(release_parts "$work/r1")
    if [[ "$r0" == "$r1" ]]; then
        echo "release_fixture: the second run added nothing" >&2
        return 1
    fi
}
