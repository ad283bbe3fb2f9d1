#!/usr/bin/env bash
# Installs the Debian 12 packages orderstream needs to build, run and test, if any is missing.
# Idempotent; run as root (or with sudo available). Nothing is downloaded at build time.
set -euo pipefail

packages=(
  cmake make g++ pkg-config
  libgrpc++-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev grpc-proto libabsl-dev
  libsqlite3-dev libcli11-dev prometheus-cpp-dev
  libpq-dev postgresql-15
  libssl-dev openssl
  libgtest-dev libgmock-dev
  clang-14 libclang-rt-14-dev  # libFuzzer and the sanitizers of scripts/fuzz.sh
  clang-format ccache
  # The Python example and its test (examples/python): Debian's gRPC for Python; protoc and
  # grpc_python_plugin, which generate its stubs, come with the compiler packages above.
  python3 python3-grpcio python3-protobuf
)
# buf and the Node.js example come from the npm registry (scripts/setup_npm.sh) and need Node.js
# and npm; a machine with Node.js from elsewhere (its own npm included) keeps it.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all packages present"
else
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi

bash "$(dirname "$0")/setup_npm.sh"
