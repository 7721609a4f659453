#!/usr/bin/env bash
# Brings up Slipway's Docker rig, idempotently (as root, Debian, no systemd):
#   - containerd + dockerd on the default socket (only when `docker version` does not answer)
#   - cluster "prod-like":  the default engine as a single-node swarm, node label env=prod-like
#   - cluster "production": a second dockerd inside network namespace slipway-production,
#                           socket unix:///run/slipway-rig/production.sock, single-node swarm, node label env=production
#   - a registry (docker-registry) on 127.0.0.1:5000 on the host AND inside the netns, sharing one storage dir,
#     so localhost:5000/x@sha256:... is the same image for both engines
#   - base images built from local binaries, on both engines: slipway-rig/busybox:1 slipway-rig/node:20 slipway-rig/redis:7
# Writes /run/slipway-rig/env (shell variables tests read) and prints it. Tear down with scripts/rig/down.sh.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
RUN=/run/slipway-rig
LIB=/var/lib/slipway-rig
LOG=$LIB/logs
NETNS=slipway-production
NETNS_PATH=/run/netns/$NETNS
PROD_SOCK=$RUN/production.sock
PROD_HOST=unix://$PROD_SOCK
DEFAULT_HOST=unix:///var/run/docker.sock
CTRD_SOCK=/run/containerd/containerd.sock
REGISTRY=localhost:5000
BASE_IMAGES="slipway-rig/busybox:1 slipway-rig/node:20 slipway-rig/redis:7"

t_start=$(date +%s%N)
ms() { echo $(( ($(date +%s%N) - t_start) / 1000000 )); }
say() { printf 'rig: %s\n' "$*"; }
die() { printf 'rig: error: %s\n' "$*" >&2; exit 1; }
step_done() { printf 'rig: %-44s %6s ms\n' "$1" "$(ms)"; }

[ "$(id -u)" = 0 ] || die "must run as root (it starts dockerd, creates a network namespace)"
for bin in docker dockerd containerd ctr docker-registry busybox redis-server redis-cli nsenter ip curl setsid flock; do
  command -v "$bin" >/dev/null || die "missing $bin: run scripts/install-packages.sh"
done
mkdir -p "$RUN" "$LIB" "$LOG" "$LIB/registry"
# Helpers share the machine and each test run calls up.sh: serialise runs (daemons must not inherit fd 9, see spawn)
exec 9>"$RUN/lock"
flock -w 300 9 || die "another scripts/rig/up.sh or down.sh holds $RUN/lock for 300 s"

D() { docker -H "$DEFAULT_HOST" "$@"; }
P() { docker -H "$PROD_HOST" "$@"; }
in_netns() { nsenter --net="$NETNS_PATH" "$@"; }

# pid_alive PIDFILE NAME: the pid in PIDFILE is a live process whose comm is NAME (guards against pid reuse)
pid_alive() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(cat "$1" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] || return 1
  # a killed daemon whose parent does not reap it stays a zombie with the same comm
  ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null
}

# wait_until SECONDS DESCRIPTION CMD...: polls CMD every 0.1 s
wait_until() {
  local secs=$1 what=$2; shift 2
  local deadline=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# spawn PIDFILE LOGFILE CMD...: starts CMD detached in its own session (survives this shell's process group).
# PIDFILE "-" = the daemon writes its own pid file.
spawn() {
  local pidfile=$1 logfile=$2; shift 2
  printf '\n=== %s started by scripts/rig/up.sh: %s\n' "$(date -Is)" "$*" >>"$logfile"
  # Daemons outlive this script: they must not keep any descriptor it inherited open (fd 9 is our lock; a caller's
  # `flock FILE scripts/rig/up.sh` lock would otherwise be held by the registry or dockerd forever).
  (
    for fd in /proc/self/fd/*; do
      n=${fd##*/}
      [ "$n" -gt 2 ] 2>/dev/null && eval "exec $n>&-" 2>/dev/null
    done
    exec setsid "$@" </dev/null >>"$logfile" 2>&1
  ) &
  if [ "$pidfile" != - ]; then echo $! >"$pidfile"; fi
}

