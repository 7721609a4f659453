#!/usr/bin/env bash
# `npm start`: sets everything up (scripts/setup.sh), then opens Slipway on a sample workspace in VS Code — the
# browser-based code-server, with this checkout's built extension installed — and prints the URL to open.
# Runs in the foreground until Ctrl-C.
#
# Usage: bash scripts/start.sh [--detach | --stop] [--check] [--no-setup] [--reset-sample]
#   --detach        leave code-server running in the background and print how to stop it
#   --stop          stop a code-server that --detach left running
#   --check         open the URL in headless Chromium, check that Slipway's three views show, save
#                   media/screenshots/slipway-views.png; then stop (or keep running with --detach)
#   --no-setup      skip scripts/setup.sh (when it already ran)
#   --reset-sample  recreate the sample workspace from test/fixtures/go-auth (discards changes made in it)
# Environment: PORT (default 8080), SLIPWAY_SAMPLE_DIR (default ~/slipway-sample),
#   SLIPWAY_START_DIR (code-server's settings, extensions and logs; default ~/.local/state/slipway/code-server)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"

DETACH=0 STOP=0 CHECK=0 SETUP=1 RESET=0
for a in "$@"; do
  case "$a" in
    --detach) DETACH=1 ;;
    --stop) STOP=1 ;;
    --check) CHECK=1 ;;
    --no-setup) SETUP=0 ;;
    --reset-sample) RESET=1 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "slipway start: unknown option $a (see --help)" >&2; exit 2 ;;
  esac
done

PORT=${PORT:-8080}
SAMPLE=${SLIPWAY_SAMPLE_DIR:-$HOME/slipway-sample}
STATE=${SLIPWAY_START_DIR:-$HOME/.local/state/slipway/code-server}
HOST_DIR=${SLIPWAY_HOST_DIR:-$HOME/.cache/slipway/vscode-host}
PIDFILE="$STATE/code-server.pid"
LOG="$STATE/code-server.log"

running_pid() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && cat "$PIDFILE"; }
stop_server() {
  local pid=$1
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
}

if [ "$STOP" = 1 ]; then
  if pid=$(running_pid); then stop_server "$pid"; echo "stopped code-server (pid $pid)"; else echo "no Slipway code-server is running"; fi
  exit 0
fi

if [ "$SETUP" = 1 ]; then bash scripts/setup.sh; fi
for f in dist/extension.js "$HOST_DIR/node_modules/code-server/out/node/entry.js"; do
  [ -e "$f" ] || { echo "slipway start: $f is missing; run without --no-setup (or: bash scripts/setup.sh)" >&2; exit 1; }
done

if pid=$(running_pid); then
  echo "slipway start: a Slipway code-server is already running (pid $pid); stop it with: bash scripts/start.sh --stop" >&2
  exit 1
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "slipway start: port $PORT is in use; pick another, e.g.: PORT=8081 npm start" >&2
  exit 1
fi

# The sample workspace: the fixture service as a fresh git repository, git-flow not initialised yet, so the
# Git Flow view offers to initialise it. Kept between runs (it is the user's playground) unless --reset-sample.
if [ "$RESET" = 1 ]; then rm -rf "$SAMPLE"; fi
if [ ! -d "$SAMPLE/.git" ]; then
  mkdir -p "$SAMPLE"
  cp -R test/fixtures/go-auth/. "$SAMPLE/"
  git -C "$SAMPLE" init -q -b master
  git -C "$SAMPLE" config user.name "${GIT_AUTHOR_NAME:-Slipway Sample}"
  git -C "$SAMPLE" config user.email "${GIT_AUTHOR_EMAIL:-sample@slipway.invalid}"
  git -C "$SAMPLE" add -A
  git -C "$SAMPLE" commit -q -m "Initial commit"
  echo "sample workspace created: $SAMPLE"
fi

