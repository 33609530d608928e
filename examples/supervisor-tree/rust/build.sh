#!/usr/bin/env bash
# Builds supervisor.wasm and worker.wasm next to supervisor.toml and worker.toml, with Debian's Rust toolchain
# for wasm32 (one workspace, one crate per actor).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [ ! -x /usr/bin/cargo ] || [ ! -x /usr/bin/rustc ] || [ ! -d /usr/lib/rustlib/wasm32-unknown-unknown ] \
  || [ ! -x /usr/bin/wasm-ld ] || ! ls -d /usr/share/cargo/registry/serde_json-* >/dev/null 2>&1; then
  echo "build.sh: Rust for wasm is missing: apt-get install rustc cargo libstd-rust-dev-wasm32 lld librust-serde-dev librust-serde-derive-dev librust-serde-json-dev" >&2
  exit 2
fi
# Debian's compiler, not a rustup one earlier on the PATH (it has no wasm32 target offline)
RUSTC=/usr/bin/rustc /usr/bin/cargo build --release --offline --quiet
for actor in supervisor worker; do
  cp "target/wasm32-unknown-unknown/release/$actor.wasm" "$actor.wasm"
  echo "built $actor.wasm ($(wc -c < "$actor.wasm") bytes)"
done