# --- 1. containerd (shared by both engines, separate namespaces) ---------------------------------------------
ctrd_ok() { [ -S "$CTRD_SOCK" ] && ctr --connect-timeout 1s --address "$CTRD_SOCK" version; }
if ! ctrd_ok >/dev/null 2>&1; then
  if pid_alive "$RUN/containerd.pid" containerd; then
    wait_until 10 containerd ctrd_ok || die "containerd (pid $(cat "$RUN/containerd.pid")) does not answer; see $LOG/containerd.log"
  else
    say "starting containerd"
    rm -f "$CTRD_SOCK" "$CTRD_SOCK.ttrpc"
    spawn "$RUN/containerd.pid" "$LOG/containerd.log" containerd
    wait_until 20 containerd ctrd_ok || die "containerd did not come up; see $LOG/containerd.log"
  fi
fi
step_done "containerd"

# --- 2. default engine (prod-like) -----------------------------------------------------------------------------
default_ok() { D version --format '{{.Server.Version}}'; }
if ! default_ok >/dev/null 2>&1; then
  if pid_alive /var/run/docker.pid dockerd; then
    say "dockerd (pid $(cat /var/run/docker.pid)) is running but not answering yet; waiting"
  else
    say "starting dockerd (default socket)"
    rm -f /var/run/docker.pid /var/run/docker.sock
    spawn - "$LOG/dockerd.log" dockerd --containerd="$CTRD_SOCK"   # pid file: /var/run/docker.pid
  fi
  wait_until 30 dockerd default_ok || die "the default dockerd does not answer on $DEFAULT_HOST; see $LOG/dockerd.log"
  # remember that the rig owns this dockerd, so down.sh may stop it (it never stops an engine it did not start)
  if [ -s /var/run/docker.pid ] && grep -q 'started by scripts/rig/up.sh' "$LOG/dockerd.log" 2>/dev/null; then
    cp /var/run/docker.pid "$RUN/dockerd.started"
  fi
fi
step_done "default engine"

# --- 3. production engine in its own network namespace -----------------------------------------------------------
netns_ok() { [ -e "$NETNS_PATH" ] && in_netns true; }
if ! netns_ok >/dev/null 2>&1; then
  say "creating network namespace $NETNS"
  ip netns del "$NETNS" >/dev/null 2>&1 || true
  rm -f "$NETNS_PATH" 2>/dev/null || true
  ip netns add "$NETNS"
fi
ip -n "$NETNS" link set lo up
prod_ok() { P version --format '{{.Server.Version}}'; }
if ! prod_ok >/dev/null 2>&1; then
  if pid_alive "$RUN/production.pid" dockerd; then
    say "production dockerd (pid $(cat "$RUN/production.pid")) is running but not answering yet; waiting"
  else
    say "starting production dockerd in netns $NETNS"
    rm -f "$RUN/production.pid" "$PROD_SOCK"
    mkdir -p "$LIB/production" "$RUN/production-exec"
    # nsenter --net (not `ip netns exec`, which remounts /sys and makes dockerd die: "Devices cgroup isn't mounted").
    # dockerd writes its own pid file ($RUN/production.pid)
    spawn - "$LOG/production-dockerd.log" \
      nsenter --net="$NETNS_PATH" dockerd \
        -H "$PROD_HOST" \
        --data-root "$LIB/production" \
        --exec-root "$RUN/production-exec" \
        --pidfile "$RUN/production.pid" \
        --containerd="$CTRD_SOCK" \
        --containerd-namespace slipway-production \
        --containerd-plugins-namespace slipway-production-plugins \
        --cgroup-parent /slipway-production
  fi
  wait_until 30 production-dockerd prod_ok || die "the production dockerd does not answer on $PROD_HOST; see $LOG/production-dockerd.log"
fi
step_done "production engine"

