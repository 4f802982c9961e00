# Sourced by the extraction benchmarks (benches/wcxb/run.sh,
# benches/trafilatura_eval/run.sh): the Python peers in one pinned venv, so
# every benchmark measures the same versions.
#
#   extraction_peers_venv DIR    creates DIR (a venv) if needed and pins the peers
extraction_peers_venv() {
    local venv=$1
    if [[ ! -x "$venv/bin/python" ]]; then
        python3 -m venv "$venv"
    fi
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        trafilatura==2.3.1 resiliparse==2.0.1 justext==3.0.2 lxml_html_clean==0.4.6
}
