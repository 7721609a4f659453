#!/usr/bin/env bash
# Installs and starts everything Slipway's tests and demo need, idempotently:
#   1. Debian packages (Docker engine, compose v1, git-flow AVH, Chromium, …)   scripts/install-packages.sh
#   2. npm dependencies                                                         npm ci
#   3. the Docker rig: engine, two swarm clusters, registry, base images        scripts/rig/up.sh
#   4. the VS Code host (code-server + Chromium driver) for extension tests      scripts/vscode-host/install.sh
# Safe to run again: each step checks before it acts. Needs root for steps 1 and 3 (as on the CI machines).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n--- setup: %s\n' "$*"; }
t0=$(date +%s)

step "Debian packages"
bash scripts/install-packages.sh

step "npm dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --prefer-offline   # cached metadata first: faster, and a warm cache needs no network
else
  echo "node_modules is up to date"
fi

step "Docker rig"
bash scripts/rig/up.sh

step "VS Code host"
bash scripts/vscode-host/install.sh

step "build"
npm run --silent build
npm run --silent compile-tests

echo "setup done in $(( $(date +%s) - t0 )) s"
