# Sourced by run.sh and run_langs.sh after their data is fetched: the
# venv that reads the tables (pyarrow), and `bin` and `config`, the gleaner
# binary and pipeline.toml to score (arguments 1 and 2, defaulting to this
# checkout's release build and its pipeline.toml).
if [[ ! -x "$work/venv/bin/python" ]]; then
    python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pyarrow==21.0.0

bin=${1:-}
if [[ -z "$bin" ]]; then
    cargo build --release --locked --bin gleaner
    bin="${CARGO_TARGET_DIR:-target}/release/gleaner"
fi
config=${2:-pipeline.toml}
