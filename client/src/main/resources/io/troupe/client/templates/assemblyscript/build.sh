#!/usr/bin/env bash
# Builds __name__.wasm next to __name__.toml with the AssemblyScript SDK's build script (Node.js
# 20+; the SDK's pinned compiler is installed the first time).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec "__sdk__/assemblyscript/build.sh" assembly/index.ts=__name__.wasm
