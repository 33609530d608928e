#!/usr/bin/env bash
# sdk/rust/build.sh ACTOR...: builds a Troupe actor project written in Rust, from the project's
# directory (the one with Cargo.toml and .cargo/config.toml): one cargo build, then each ACTOR's
# module is copied next to its manifest as ACTOR.wasm (the crate of ACTOR is ACTOR with '-' as '_').
# Debian's toolchain for wasm32 and its packaged crates, offline; without them, one line naming the
# packages and exit status 2.
set -euo pipefail
if [ ! -x /usr/bin/cargo ] || [ ! -x /usr/bin/rustc ] || [ ! -d /usr/lib/rustlib/wasm32-unknown-unknown ] \
  || [ ! -x /usr/bin/wasm-ld ] || ! ls -d /usr/share/cargo/registry/serde_json-* >/dev/null 2>&1; then
  echo "build.sh: Rust for wasm is missing: apt-get install rustc cargo libstd-rust-dev-wasm32 lld librust-serde-dev librust-serde-derive-dev librust-serde-json-dev" >&2
  exit 2
fi
# Debian's compiler, not a rustup one earlier on the PATH (it has no wasm32 target offline)
RUSTC=/usr/bin/rustc /usr/bin/cargo build --release --offline --quiet
for actor in "$@"; do
  cp "target/wasm32-unknown-unknown/release/${actor//-/_}.wasm" "$actor.wasm"
  echo "built $actor.wasm ($(wc -c < "$actor.wasm") bytes)"
done
