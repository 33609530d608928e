#!/usr/bin/env bash
# Builds fetcher.wasm next to fetcher.toml with the Rust SDK's build script (sdk/rust/build.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec ../../../sdk/rust/build.sh fetcher
