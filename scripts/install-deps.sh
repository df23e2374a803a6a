#!/usr/bin/env bash
# Installs the system libraries pref links against (Debian/Ubuntu), only those missing.
set -euo pipefail
packages=(pkg-config libsqlite3-dev libzstd-dev libsnappy-dev zlib1g-dev liblz4-dev libbrotli-dev libopenblas-dev libssl-dev zstd bc)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "installing: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
