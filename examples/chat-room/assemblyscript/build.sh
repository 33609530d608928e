#!/usr/bin/env bash
# Builds room.wasm, member.wasm with the AssemblyScript SDK's build script (sdk/assemblyscript/build.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec ../../../sdk/assemblyscript/build.sh assembly/room.ts=room.wasm assembly/member.ts=member.wasm
