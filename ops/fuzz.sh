#!/usr/bin/env bash
# Fuzzes longer than `mvn verify` does: rounds of a target's bounded run, each one starting from
# the corpus the rounds before grew (node/.cifuzz-corpus), until MINUTES have passed or a round
# finds a crash (its input is then saved under node/src/test/resources/…Inputs/, where every
# `mvn verify` replays it). See docs/security.md.
#
#   ops/fuzz.sh [TARGET|all] [MINUTES]     e.g. ops/fuzz.sh ApiFuzzTest 30
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-all}"
minutes="${2:-10}"
targets=(ManifestFuzzTest ModuleFuzzTest GuestResultFuzzTest ApiFuzzTest ChainFuzzTest)
[[ "$target" != all ]] && targets=("$target")
mvn -B -q -DskipTests install
end=$(($(date +%s) + minutes * 60))
round=0
while (($(date +%s) < end)); do
  for t in "${targets[@]}"; do
    round=$((round + 1))
    echo "round $round: $t"
    if ! JAZZER_FUZZ=1 mvn -B -q -o -pl node surefire:test -Dtest="$t" >"target/fuzz-$t.log" 2>&1; then
      echo "$t found a crash: see target/fuzz-$t.log" >&2
      exit 1
    fi
  done
done
echo "no crash in $round rounds"
