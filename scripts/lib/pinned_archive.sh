# shellcheck shell=bash
# Sourced by the fetch scripts (benches/dedup/fetch_news.sh,
# benches/aeb/fetch_aeb.sh, scripts/ner/fetch_data.sh): files of a public git
# repository at a pinned commit, without a checkout.
#
#   pinned_archive TOOL URL COMMIT MIRROR_VAR OUT.tar PATH...
#
# Tries `git clone`; where GitHub is not reachable, the environment variable
# named MIRROR_VAR may name a git directory (bare or not) holding the commit,
# and the files are archived from it instead. Exits with a message naming
# MIRROR_VAR when neither works.
pinned_archive() {
    local tool=$1 url=$2 commit=$3 mirror_var=$4 out=$5
    shift 5
    local mirror=${!mirror_var:-} work
    # A work tree's top directory names its git directory for us.
    if [[ -n "$mirror" && -d "$mirror/.git" ]]; then
        mirror=$mirror/.git
    fi
    work=$(mktemp -d)
    if GIT_TERMINAL_PROMPT=0 timeout 120 git clone --quiet --no-checkout "$url" "$work/clone" 2>"$work/err" \
        && git -C "$work/clone" archive "$commit" "$@" >"$out" 2>>"$work/err"; then
        echo "$tool: cloned $url" >&2
    elif [[ -n "$mirror" ]]; then
        echo "$tool: git clone of $url failed ($(tail -n1 "$work/err")); using mirror $mirror" >&2
        git --git-dir="$mirror" archive "$commit" "$@" >"$out"
    else
        echo "$tool: git clone of $url failed:" >&2
        cat "$work/err" >&2
        echo "$tool: set $mirror_var to a git directory holding commit $commit" >&2
        rm -rf "$work"
        exit 1
    fi
    rm -rf "$work"
}

# pinned_tree TOOL URL COMMIT MIRROR_VAR DIR PATH...: the paths extracted
# into DIR, which then names the commit in DIR/COMMIT; nothing is fetched
# when it already names COMMIT. Archive messages go to stderr as
# pinned_archive writes them.
pinned_tree() {
    local tool=$1 url=$2 commit=$3 mirror_var=$4 dir=$5
    shift 5
    if [[ "$(cat "$dir/COMMIT" 2>/dev/null)" == "$commit" ]]; then
        return 0
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    pinned_archive "$tool" "$url" "$commit" "$mirror_var" "$dir.tar" "$@"
    tar -x -C "$dir" -f "$dir.tar"
    rm "$dir.tar"
    echo "$commit" >"$dir/COMMIT"
}
