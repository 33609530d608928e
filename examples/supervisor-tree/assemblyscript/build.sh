#!/usr/bin/env bash
# Builds supervisor.wasm, worker.wasm with the AssemblyScript SDK's build script (sdk/assemblyscript/build.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec ../../../sdk/assemblyscript/build.sh assembly/supervisor.ts=supervisor.wasm assembly/worker.ts=worker.wasm
