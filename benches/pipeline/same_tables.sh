# Sourced by alternate.sh and pair.sh: compares every Parquet file of two
# datasets byte for byte, says which differ, and returns 1 if any does.
#
#   same_tables DIR_A DIR_B
same_tables() {
    local a=$1 b=$2 f differ=0
    while read -r f; do
        cmp -s "$a/$f" "$b/$f" || { echo "DIFFERENT: $f"; differ=1; }
    done < <(cd "$a" && find . -name '*.parquet' | sort)
    (( differ == 0 )) &&
        echo "the same tables: $(cd "$a" && find . -name '*.parquet' | wc -l) Parquet files equal byte for byte"
    return $differ
}
