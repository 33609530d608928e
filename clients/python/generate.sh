#!/usr/bin/env bash
# Generates the Python modules of Troupe's API from proto/src/main/proto into DIR (default:
# generated/ next to this script): troupe/v1/{troupe,chain}_pb2.py (messages) and
# troupe/v1/troupe_pb2_grpc.py (the TroupeStub). Uses Debian's protoc and gRPC plugin, which match
# Debian's python3-protobuf and python3-grpcio:
#   apt-get install -y python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/generated}"
protos="$here/../../proto/src/main/proto"
plugin="$(command -v grpc_python_plugin || true)"
if ! command -v protoc >/dev/null || [ -z "$plugin" ]; then
  echo "generate.sh: protoc and grpc_python_plugin are needed:" >&2
  echo "  apt-get install -y protobuf-compiler protobuf-compiler-grpc" >&2
  exit 2
fi
mkdir -p "$out"
protoc -I "$protos" --python_out="$out" --grpc_python_out="$out" \
  --plugin=protoc-gen-grpc_python="$plugin" troupe/v1/troupe.proto troupe/v1/chain.proto
echo "generated the troupe.v1 modules in $out"
