# shellcheck shell=bash
# Sourced by run.sh, heldout.sh and external.sh: dedup_bench_venv HERE NAME
# makes HERE/.venv with the peers pinned in HERE/requirements.txt when it is
# missing or its requirements changed, and sets VENV. polars is needed even
# for --gleaner-only (to read the documents table). NAME prefixes messages.
dedup_bench_venv() {
    local here=$1 name=$2
    VENV=$here/.venv
    if [[ ! -x "$VENV/bin/python" ]]; then
        python3 -m venv "$VENV"
    fi
    local stamp=$VENV/.requirements.sha want
    want=$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)
    if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
        echo "== pip install -r requirements.txt" >&2
        if "$VENV/bin/pip" install -q -r "$here/requirements.txt"; then
            echo "$want" >"$stamp"
        else
            # A peer that does not install is reported in the table; the
            # others still run.
            echo "$name: pip install failed; installing the rest one by one" >&2
            grep -vE '^\s*(#|$)' "$here/requirements.txt" | while read -r req; do
                "$VENV/bin/pip" install -q "$req" || echo "$name: could not install $req" >&2
            done
        fi
    fi
}
