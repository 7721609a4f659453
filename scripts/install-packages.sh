#!/usr/bin/env bash
# Debian packages Slipway's rig and tests use (unzip: the packaging test reads the .vsix). Skips apt entirely when all are present.
set -euo pipefail
PKGS=(docker.io docker-compose busybox-static redis-server docker-registry git git-flow chromium libkrb5-dev ripgrep hyperfine iproute2 curl unzip)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "all ${#PKGS[@]} packages present"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "slipway setup: missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed ${#missing[@]} packages"
