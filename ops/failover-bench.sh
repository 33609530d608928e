#!/usr/bin/env bash
# failover-bench.sh [ROUNDS]: kill -9 one of three local nodes ROUNDS times (default 10), rotating
# the victim through every member position (the oldest first), with a breakdown per round, each
# timing each until its actors are served again; prints p50/max (and writes
# integration-tests/target/failover-bench.txt). Record the figures in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -DskipTests -Dtroupe.skipFormat=true install
mvn -B -q verify -pl integration-tests -Dtroupe.skipFormat=true -Dit.test=FailoverSoakIT \
  -Dsurefire.failIfNoSpecifiedTests=false -Dtroupe.soak=true -Dtroupe.soak.rounds="${1:-10}"
cat integration-tests/target/failover-bench.txt
