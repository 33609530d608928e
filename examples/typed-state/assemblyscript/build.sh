#!/usr/bin/env bash
# Builds typed-state.wasm with the AssemblyScript SDK's build script (sdk/assemblyscript/build.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec ../../../sdk/assemblyscript/build.sh assembly/index.ts=typed-state.wasm
