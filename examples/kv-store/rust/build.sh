#!/usr/bin/env bash
# Builds kv-store.wasm next to kv-store.toml with the Rust SDK's build script (sdk/rust/build.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec ../../../sdk/rust/build.sh kv-store
