#!/usr/bin/env bash
# Runs __name__ on an in-process node: send 5, send {"add": 10}, ask "total?"; expects 15.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
got=$(__troupe_node__ run __name__.toml --send 5 --send '{"add": 10}' --request '"total?"' 2>/dev/null)
if [ "$got" != "15" ]; then
  echo "test.sh: expected 15, got: $got" >&2
  exit 1
fi
echo "ok: __name__ answered 15"