# --- 4. swarms ----------------------------------------------------------------------------------------------------
# ensure_swarm CLI LABEL: single-node swarm advertising 127.0.0.1 (of the engine's own netns), node label env=LABEL
ensure_swarm() {
  local cli=$1 label=$2 state deadline node
  state=$($cli info --format '{{.Swarm.LocalNodeState}}')
  deadline=$(( $(date +%s) + 20 ))
  while [ "$state" = pending ] && [ "$(date +%s)" -lt "$deadline" ]; do
    sleep 0.2; state=$($cli info --format '{{.Swarm.LocalNodeState}}')
  done
  case "$state" in
    active) ;;
    inactive)
      say "swarm init ($label)"
      $cli swarm init --advertise-addr 127.0.0.1 >/dev/null ;;
    *)
      say "swarm state of $label is '$state'; re-forming the single-node cluster from its own state"
      $cli swarm init --force-new-cluster --advertise-addr 127.0.0.1 >/dev/null ;;
  esac
  # the manager needs a moment after a restart before node commands answer
  node=$($cli info --format '{{.Swarm.NodeID}}')
  wait_until 20 "swarm manager $label" $cli node inspect "$node" --format '{{.ID}}' \
    || die "swarm on $label does not answer node commands"
  if [ "$($cli node inspect "$node" --format '{{index .Spec.Labels "env"}}')" != "$label" ]; then
    $cli node update --label-add "env=$label" "$node" >/dev/null
  fi
}
ensure_swarm "docker -H $DEFAULT_HOST" prod-like
ensure_swarm "docker -H $PROD_HOST" production
step_done "swarms"

# --- 5. registries (host + netns, one storage dir) ----------------------------------------------------------------
cat >"$LIB/registry.yml.tmp" <<EOF
# written by scripts/rig/up.sh — no auth, filesystem storage shared by the host and netns registries
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $LIB/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:5000
  secret: slipway-rig-shared-secret
