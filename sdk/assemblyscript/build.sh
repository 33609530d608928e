#!/usr/bin/env bash
# sdk/assemblyscript/build.sh ENTRY.ts=OUT.wasm...: builds a Troupe actor project written in
# AssemblyScript, from the project's directory: installs the SDK's pinned compiler the first time
# (npm ci from its lock file), then runs build.mjs for each entry file. Without Node.js 20+ and
# npm, one line saying so and exit status 2.
set -euo pipefail
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1 \
  || [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 20 ]; then
  echo "build.sh: Node.js 20 or later with npm is missing: install nodejs (>= 20) and npm" >&2
  exit 2
fi
sdk="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ ! -f "$sdk/node_modules/assemblyscript/dist/asc.js" ]; then
  (cd "$sdk" && npm ci --no-audit --no-fund --loglevel=error)
fi
# build.mjs links node_modules/troupe-sdk to the SDK, then runs asc (the @exportAs transform,
# -Oz --noAssert --runtime minimal, the SDK's abort handler) and prints the size
for pair in "$@"; do
  node "$sdk/build.mjs" "${pair%%=*}" -o "${pair#*=}"
done
