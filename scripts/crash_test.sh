#!/usr/bin/env bash
# Kill -9 at random points: the previous release must stay intact and
# readable, and the next run must complete with the same tables.
#
#   scripts/crash_test.sh [TRIALS]     (default 20)
#
# Builds a 3,000-document corpus with the dedup corpus generator (from the
# BBC articles in tests/data/news), makes a first release, then per trial:
# starts `gleaner run`, kills it with SIGKILL after a random delay within the
# run's duration, checks `gleaner verify` on the dataset (the previous
# release) and the stale lock being taken over, then reruns to completion
# and checks the table hashes equal the first release's. Uses the debug
# binaries unless GLEANER_PROFILE=release. Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
TRIALS=${1:-20}
PROFILE=${GLEANER_PROFILE:-debug}
TARGET=${CARGO_TARGET_DIR:-target}
if [[ $PROFILE == release ]]; then
    cargo build --release --locked --bin gleaner --example dedup_corpus
else
    cargo build --locked --bin gleaner --example dedup_corpus
fi
BIN=$TARGET/$PROFILE/gleaner
GEN=$TARGET/$PROFILE/examples/dedup_corpus

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$GEN" --source tests/data/news --docs 3000 --seed 11 --out "$work" >/dev/null 2>&1
printf '[dataset]\nname = "crash"\ninputs = ["corpus"]\n' >"$work/gleaner.toml"
ds=$work/ds
"$BIN" run --config "$work/gleaner.toml" --output "$ds" >/dev/null
hashes() { python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(sorted((k,v['hash']) for k,v in m['tables'].items()))" "$ds/manifest.json"; }
want=$(hashes)
start=$(date +%s%N)
"$BIN" run --config "$work/gleaner.toml" --output "$ds" >/dev/null
duration_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "crash_test: a run takes ${duration_ms} ms; $TRIALS trials" >&2

killed=0
for trial in $(seq 1 "$TRIALS"); do
    delay_ms=$(( RANDOM % (duration_ms + 1) ))
    "$BIN" run --config "$work/gleaner.toml" --output "$ds" >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '0.%03d' "$delay_ms")" 2>/dev/null || sleep 0
    if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
    wait "$pid" 2>/dev/null || true
    # The previous release is intact and matches its manifest.
    "$BIN" verify "$ds" >/dev/null || { echo "trial $trial: verify failed after kill at ${delay_ms} ms" >&2; exit 1; }
    [[ "$(hashes)" == "$want" ]] || { echo "trial $trial: tables changed" >&2; exit 1; }
    # The next run completes (taking over the dead run's lock) with the same tables.
    "$BIN" run --config "$work/gleaner.toml" --output "$ds" >/dev/null 2>"$work/err" \
        || { echo "trial $trial: rerun failed: $(cat "$work/err")" >&2; exit 1; }
    [[ "$(hashes)" == "$want" ]] || { echo "trial $trial: rerun gave other tables" >&2; exit 1; }
    leftovers=$(find "$ds" -maxdepth 1 -name '.staging-*' -o -maxdepth 1 -name '.scratch-*' | wc -l)
    [[ $leftovers -eq 0 ]] || { echo "trial $trial: $leftovers leftover staging dirs" >&2; exit 1; }
done
echo "crash_test: $TRIALS trials ($killed killed mid-run): previous release intact, reruns identical" >&2
