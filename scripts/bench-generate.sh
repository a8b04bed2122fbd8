#!/usr/bin/env bash
# Measures `retail-apis generate` the way a user runs it: the release binary started as a
# new process, reading a spec tree from disk and writing the generated source, on synthetic
# spec sets of 100, 1000 and 5000 JDY endpoints (plus the seed Shoubei endpoint).
#
# Usage: scripts/bench-generate.sh [rounds] [label=binary ...]
#   rounds  measured rounds (default 5); one more, unmeasured, warms the page cache first
#   label=binary  measure these builds of `retail-apis` side by side (for example
#           `before=/tmp/retail-apis-old after=target/release/retail-apis`); by default the
#           release binary built from this tree, labelled `current`
# Environment: SIZES (default "100 1000 5000"), BENCH_DIR (default: a new temporary
# directory, removed at exit; the spec sets and outputs live there, never in generated/).
#
# Each run writes into an empty output directory, so every file is written. Rounds rotate
# the order of the sizes and of the binaries, so no side always runs first or right after
# a large set. Prints, per binary and size: median wall time, median CPU (user + sys),
# median peak RSS, the lines written, and the load average before and after.
# Requires GNU time at /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=5
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
  rounds=$1
  shift
fi
sizes=(${SIZES:-100 1000 5000})

if [[ ! -x /usr/bin/time ]]; then
  echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2
  exit 1
fi

export CARGO_INCREMENTAL=0
cargo build -q --release -p retail-apis-cli
cargo build -q --release -p retail-apis-codegen --example synth_specs

labels=()
bins=()
if [[ $# -eq 0 ]]; then
  labels=(current)
  bins=("$PWD/target/release/retail-apis")
else
  for arg in "$@"; do
    labels+=("${arg%%=*}")
    bins+=("$(realpath "${arg#*=}")")
  done
fi

if [[ -n ${BENCH_DIR:-} ]]; then
  work=$BENCH_DIR
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

for n in "${sizes[@]}"; do
  if [[ ! -d $work/spec-$n ]]; then
    target/release/examples/synth_specs "$n" "$work/spec-$n" >/dev/null
  fi
done

# One run: a fresh output directory, the whole process timed by GNU time.
run() { # label binary size round
  local out=$work/out-$1-$3
  rm -rf "$out"
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" \
    "$2" generate --spec "$work/spec-$3" --out "$out" >/dev/null
  if [[ $4 -gt 0 ]]; then
    echo "$1 $3 $(cat "$work/time")" >>"$work/runs"
  fi
}

: >"$work/runs"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq 0 "$rounds"); do
  for i in "${!sizes[@]}"; do
    n=${sizes[$(((i + round) % ${#sizes[@]}))]}
    for j in "${!bins[@]}"; do
      k=$(((j + round) % ${#bins[@]}))
      run "${labels[$k]}" "${bins[$k]}" "$n" "$round"
    done
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "retail-apis generate, whole process, median of $rounds rounds (after 1 warm-up round)"
echo "load average (1, 5, 15 min): before $load_before, after $load_after; $(nproc) cores"
printf '%-10s %9s %9s %9s %9s %12s %14s\n' binary endpoints wall cpu peak_rss lines "wall/endpoint"
for k in "${!labels[@]}"; do
  for n in "${sizes[@]}"; do
    rows=$(awk -v l="${labels[$k]}" -v n="$n" '$1 == l && $2 == n' "$work/runs")
    wall=$(awk '{print $3}' <<<"$rows" | median)
    cpu=$(awk '{print $4 + $5}' <<<"$rows" | median)
    rss=$(awk '{print $6}' <<<"$rows" | median)
    lines=$(cat "$work/out-${labels[$k]}-$n"/*.rs | wc -l)
    endpoints=$(find "$work/spec-$n" -path '*/endpoints/*.yaml' | wc -l)
    printf '%-10s %9s %8.2fs %8.2fs %6.0f MB %12s %11.2f ms\n' "${labels[$k]}" "$endpoints" \
      "$wall" "$cpu" "$(awk -v k="$rss" 'BEGIN {print k / 1024}')" "$lines" \
      "$(awk -v w="$wall" -v e="$endpoints" 'BEGIN {print w * 1000 / e}')"
  done
done
for k in "${!labels[@]}"; do
  [[ $k -eq 0 ]] && continue
  for n in "${sizes[@]}"; do
    if diff -rq "$work/out-${labels[0]}-$n" "$work/out-${labels[$k]}-$n" >/dev/null; then
      echo "${labels[$k]} writes the same bytes as ${labels[0]} for $n endpoints"
    else
      echo "${labels[$k]} writes DIFFERENT bytes from ${labels[0]} for $n endpoints"
    fi
  done
done
