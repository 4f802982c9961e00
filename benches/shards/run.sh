#!/usr/bin/env bash
# The sharded executor against `gleaner run` on one machine: wall time, peak
# RSS of the largest task, bytes the passes hand each other per document.
#
#   benches/shards/run.sh [--docs N] [--tasks "1 4"] [--config FILE] [--dup-share S]
#
# Generates N documents (default 200000) with the dedup benchmark's corpus
# generator (benches/dedup: real BBC sentences, planted duplicates), runs
# `gleaner run` on them, then `gleaner plan --tasks T` + every task in turn
# (run-local.sh order) for each T, each task under /usr/bin/time. Prints a
# Markdown table per T and checks the tables equal the local run's.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DOCS=200000
TASKS="1 4"
CONFIG="$REPO/pipeline.toml"
DUP_SHARE=
while [[ $# -gt 0 ]]; do
  case $1 in
    --docs) DOCS=$2; shift 2 ;;
    --tasks) TASKS=$2; shift 2 ;;
    --config) CONFIG=$(realpath "$2"); shift 2 ;;
    # Share of planted duplicates (the generator's default, 0.3, when unset).
    --dup-share) DUP_SHARE=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
# GLEANER_SKIP_BUILD=1 uses the binaries already in $TARGET/release.
[[ -n ${GLEANER_SKIP_BUILD:-} ]] ||
  (cd "$REPO" && cargo build --release --locked --bin gleaner --example dedup_corpus >&2)
G="$TARGET/release/gleaner"
WORK="$HERE/work/n$DOCS${DUP_SHARE:+-d$DUP_SHARE}"
mkdir -p "$WORK"
SOURCE="$REPO/data/external/bbc-news"
[[ -d "$SOURCE" ]] || bash "$REPO/benches/dedup/fetch_news.sh" >&2
if [[ ! -d "$WORK/gen/corpus" ]]; then
  "$TARGET/release/examples/dedup_corpus" --source "$SOURCE" --docs "$DOCS" ${DUP_SHARE:+--dup-share "$DUP_SHARE"} --out "$WORK/gen" >&2
fi
CORPUS="$WORK/gen/corpus"
BYTES=$(du -sb "$CORPUS" | cut -f1)

timed() { # name, command…: appends "name wall_s rss_kb" to $LOG
  local name=$1; shift
  /usr/bin/time -f "$name %e %M" -a -o "$LOG" "$@" >/dev/null 2>>"$WORK/stderr.log"
}

rm -rf "$WORK/local" "$WORK"/sharded-* "$WORK"/plan-*
LOG="$WORK/local.times"; : >"$LOG"
timed run "$G" run "$CORPUS" -c "$CONFIG" -o "$WORK/local"
read -r _ local_wall local_rss <"$LOG"
echo "| executor | tasks | wall s | docs/s | peak RSS MB (largest task) |"
echo "|---|---|---|---|---|"
printf '| gleaner run | 1 process | %s | %.0f | %d |\n' "$local_wall" "$(echo "$DOCS / $local_wall" | bc -l)" $((local_rss / 1024))
for T in $TASKS; do
  P="$WORK/plan-$T"
  LOG="$WORK/plan-$T.times"; : >"$LOG"
  timed plan "$G" plan "$CORPUS" -c "$CONFIG" -o "$WORK/sharded-$T" --tasks "$T" --out "$P" --scheduler none
  : >"$WORK/plan-$T.bytes"; : >"$WORK/plan-$T.read"
  for pass in scan lines sketch buckets contain verify cluster write commit; do
    case $pass in scan|lines|sketch|buckets|contain|verify|write) n=$T ;; *) n=1 ;; esac
    for ((i = 0; i < n; i++)); do
      timed "$pass" "$G" stage "$pass" --shard "$i/$T" --work "$P/work"
      # A dedup task says how many bytes of sketches and band keys it read.
      got=$(tail -n 1 "$WORK/stderr.log" |
        sed -n "s|.*pass $pass shard $i/$T done (\([0-9]*\) bytes of sketches.*|\1|p")
      [[ -n $got ]] && echo "$pass $got" >>"$WORK/plan-$T.read"
    done
    [[ $pass == sketch ]] && echo "sketches $(cat "$P"/work/parts/sketch-*.parquet | wc -c)" >>"$WORK/plan-$T.read"
    [[ -d "$P/work/parts" ]] && echo "$pass $(du -sb "$P/work/parts" | cut -f1)" >>"$WORK/plan-$T.bytes"
  done
  python3 - "$LOG" "$WORK/plan-$T.bytes" "$T" "$DOCS" "$WORK/plan-$T.read" <<'PY'
import sys, collections
log, sizes, tasks, docs, reads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
wall = collections.defaultdict(float); rss = collections.defaultdict(int)
for line in open(log):
    name, s, kb = line.split()
    wall[name] += float(s); rss[name] = max(rss[name], int(kb))
total = sum(wall.values())
print(f"| passes, run in turn | {tasks} | {total:.1f} | {docs/total:.0f} | {max(rss.values())//1024} |")
print(f"\n{tasks} task(s) per sharded pass: " + ", ".join(
    f"{k} {wall[k]:.1f} s / {rss[k]//1024} MB" for k in wall))
print("work files after each pass (bytes per document): " + ", ".join(
    f"{p} {int(b)/docs:.0f}" for p, b in (l.split() for l in open(sizes))))
read = collections.defaultdict(int)
for line in open(reads):
    name, b = line.split()
    read[name] += int(b)
print(f"sketch files {read.pop('sketches', 0)/docs:.0f} bytes per document; read by the dedup "
      "tasks, all tasks of a pass together (bytes per document): "
      + ", ".join(f"{k} {v/docs:.0f}" for k, v in read.items()))
PY
  "$REPO/.venv/bin/python" - "$WORK/local" "$WORK/sharded-$T" <<'PY'
import sys, duckdb
a, b = sys.argv[1:3]
for t in ["documents", "duplicates", "mentions", "entities", "boilerplate"]:
    q = lambda d: duckdb.sql(f"SELECT * FROM read_parquet('{d}/{t}/**/*.parquet')").fetchall()
    assert q(a) == q(b), f"{t} differs"
print("tables equal to gleaner run's: yes")
PY
done
echo "input: $DOCS documents, $((BYTES / 1000000)) MB"
