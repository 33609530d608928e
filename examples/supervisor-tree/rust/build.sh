#!/usr/bin/env bash
# Builds supervisor.wasm, worker.wasm next to supervisor.toml, worker.toml with the Rust SDK's build script (sdk/rust/build.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec ../../../sdk/rust/build.sh supervisor worker