# What runs on the clusters: the sample's stack (go-auth 1.0 + Redis, stack.yml) on prod-like and production,
# deployed by Slipway itself, so the Swarm Clusters view shows it running. A second start finds it running and says
# "nothing to do". The 1.0 image is built from the sample and pushed to the rig's registry once.
deploy_sample() {
  local registry=${SLIPWAY_RIG_REGISTRY:-localhost:5000}
  local image="$registry/go-auth:1.0"
  if ! curl -fsS -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "http://${registry/localhost/127.0.0.1}/v2/go-auth/manifests/1.0"; then
    docker build -q --build-arg APP_VERSION=1.0 -t "$image" "$SAMPLE" >/dev/null && docker push -q "$image" >/dev/null || return 1
  fi
  node dist/cli.js -C "$SAMPLE" deploy 1.0 --cluster prod-like || return 1
  node dist/cli.js -C "$SAMPLE" deploy 1.0 --cluster production --yes || return 1
}
if [ -f /run/slipway-rig/env ]; then set -a; . /run/slipway-rig/env; set +a; fi
if ! deploy_sample; then
  echo "slipway start: deploying the sample's stack (go-auth 1.0) failed (see above); the editor opens anyway" >&2
fi

# Install this checkout's extension into code-server as a folder link: a rebuild (npm run build) shows up on the
# next window reload, and no VSIX packaging is needed.
VERSION=$(node -p "require('./package.json').version")
mkdir -p "$STATE/extensions" "$STATE/user-data/User" "$STATE/tmp" "$STATE/xdg"
rm -f "$STATE"/extensions/slipway.slipway-* "$STATE/extensions/extensions.json"
ln -s "$REPO" "$STATE/extensions/slipway.slipway-$VERSION"
SETTINGS="$STATE/user-data/User/settings.json"
[ -f "$SETTINGS" ] || printf '{\n  "workbench.startupEditor": "none",\n  "git.autofetch": false\n}\n' >"$SETTINGS"

# Own process group (setsid), so stopping it also stops the extension host; XDG/TMPDIR keep its files in $STATE.
env EXTENSIONS_GALLERY='{}' XDG_CONFIG_HOME="$STATE/xdg/config" XDG_DATA_HOME="$STATE/xdg/data" \
  XDG_CACHE_HOME="$STATE/xdg/cache" XDG_STATE_HOME="$STATE/xdg/state" TMPDIR="$STATE/tmp" \
  setsid node "$HOST_DIR/node_modules/code-server/out/node/entry.js" \
  --auth none --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --bind-addr "127.0.0.1:$PORT" \
  --user-data-dir "$STATE/user-data" --extensions-dir "$STATE/extensions" \
  >"$LOG" 2>&1 </dev/null &
PID=$!
echo "$PID" >"$PIDFILE"
trap 'stop_server "$PID"; echo; echo "stopped code-server"; exit 130' INT TERM

for _ in $(seq 300); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
  kill -0 "$PID" 2>/dev/null || { echo "slipway start: code-server exited; its log:" >&2; tail -20 "$LOG" >&2; rm -f "$PIDFILE"; exit 1; }
  sleep 0.1
done
URL="http://127.0.0.1:$PORT/?folder=$SAMPLE"

if [ "$CHECK" = 1 ]; then
  status=0
  node scripts/vscode-host/check-workbench.mjs "$URL" --screenshot media/screenshots/slipway-views.png || status=$?
  if [ "$DETACH" = 0 ] || [ "$status" != 0 ]; then stop_server "$PID"; exit "$status"; fi
fi

echo
echo "Slipway is running in VS Code (code-server $(node -p "require('$HOST_DIR/node_modules/code-server/package.json').version")) on the sample workspace $SAMPLE"
echo "Open:  $URL"
echo "       (click the Slipway icon in the activity bar; logs: $LOG)"
if [ "$DETACH" = 1 ]; then
  trap - INT TERM
  echo "Stop:  bash scripts/start.sh --stop"
  exit 0
fi
echo "Press Ctrl-C to stop."
wait "$PID" || true
rm -f "$PIDFILE"
