#!/usr/bin/env bash
# Measures incremental `cargo build -p retail-apis` times:
#   1. no-op: nothing changed (the build script must not rerun);
#   2. a spec change that leaves generated code unchanged (a YAML comment);
#   3. a spec change that changes generated code (a field description).
# The touched spec file is restored on exit, and generated/ regenerated to match.
# Usage: scripts/bench-build.sh [runs]   (default 5 runs each; prints median seconds)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
spec=spec/jdy/endpoints/mall_recharge.yaml
backup=$(mktemp)
cp "$spec" "$backup"
restore() { cp "$backup" "$spec"; rm -f "$backup"; cargo build -q -p retail-apis; }
trap restore EXIT

cargo build -q -p retail-apis

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timed_build() {
  local start end
  start=$(date +%s%N)
  cargo build -q -p retail-apis
  end=$(date +%s%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", (e - s) / 1e9 }'
}

noop=$(for _ in $(seq "$runs"); do timed_build; done | median)
reran=$(cargo build -v -p retail-apis 2>&1 | grep -c 'Running .*build-script-build' || true)

comment=$(for i in $(seq "$runs"); do
  cp "$backup" "$spec"; echo "# bench $i" >> "$spec"; timed_build
done | median)
git diff --quiet -- generated || { echo "a comment changed generated/" >&2; exit 1; }

doc=$(for i in $(seq "$runs"); do
  sed "s/doc: 充值金额\$/doc: 充值金额 (bench $i)/" "$backup" > "$spec"; timed_build
done | median)

echo "no-op build:                       ${noop}s (build script runs: ${reran})"
echo "spec comment (generated unchanged): ${comment}s"
echo "spec doc change (generated changed): ${doc}s"
