#!/usr/bin/env bash
# Installs the Debian 12 packages orderstream needs to build, run and test, if any is missing.
# Idempotent; run as root (or with sudo available). Nothing is downloaded at build time.
set -euo pipefail

packages=(
  cmake make g++ pkg-config
  libgrpc++-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev grpc-proto libabsl-dev
  libsqlite3-dev libcli11-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev
  clang-14 libclang-rt-14-dev  # libFuzzer and the sanitizers of scripts/fuzz.sh
  clang-format ccache
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}"
