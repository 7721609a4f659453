#!/usr/bin/env bash
# Tears down what scripts/rig/up.sh started, by pid (never by name):
#   registries (host + netns), the production dockerd and its network namespace, and — only when up.sh started
#   them — the default dockerd and containerd. On-disk state (base images, swarm state, registry data) is kept,
#   so the next up.sh is fast.
#   --purge   also forget the state: leave both swarms, remove the base images from the default engine,
#             and delete /var/lib/slipway-rig (production engine data, registry storage, logs).
# Other helpers share the rig: only run this when nobody is using it.
set -euo pipefail
export LC_ALL=C
RUN=/run/slipway-rig
LIB=/var/lib/slipway-rig
NETNS=slipway-production
NETNS_PATH=/run/netns/$NETNS
PROD_HOST=unix://$RUN/production.sock
DEFAULT_HOST=unix:///var/run/docker.sock
BASE_IMAGES="slipway-rig/busybox:1 slipway-rig/node:20 slipway-rig/redis:7"
purge=0
for a in "$@"; do
  case "$a" in
    --purge) purge=1 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: $0 [--purge]" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "rig: error: must run as root" >&2; exit 1; }
say() { printf 'rig: %s\n' "$*"; }
t0=$(date +%s%N)
if [ -d "$RUN" ]; then exec 9>"$RUN/lock"; flock -w 300 9 || { echo "rig: error: $RUN/lock is held" >&2; exit 1; }; fi

# live PID NAME: process exists, is not a zombie, and its comm is NAME
live() {
  [ -n "$1" ] && [ -r "/proc/$1/comm" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] \
    && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}
# gone PID: the process has exited (a zombie nobody reaps counts as exited)
gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
# stop PIDFILE NAME SECONDS: SIGTERM the pid in PIDFILE (if it is NAME), wait until it exits, SIGKILL as a last resort
stop() {
  local pidfile=$1 name=$2 secs=$3 pid deadline
  [ -s "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if live "$pid" "$name"; then
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$(( $(date +%s) + secs ))
    until gone "$pid"; do
      if [ "$(date +%s)" -ge "$deadline" ]; then
        say "$name (pid $pid) ignored SIGTERM for ${secs}s; killing"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
  fi
  rm -f "$pidfile"
}

prod_up=0
docker -H "$PROD_HOST" version >/dev/null 2>&1 && prod_up=1
default_up=0
docker -H "$DEFAULT_HOST" version >/dev/null 2>&1 && default_up=1

if [ $purge = 1 ]; then
  if [ $prod_up = 1 ]; then docker -H "$PROD_HOST" swarm leave --force >/dev/null 2>&1 || true; fi
  if [ $default_up = 1 ]; then
    docker -H "$DEFAULT_HOST" swarm leave --force >/dev/null 2>&1 || true
    # shellcheck disable=SC2086
    docker -H "$DEFAULT_HOST" image rm $BASE_IMAGES >/dev/null 2>&1 || true
  fi
fi

stop "$RUN/registry-production.pid" docker-registry 10
stop "$RUN/registry.pid" docker-registry 10
stop "$RUN/production.pid" dockerd 30          # dockerd stops its containers on SIGTERM
rm -f "$RUN/production.sock"
if ip netns list | grep -qw "$NETNS"; then say "deleting network namespace $NETNS"; ip netns del "$NETNS"; fi
if [ -s "$RUN/dockerd.started" ]; then
  # up.sh started the default engine: stop it (pid file of dockerd itself)
  if [ "$(cat "$RUN/dockerd.started")" = "$(cat /var/run/docker.pid 2>/dev/null)" ]; then stop /var/run/docker.pid dockerd 30; fi
  rm -f "$RUN/dockerd.started"
fi
stop "$RUN/containerd.pid" containerd 15

if [ $purge = 1 ]; then
  # overlay mounts of the production engine can outlive a hard-killed dockerd
  if command -v findmnt >/dev/null; then
    findmnt -rn -o TARGET | grep -E "^($LIB|$RUN)/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  fi
  say "removing $LIB and $RUN"
  # contents first: either directory may be a mount point
  find "$LIB" "$RUN" -mindepth 1 -delete 2>/dev/null || rm -rf "${LIB:?}"/* "${RUN:?}"/*
  rmdir "$LIB" "$RUN" 2>/dev/null || true
else
  rm -f "$RUN/env"
fi
say "down in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
