# Sourced by pipeline.sh and textdump.sh: one `gleaner run` over a folder of
# saved pages, as a user would run it (entities off: they do not change the
# text), timed, with documents.text written as {page id: text}.
#
#   gleaner_run NAME INPUT_DIR OUT_DIR TEXTS_JSON
#
# Needs $target_dir (the cargo target directory holding release/gleaner) and
# $work/venv (with pyarrow); sets $secs to the run's wall-clock seconds.
gleaner_run() {
    local name=$1 input=$2 out=$3 texts=$4
    cat >"$out/pipeline.toml" <<TOML
[dataset]
name = "$name"
inputs = ["$PWD/$input"]
output = "$PWD/$out/dataset"
[entities]
names = false
patterns = false
TOML
    local start=$EPOCHREALTIME
    "$target_dir/release/gleaner" run -c "$out/pipeline.toml" --threads 1 2>"$out/run.log"
    secs=$(python3 -c "print($EPOCHREALTIME - $start)")
    "$work/venv/bin/python" benches/wcxb/pipeline_texts.py "$out/dataset" "$texts"
}
