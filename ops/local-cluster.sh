#!/usr/bin/env bash
# local-cluster.sh: N Troupe nodes on loopback, logs and pids under one folder.
#   ops/local-cluster.sh up N     start nodes node-1..node-N (gRPC 7071.., Hazelcast 5711..)
#   ops/local-cluster.sh down     SIGTERM every node (clean leave), kill -9 what is left after 30 s
#   ops/local-cluster.sh status   which nodes run
# Environment: TROUPE_CLUSTER_DIR (default target/local-cluster), TROUPE_GRPC_BASE (7070),
# TROUPE_HZ_BASE (5710). Node i uses gRPC port BASE+i and Hazelcast port BASE+i.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${TROUPE_CLUSTER_DIR:-$here/target/local-cluster}"
grpc_base="${TROUPE_GRPC_BASE:-7070}"
hz_base="${TROUPE_HZ_BASE:-5710}"

up() {
  local n="${1:-3}"
  mkdir -p "$dir"
  if ls "$dir"/*.pid >/dev/null 2>&1; then
    echo "local-cluster: $dir already has running nodes; run 'down' first" >&2
    exit 1
  fi
  local members="" i
  for i in $(seq 1 "$n"); do
    members="${members:+$members,}127.0.0.1:$((hz_base + i))"
  done
  local quorum=$((n / 2 + 1))
  for i in $(seq 1 "$n"); do
    "$here/ops/troupe-node" start --name "node-$i" --grpc-port "$((grpc_base + i))" \
      --hz-port "$((hz_base + i))" --members "$members" --quorum "$quorum" \
      --store "${TROUPE_STORE:-memory}" \
      >"$dir/node-$i.log" 2>&1 &
    echo $! >"$dir/node-$i.pid"
  done
  local deadline=$((SECONDS + 90))
  for i in $(seq 1 "$n"); do
    until grep -q "serving on" "$dir/node-$i.log" 2>/dev/null; do
      if ! kill -0 "$(cat "$dir/node-$i.pid")" 2>/dev/null; then
        echo "local-cluster: node-$i died; see $dir/node-$i.log" >&2
        down
        exit 1
      fi
      if [ "$SECONDS" -ge "$deadline" ]; then
        echo "local-cluster: node-$i did not come up in 90 s; see $dir/node-$i.log" >&2
        down
        exit 1
      fi
      sleep 0.2
    done
  done
  local targets=""
  for i in $(seq 1 "$n"); do targets="${targets:+$targets,}127.0.0.1:$((grpc_base + i))"; done
  echo "$n nodes up; logs in $dir"
  echo "targets: $targets"
}

down() {
  local f pid
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || continue
    pid="$(cat "$f")"
    kill -TERM "$pid" 2>/dev/null || true
  done
  local deadline=$((SECONDS + 30))
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || continue
    pid="$(cat "$f")"
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
  done
  echo "local cluster down"
}

status() {
  local f
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || { echo "no nodes"; return; }
    if kill -0 "$(cat "$f")" 2>/dev/null; then
      echo "$(basename "$f" .pid): running (pid $(cat "$f"))"
    else
      echo "$(basename "$f" .pid): dead"
    fi
  done
}

case "${1:-}" in
  up) up "${2:-3}" ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up N | down | status" >&2; exit 2 ;;
esac
