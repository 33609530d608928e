#!/usr/bin/env bash
# Builds room.wasm, member.wasm next to room.toml, member.toml with the Rust SDK's build script (sdk/rust/build.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec ../../../sdk/rust/build.sh room member
