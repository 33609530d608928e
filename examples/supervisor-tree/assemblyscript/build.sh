#!/usr/bin/env bash
# Builds supervisor.wasm and worker.wasm next to supervisor.toml and worker.toml with the AssemblyScript SDK
# (../../../sdk/assemblyscript); each actor is its own entry file, assembly/<actor>.ts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1 \
  || [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 20 ]; then
  echo "build.sh: Node.js 20 or later with npm is missing: install nodejs (>= 20) and npm" >&2
  exit 2
fi
sdk="$(cd ../../../sdk/assemblyscript && pwd)"
# the compiler (assemblyscript, pinned by the SDK's package-lock.json), installed once
if [ ! -f "$sdk/node_modules/assemblyscript/dist/asc.js" ]; then
  (cd "$sdk" && npm ci --no-audit --no-fund --loglevel=error)
fi
# build.mjs links node_modules/troupe-sdk to the SDK, then runs asc (the @exportAs transform,
# -Oz --noAssert --runtime minimal, the SDK's abort handler) and prints the size
for actor in supervisor worker; do
  node "$sdk/build.mjs" "assembly/$actor.ts" -o "$actor.wasm"
done
