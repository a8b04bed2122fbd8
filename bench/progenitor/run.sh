#!/usr/bin/env bash
# Compares the client `retail-apis generate` writes with the one progenitor writes from the
# same API: lines of generated code, generation time and the dev build time of the
# generated crate alone. See README.md next to this script.
#
#   bench/progenitor/run.sh [ROUNDS] [JDY_ENDPOINTS]      # defaults: 3 rounds, 250 (+1 Shoubei)
#
# Everything is written below bench/progenitor/target/ (ignored by git): the tools, the
# synthetic spec, the two scratch crates and results.md.
set -euo pipefail

ROUNDS=${1:-3}
ENDPOINTS=${2:-250}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TOOLS="$HERE/target/tools"
WORK="$HERE/target/bench-work"
# Outside $WORK, which each run recreates: the scratch crates' dependencies stay built.
SCRATCH_TARGET="$HERE/target/scratch"
# Each build of a generated crate is then a full compile of that crate, the same work for
# both sides whatever ran before (and incremental caches would fill the disk).
export CARGO_INCREMENTAL=0

now_ms() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
# Lines of the generated source, and those that are neither blank nor comments.
lines() { cat "$@" | wc -l; }
code_lines() { cat "$@" | grep -cvE '^[[:space:]]*(//.*)?$'; }

echo "== tools (release)"
cargo build -q --release --manifest-path "$ROOT/Cargo.toml" --target-dir "$TOOLS" -p retail-apis-cli
cargo build -q --release --manifest-path "$ROOT/Cargo.toml" --target-dir "$TOOLS" \
    -p retail-apis-codegen --example synth_specs
cargo build -q --release --manifest-path "$HERE/Cargo.toml"
RETAIL_APIS="$TOOLS/release/retail-apis"
PROGENITOR_GEN="$HERE/target/release/retail-apis-bench-progenitor"
PROGENITOR_VERSION=$(awk '/^name = "progenitor"$/ { getline; print $3 }' "$HERE/Cargo.lock" | tr -d '"')

echo "== synthetic spec ($ENDPOINTS JDY endpoints + the Shoubei one) and its OpenAPI export"
rm -rf "$WORK"
mkdir -p "$WORK/ours/src" "$WORK/theirs/src"
"$TOOLS/release/examples/synth_specs" "$ENDPOINTS" "$WORK/ours/spec" > /dev/null
"$RETAIL_APIS" export openapi --openapi-version 3.0 --spec "$WORK/ours/spec" --out "$WORK/openapi.json"
OPERATIONS=$(grep -c '"operationId"' "$WORK/openapi.json")

# Ours: the generated modules next to the spec they embed, as in the retail-apis crate.
cat > "$WORK/ours/Cargo.toml" <<EOF
[package]
name = "ours"
version = "0.0.0"
edition = "2021"

[workspace]

[dependencies]
retail-apis-runtime = { path = "$ROOT/runtime" }
serde = { version = "1", features = ["derive"] }
serde_json = "1"

[features]
# What a crate including generated code declares (see the root README); off, as by default.
full-serde = []
EOF
cat > "$WORK/ours/src/lib.rs" <<'EOF'
#[path = "../generated/mod.rs"]
mod generated;
pub use generated::*;
EOF
cp "$ROOT/Cargo.lock" "$WORK/ours/Cargo.lock"

# Progenitor's: the dependencies its README lists for generated code (no TLS backend: it
# does not change what the generated code compiles against).
cat > "$WORK/theirs/Cargo.toml" <<EOF
[package]
name = "theirs"
version = "0.0.0"
edition = "2021"

[workspace]

[dependencies]
futures = "0.3"
progenitor-client = "=$PROGENITOR_VERSION"
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
EOF

# generate_<side>: writes the side's generated source from scratch.
generate_ours() {
    rm -rf "$WORK/ours/generated"
    "$RETAIL_APIS" generate --spec "$WORK/ours/spec" --out "$WORK/ours/generated" > /dev/null
}
generate_theirs() {
    rm -f "$WORK/theirs/src/lib.rs"
    "$PROGENITOR_GEN" "$WORK/openapi.json" "$WORK/theirs/src/lib.rs"
}
generated_files() {
    case $1 in
        ours) echo "$WORK"/ours/generated/*.rs ;;
        theirs) echo "$WORK/theirs/src/lib.rs" ;;
    esac
}
build() {
    touch "$WORK/$1/src/lib.rs"
    CARGO_TARGET_DIR="$SCRATCH_TARGET/$1" cargo build -q --manifest-path "$WORK/$1/Cargo.toml" \
        2> "$WORK/$1-build.log" ||
        { cat "$WORK/$1-build.log"; exit 1; }
}

echo "== dependencies of both scratch crates (not measured)"
for side in ours theirs; do
    "generate_$side"
    build "$side"
done

LOAD_BEFORE=$(load_average)
: > "$WORK/samples.tsv"
for round in $(seq 1 "$ROUNDS"); do
    if ((round % 2)); then order="ours theirs"; else order="theirs ours"; fi
    for side in $order; do
        start=$(now_ms)
        "generate_$side"
        generated=$(now_ms)
        build "$side"
        built=$(now_ms)
        # shellcheck disable=SC2046 # one word per file
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$side" $((generated - start)) $((built - generated)) \
            "$(lines $(generated_files "$side"))" "$(code_lines $(generated_files "$side"))" \
            >> "$WORK/samples.tsv"
        echo "round $round ($order): $side generated in $((generated - start)) ms, built in $((built - generated)) ms"
    done
done
LOAD_AFTER=$(load_average)

sample_median() { awk -F'\t' -v side="$1" -v col="$2" '$2 == side { print $col }' "$WORK/samples.tsv" | median; }
for side in ours theirs; do
    declare "${side}_gen=$(sample_median "$side" 3)" "${side}_build=$(sample_median "$side" 4)"
    declare "${side}_lines=$(sample_median "$side" 5)" "${side}_code=$(sample_median "$side" 6)"
done
per_op() { awk -v n="$1" -v ops="$OPERATIONS" 'BEGIN { printf "%.1f", n / ops }'; }
seconds() { awk -v ms="$1" 'BEGIN { printf "%.2f s", ms / 1000 }'; }

{
    echo "$OPERATIONS operations, progenitor $PROGENITOR_VERSION, $ROUNDS rounds (odd rounds ours first," \
        "even rounds progenitor first), medians; load average $LOAD_BEFORE before, $LOAD_AFTER after"
    echo
    echo "| figure | retail-apis | progenitor | ratio |"
    echo "| --- | ---: | ---: | ---: |"
    echo "| lines per operation | $(per_op "$ours_lines") | $(per_op "$theirs_lines") | $(ratio "$ours_lines" "$theirs_lines") |"
    echo "| code lines per operation (no comments, no blank lines) | $(per_op "$ours_code") | $(per_op "$theirs_code") | $(ratio "$ours_code" "$theirs_code") |"
    echo "| generated lines in total | $ours_lines | $theirs_lines | $(ratio "$ours_lines" "$theirs_lines") |"
    echo "| generation (whole process) | $(seconds "$ours_gen") | $(seconds "$theirs_gen") | $(ratio "$ours_gen" "$theirs_gen") |"
    echo "| dev build of the generated crate | $(seconds "$ours_build") | $(seconds "$theirs_build") | $(ratio "$ours_build" "$theirs_build") |"
} | tee "$WORK/results.md"
echo
echo "samples (round, side, generate ms, build ms, lines, code lines): $WORK/samples.tsv"
