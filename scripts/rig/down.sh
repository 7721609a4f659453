#!/usr/bin/env bash
# Tears down what scripts/rig/up.sh started, by pid (never by name): the registries, the five engines in network
# namespaces and those namespaces (incl. slipway-links), and — only when up.sh started them — the default dockerd
# and containerd. On-disk state (base images, swarm state, registry data) is kept, so the next up.sh is fast.
#   --purge   also forget the state: leave every swarm, remove the base images from the default engine,
#             and delete /var/lib/slipway-rig (engine data, registry storage, logs).
# Other helpers share the rig: only run this when nobody is using it.
set -euo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=nodes.sh
. "$HERE/nodes.sh"
purge=0
for a in "$@"; do
  case "$a" in
    --purge) purge=1 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
# stop PIDFILE NAME SECONDS: SIGTERM the pid in PIDFILE (if it is NAME), wait until it exits, SIGKILL as a last resort.
# A paused (SIGSTOPped) daemon is continued first, or it would never see the SIGTERM.
stop() {
  local pidfile=$1 name=$2 secs=$3 pid deadline
  [ -s "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if live "$pid" "$name"; then
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    kill -CONT "$pid" 2>/dev/null || true
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
# stop_all "PIDFILE NAME SECS"...: stops them in parallel (each dockerd takes seconds to stop its containers)
stop_all() {
  local spec pids=()
  for spec in "$@"; do
    # shellcheck disable=SC2086
    stop $spec &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
}

if [ $purge = 1 ]; then
  # workers first, then managers
  for role in worker manager; do
    for line in "${RIG_NODES[@]}"; do
      node_fields "$line"
      [ "$N_ROLE" = $role ] || continue
      docker -H "$N_HOST" version >/dev/null 2>&1 || continue
      docker -H "$N_HOST" swarm leave --force >/dev/null 2>&1 || true
      # shellcheck disable=SC2086
      [ "$N_NETNS" != - ] || docker -H "$N_HOST" image rm $BASE_IMAGES >/dev/null 2>&1 || true
    done
  done
fi

regs=("$(registry_pidfile -) docker-registry 10")
engines=()
for line in "${RIG_NODES[@]}"; do
  node_fields "$line"
  [ "$N_NETNS" != - ] || continue
  regs+=("$(registry_pidfile "$N_NETNS") docker-registry 10")
  engines+=("$RUN/$N_KEY.pid dockerd 30")   # dockerd stops its containers on SIGTERM
done
stop_all "${regs[@]}"
stop_all "${engines[@]}"
for line in "${RIG_NODES[@]}"; do
  node_fields "$line"
  [ "$N_NETNS" != - ] || continue
  rm -f "$N_SOCK"
  if ip netns list | grep -qw "$N_NETNS"; then ip netns del "$N_NETNS"; fi
done
# the host's ends of the links go with the links namespace
if ip netns list | grep -qw "$LINKS_NETNS"; then ip netns del "$LINKS_NETNS"; fi
say "deleted the rig's network namespaces"
if [ -s "$RUN/dockerd.started" ]; then
  # up.sh started the default engine: stop it (pid file of dockerd itself)
  if [ "$(cat "$RUN/dockerd.started")" = "$(cat /var/run/docker.pid 2>/dev/null)" ]; then stop /var/run/docker.pid dockerd 30; fi
  rm -f "$RUN/dockerd.started"
fi
stop "$RUN/containerd.pid" containerd 15

if [ $purge = 1 ]; then
  # overlay mounts of the engines can outlive a hard-killed dockerd
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
