#!/usr/bin/env bash
# Issue 16's HTML ratio: the whole `gleaner run --threads 2` (entities off,
# the pages read from their .html.gz files) on WCXB dev's 1,497 pages,
# against trafilatura extracting the same pages in one process (pages in
# memory, benches/wcxb/run_python.py). Alternated round by round, so that
# every build sees the same host: each round runs trafilatura once, then
# each gleaner binary twice. Prints a Markdown table: mean, least and most
# seconds of each, and each binary's ratio of the means.
#
#   benches/wcxb/ratio.sh [ROUNDS] [GLEANER_BINARY...]
#       (default: 3 rounds, target/release/gleaner)
#
# On a shared 2-core host a series moves by 10 %: compare builds within one
# series, and give the ratio with its series. Needs the pages
# (benches/wcxb/fetch.sh, run here) and benches/wcxb/work/venv with
# trafilatura (`WCXB_PEERS=trafilatura benches/wcxb/run.sh dev` makes it).
# trafilatura runs on core 0 (taskset) where taskset exists. Work files go
# to benches/wcxb/work/ratio/. About 70 s a round.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
shift || true
bins=("$@")
[[ ${#bins[@]} -gt 0 ]] || bins=(target/release/gleaner)
work=benches/wcxb/work/ratio
pages=data/external/wcxb/dev
python=benches/wcxb/work/venv/bin/python
benches/wcxb/fetch.sh data/external/wcxb
if [[ ! -x $python ]]; then
    echo "ratio: no $python; run WCXB_PEERS=trafilatura benches/wcxb/run.sh dev once" >&2
    exit 1
fi
for b in "${bins[@]}"; do
    if [[ ! -x $b ]]; then
        echo "ratio: $b is not an executable (cargo build --release --locked)" >&2
        exit 1
    fi
done
rm -rf "$work"
mkdir -p "$work"
cat >"$work/pipeline.toml" <<'TOML'
[dataset]
name = "ratio"
[entities]
names = false
patterns = false
TOML
pin=()
if command -v taskset >/dev/null; then
    pin=(taskset -c 0)
fi
times=$work/times.tsv
for r in $(seq "$rounds"); do
    secs=$("${pin[@]}" "$python" benches/wcxb/run_python.py "$pages" "$work/trafilatura" trafilatura |
        awk '$1 == "trafilatura" { print $3 }')
    printf 'trafilatura\t%s\n' "$secs" >>"$times"
    for b in "${bins[@]}"; do
        for _ in 1 2; do
            rm -rf "$work/out"
            start=$EPOCHREALTIME
            "$b" run -c "$work/pipeline.toml" -o "$work/out" --full --threads 2 "$pages/html" \
                >/dev/null 2>"$work/run.log"
            printf '%s\t%s\n' "$b" "$(python3 -c "print($EPOCHREALTIME - $start)")" >>"$times"
        done
    done
    echo "ratio: round $r of $rounds done" >&2
done
python3 - "$times" "$rounds" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, secs = line.rstrip("\n").split("\t")
    runs.setdefault(name, []).append(float(secs))
traf = statistics.mean(runs["trafilatura"])
print(f"WCXB dev, 1,497 pages, {sys.argv[2]} rounds\n")
print("| run | runs | mean s | least s | most s | pages/s | × trafilatura |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, secs in runs.items():
    mean = statistics.mean(secs)
    print(f"| {name} | {len(secs)} | {mean:.2f} | {min(secs):.2f} | {max(secs):.2f} "
          f"| {1497 / mean:.0f} | {traf / mean:.1f} |")
PY
