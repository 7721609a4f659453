#!/usr/bin/env bash
# Installs the offline VS Code host used by the extension tests and `npm start`: code-server (a real VS Code server
# with its Node extension host) and playwright-core (drives the Debian Chromium that renders the workbench).
# See ../shared/notes/vscode-host.md for why each step is needed. Installs OUTSIDE the repo, once per machine:
#   ${SLIPWAY_HOST_DIR:-$HOME/.cache/slipway/vscode-host}
# Idempotent: a marker file records what was installed; a re-run with the same versions returns at once.
# Needs: node + npm, gcc/g++/make/python3, node headers in /usr/include/node, /usr/bin/rg, /usr/bin/chromium
# (scripts/install-packages.sh installs the Debian ones).
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_CORE_VERSION=1.65.1
HOST_DIR=${SLIPWAY_HOST_DIR:-$HOME/.cache/slipway/vscode-host}
# Native add-ons are built against the running node, so its ABI is part of what was installed.
STAMP="code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION node-abi@$(node -p process.versions.modules)"
MARKER="$HOST_DIR/.slipway-host-installed"

# Seconds since $1 (an $EPOCHREALTIME reading), one decimal.
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
t0=$EPOCHREALTIME

if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$STAMP" ]; then
  echo "VS Code host ready in $HOST_DIR ($STAMP; checked in $(elapsed "$t0") s)"
  exit 0
fi

for tool in rg chromium gcc make python3; do
  command -v "$tool" >/dev/null || { echo "slipway: vscode-host needs '$tool'; run: bash scripts/install-packages.sh" >&2; exit 1; }
done
[ -f /usr/include/node/node.h ] || { echo "slipway: vscode-host needs node headers in /usr/include/node (Debian: libnode-dev or the nodejs package from NodeSource)" >&2; exit 1; }

mkdir -p "$(dirname "$HOST_DIR")"
# One installer at a time per machine (helpers and CI may start setup together).
exec 9>"$HOST_DIR.lock"
flock 9
if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$STAMP" ]; then
  echo "VS Code host ready in $HOST_DIR (installed by a concurrent run)"
  exit 0
fi

# Build in a staging dir and move it into place at the end, so an interrupted install never looks finished.
STAGE="$HOST_DIR.partial"
rm -rf "$STAGE"
mkdir -p "$STAGE"
cd "$STAGE"
step() { printf '  %-58s' "$1"; s=$EPOCHREALTIME; }
done_() { echo "$(elapsed "$s") s"; }
quiet() { "$@" >"$STAGE/.step.log" 2>&1 || { echo "FAILED"; cat "$STAGE/.step.log" >&2; exit 1; }; }

echo "installing VS Code host ($STAMP) into $HOST_DIR"
echo '{"private":true}' >package.json
# --ignore-scripts: code-server's postinstall runs npm installs that download ripgrep, which cannot work offline.
step "npm install code-server, playwright-core"
quiet npm install --no-audit --no-fund --ignore-scripts "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_CORE_VERSION"
done_

# argon2 is hoisted to the top node_modules; code-server requires it at start-up.
step "build argon2 from source"
quiet npm rebuild argon2 --build-from-source --nodedir=/usr
[ -n "$(find node_modules/argon2 -name '*.node' -print -quit)" ] || { echo "FAILED (no argon2 .node built)"; exit 1; }
done_

VSCODE="$STAGE/node_modules/code-server/lib/vscode"
cd "$VSCODE"
# Without these runtime modules the workbench never finishes loading the extension host.
step "npm install lib/vscode runtime modules"
quiet npm install --no-audit --no-fund --omit=dev --ignore-scripts
done_

# npm's own node-gyp: no npx download, headers from /usr.
GYP="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
[ -f "$GYP" ] || GYP="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js"
for p in @vscode/spdlog native-watchdog; do
  step "node-gyp rebuild $p"
  (cd "node_modules/$p" && quiet node "$GYP" rebuild --nodedir=/usr -j "$(nproc)")
  done_
done

# Search and findFiles spawn @vscode/ripgrep's binary, whose download was skipped above.
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
# code-server's postinstall creates this; some built-in extensions look for modules there.
ln -sfn node_modules node_modules.asar

cd /
echo "$STAMP" >"$STAGE/.slipway-host-installed"
rm -f "$STAGE/.step.log"
rm -rf "$HOST_DIR"
mv "$STAGE" "$HOST_DIR"
echo "VS Code host installed in $HOST_DIR in $(elapsed "$t0") s ($(du -sh "$HOST_DIR" | cut -f1))"
