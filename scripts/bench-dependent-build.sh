#!/usr/bin/env bash
# Cold build of a minimal crate that depends on retail-apis by path, for two revisions side
# by side: what adopting the client costs a user's build.
#
# Usage: scripts/bench-dependent-build.sh [rounds] before=<git rev> after=<git rev>
# Each revision is cloned once; every build starts from an empty target directory (the
# registry cache is shared, so no download is timed). Rounds alternate which revision builds
# first. Prints per revision the median wall time of `cargo build` and the number of crates
# in its dependency graph (normal and build dependencies, `cargo tree`).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
rounds=3
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
  rounds=$1
  shift
fi
[[ $# -eq 2 ]] || { echo "usage: $0 [rounds] label=rev label=rev" >&2; exit 2; }
export CARGO_INCREMENTAL=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
labels=()
for arg in "$@"; do
  label=${arg%%=*}
  rev=${arg#*=}
  labels+=("$label")
  git clone -q "file://$repo" "$work/$label-src"
  git -C "$work/$label-src" checkout -q "$rev"
  mkdir -p "$work/$label/src"
  cat >"$work/$label/Cargo.toml" <<TOML
[package]
name = "dependent"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
retail-apis = { path = "$work/$label-src" }

[workspace]
TOML
  cat >"$work/$label/src/main.rs" <<'RS'
fn main() {
    println!("{}", std::any::type_name::<retail_apis::jdy::Client>());
}
RS
  cp "$work/$label-src/Cargo.lock" "$work/$label/Cargo.lock"
  (cd "$work/$label" && cargo fetch -q)
done
: >"$work/runs"
for round in $(seq 1 "$rounds"); do
  for j in 0 1; do
    label=${labels[$(((j + round) % 2))]}
    rm -rf "$work/target"
    start=$(date +%s.%N)
    (cd "$work/$label" && CARGO_TARGET_DIR=$work/target cargo build -q --offline)
    end=$(date +%s.%N)
    echo "$label $(awk -v s="$start" -v e="$end" 'BEGIN {print e - s}')" >>"$work/runs"
  done
done
echo "cold cargo build of a path dependent, median of $rounds rounds; load average now $(cut -d' ' -f1-3 /proc/loadavg)"
for label in "${labels[@]}"; do
  wall=$(awk -v l="$label" '$1 == l {print $2}' "$work/runs" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  crates=$(cd "$work/$label" && cargo tree --offline -e normal,build --prefix none | sed 's/ (\*)$//' | sort -u | wc -l)
  codegen=$(cd "$work/$label" && cargo tree --offline -e normal,build --prefix none | grep -c '^retail-apis-codegen ' || true)
  printf '%-8s %6.1f s  %4d crates  (retail-apis-codegen in the graph: %s)\n' "$label" "$wall" "$crates" "$([[ $codegen -gt 0 ]] && echo yes || echo no)"
done
