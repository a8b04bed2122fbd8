#!/usr/bin/env bash
# Runs the round-trip bench (benches/roundtrip.rs) in each configuration BENCHMARKS.md
# quotes, one configuration after the other, `runs` times over, so that a machine that
# slows down slows every configuration alike; each run is a process of its own, with
# fresh sandboxes. Prints, per configuration, the median, lowest and highest throughput of
# the client relative to hand-written (above 1.00 the client is faster), and the load
# average at the start and the end.
# Usage: scripts/bench-roundtrip.sh [runs]   (default 7)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}

cargo bench -q -p retail-apis --bench roundtrip --no-run

configs=(
  "default|"
  "current-thread|RETAIL_APIS_BENCH_RUNTIME=current-thread"
  "signed-request|RETAIL_APIS_BENCH_CLIENT=signed-request"
  "signed-request current-thread|RETAIL_APIS_BENCH_CLIENT=signed-request RETAIL_APIS_BENCH_RUNTIME=current-thread"
  "hand user agent off|RETAIL_APIS_BENCH_HAND_USER_AGENT=off"
  "hand user agent off current-thread|RETAIL_APIS_BENCH_HAND_USER_AGENT=off RETAIL_APIS_BENCH_RUNTIME=current-thread"
)

results=$(mktemp)
trap 'rm -f "$results"' EXIT
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$runs"); do
  for config in "${configs[@]}"; do
    label=${config%%|*}
    settings=${config#*|}
    # shellcheck disable=SC2086 # the settings are words of VAR=value
    ratio=$(env $settings cargo bench -q -p retail-apis --bench roundtrip 2>/dev/null |
      awk '/throughput of the client relative to hand-written/ {print $NF}')
    printf '%s\t%s\n' "$label" "$ratio" >>"$results"
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

for config in "${configs[@]}"; do
  label=${config%%|*}
  awk -F'\t' -v label="$label" '$1 == label {print $2}' "$results" | sort -n |
    awk -v label="$label" '{a[NR] = $1}
      END {printf "%-36s runs %2d  median %s  range %s to %s\n", label, NR, a[int((NR + 1) / 2)], a[1], a[NR]}'
done
