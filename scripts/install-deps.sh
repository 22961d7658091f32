#!/usr/bin/env bash
# Installs every build and test dependency of hxctl from Debian 12 packages.
# Idempotent: packages already present are left alone.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libyaml-cpp-dev nlohmann-json3-dev libsqlitecpp-dev libsqlite3-dev
  libcurl4-openssl-dev libspdlog-dev libfmt-dev libcli11-dev catch2
  libcpp-httplib-dev libssl-dev libsodium-dev libsystemd-dev
  python3 python3-jsonschema python3-yaml sqlite3 clang-format
  iproute2 ufw systemd prometheus prometheus-blackbox-exporter curl wrk python3-grpcio
  lintian zsh man-db chromium chromium-driver cmark-gfm
  libpq-dev postgresql
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
