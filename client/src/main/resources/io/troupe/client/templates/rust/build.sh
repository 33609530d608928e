#!/usr/bin/env bash
# Builds __name__.wasm next to __name__.toml with the Rust SDK's build script (Debian's toolchain
# for wasm32, offline).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec "__sdk__/rust/build.sh" __name__
