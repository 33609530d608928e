#!/usr/bin/env bash
# Times a CLI call against a running node: runs it N times (default 10) and prints each wall time
# and the median, in milliseconds. The first call after a build also makes the class-data archive.
#   ops/cli-bench.sh [N] -- ops/troupe actor list
set -euo pipefail
n=10
if [ "${1:-}" != "--" ]; then n="$1"; shift; fi
shift # the --
times=()
for ((i = 0; i < n; i++)); do
  t0=$(date +%s%N)
  "$@" >/dev/null
  t1=$(date +%s%N)
  times+=($(((t1 - t0) / 1000000)))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "wall ms: ${times[*]}"
echo "median: ${sorted[$((n / 2))]} ms"