EOF
if cmp -s "$LIB/registry.yml.tmp" "$LIB/registry.yml"; then rm -f "$LIB/registry.yml.tmp"; else mv "$LIB/registry.yml.tmp" "$LIB/registry.yml"; fi
reg_host_ok() { curl -sf --max-time 2 http://127.0.0.1:5000/v2/; }
reg_prod_ok() { in_netns curl -sf --max-time 2 http://127.0.0.1:5000/v2/; }
if ! reg_host_ok >/dev/null 2>&1; then
  if ! pid_alive "$RUN/registry.pid" docker-registry; then
    say "starting registry on host 127.0.0.1:5000"
    spawn "$RUN/registry.pid" "$LOG/registry.log" docker-registry serve "$LIB/registry.yml"
  fi
  wait_until 15 registry reg_host_ok || die "registry on host 127.0.0.1:5000 does not answer; see $LOG/registry.log"
fi
if ! reg_prod_ok >/dev/null 2>&1; then
  if ! pid_alive "$RUN/registry-production.pid" docker-registry; then
    say "starting registry in netns $NETNS on 127.0.0.1:5000"
    spawn "$RUN/registry-production.pid" "$LOG/registry-production.log" \
      nsenter --net="$NETNS_PATH" docker-registry serve "$LIB/registry.yml"
  fi
  wait_until 15 registry-production reg_prod_ok || die "registry in netns $NETNS does not answer; see $LOG/registry-production.log"
fi
step_done "registries"

# --- 6. base images -------------------------------------------------------------------------------------------------
# Each image carries label io.slipway.rig.hash = hash of its Dockerfile + the host binaries it packs, so a re-run
# only rebuilds when one of those changed. Contexts are staged under $LIB/build (binaries are not committed).
declare -A IMG_DIR=([slipway-rig/busybox:1]=busybox [slipway-rig/node:20]=node [slipway-rig/redis:7]=redis)
declare -A IMG_BINS=([slipway-rig/busybox:1]="" [slipway-rig/node:20]="/usr/bin/node" [slipway-rig/redis:7]="/usr/bin/redis-server /usr/bin/redis-cli")
busybox_bin=$(command -v busybox)
img_hash() {
  local img=$1 b
  {
    cat "$HERE/images/${IMG_DIR[$img]}/Dockerfile"
    for b in "$busybox_bin" ${IMG_BINS[$img]}; do stat -L -c '%n %s %Y' "$b"; done
  } | sha256sum | cut -c1-16
}
# labels_on CLI: prints "image hash" for each base image present on that engine
labels_on() {
  local cli=$1 img
  for img in $BASE_IMAGES; do
    printf '%s %s\n' "$img" "$($cli image inspect --format '{{index .Config.Labels "io.slipway.rig.hash"}}' "$img" 2>/dev/null || true)"
  done
}
stage_ctx() {
  local img=$1 ctx=$LIB/build/${IMG_DIR[$1]} b
  rm -rf "$ctx"; mkdir -p "$ctx/rootfs/bin"
  cp "$HERE/images/${IMG_DIR[$img]}/Dockerfile" "$ctx/Dockerfile"
  cp -L "$busybox_bin" "$ctx/rootfs/bin/busybox"
  for b in ${IMG_BINS[$img]}; do
    cp --parents -L "$b" "$ctx/rootfs/"
    ldd "$b" | grep -oE '/[^ ]+' | sort -u | while read -r lib; do cp --parents -L "$lib" "$ctx/rootfs/"; done
  done
  echo "$ctx"
}
declare -A WANT
for img in $BASE_IMAGES; do WANT[$img]=$(img_hash "$img"); done
built=()
while read -r img have; do
  if [ "$have" != "${WANT[$img]}" ]; then
    say "building $img"
    ctx=$(stage_ctx "$img")
    D build -q --label "io.slipway.rig.hash=${WANT[$img]}" -t "$img" "$ctx" </dev/null >"$LOG/build-${IMG_DIR[$img]}.log" 2>&1 \
      || { cat "$LOG/build-${IMG_DIR[$img]}.log" >&2; die "building $img failed"; }
    rm -rf "$ctx"
    built+=("$img")
  fi
done < <(labels_on "docker -H $DEFAULT_HOST")
step_done "base images on prod-like${built:+ (built ${built[*]})}"
to_copy=()
while read -r img have; do
  [ "$have" = "${WANT[$img]}" ] || to_copy+=("$img")
done < <(labels_on "docker -H $PROD_HOST")
if [ ${#to_copy[@]} -gt 0 ]; then
  say "copying ${to_copy[*]} to production"
  D save "${to_copy[@]}" | P load -q >/dev/null
fi
step_done "base images on production${to_copy:+ (copied ${to_copy[*]})}"
# dangling leftovers of rebuilt base images are ours to remove (only untagged images carrying our label)
for cli in "docker -H $DEFAULT_HOST" "docker -H $PROD_HOST"; do
  dangling=$($cli image ls -q --filter dangling=true --filter label=io.slipway.rig.hash)
  [ -z "$dangling" ] || $cli image rm $dangling >/dev/null 2>&1 || true
done

# --- 7. env file ----------------------------------------------------------------------------------------------------
prodlike_swarm=$(D info --format '{{.Swarm.Cluster.ID}}')
production_swarm=$(P info --format '{{.Swarm.Cluster.ID}}')
cat >"$RUN/env.tmp" <<EOF
SLIPWAY_RIG_PRODLIKE_HOST=$DEFAULT_HOST
SLIPWAY_RIG_PRODUCTION_HOST=$PROD_HOST
SLIPWAY_RIG_PRODUCTION_NETNS=$NETNS
SLIPWAY_RIG_REGISTRY=$REGISTRY
SLIPWAY_RIG_BASE_IMAGES="$BASE_IMAGES"
SLIPWAY_RIG_PRODLIKE_SWARM_ID=$prodlike_swarm
SLIPWAY_RIG_PRODUCTION_SWARM_ID=$production_swarm
SLIPWAY_RIG_STATE_DIR=$LIB
SLIPWAY_RIG_LOG_DIR=$LOG
EOF
mv "$RUN/env.tmp" "$RUN/env"
echo "# $RUN/env"
cat "$RUN/env"
say "up in $(ms) ms"
