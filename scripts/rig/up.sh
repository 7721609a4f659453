#!/usr/bin/env bash
# Brings up Slipway's Docker rig, idempotently (as root, Debian, no systemd). Two three-node Swarm clusters, like
# the seeds' environment (see scripts/rig/nodes.sh for the table):
#   - cluster "prod-like":  manager prod-like-1 = the default engine (unix:///var/run/docker.sock), workers
#                           prod-like-2/3 in network namespaces slipway-prod-like-2/3, labelled env=prod-like
#   - cluster "production": manager production-1 in netns slipway-production (unix:///run/slipway-rig/production.sock),
#                           workers production-2/3 in slipway-production-2/3, labelled env=production
#   - one containerd shared by the six dockerd (a containerd namespace each); each engine has its own hostname (UTS
#     namespace) so `docker node ls` tells the nodes apart
#   - the nodes of a cluster are joined by a bridge inside netns slipway-links (10.88.1.0/24, 10.88.2.0/24), so swarm
#     control traffic and overlay networks (VXLAN) cross nodes; the two clusters cannot reach each other
#   - a registry (docker-registry) on 127.0.0.1:5000 in every engine's network namespace, all on one storage dir,
#     so localhost:5000/x@sha256:... is the same image for every engine
#   - base images built from local binaries on prod-like-1 and loaded into every engine:
#     slipway-rig/busybox:1 slipway-rig/node:20 slipway-rig/redis:7
# Writes /run/slipway-rig/env (shell variables tests read) and prints it. Tear down with scripts/rig/down.sh.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=nodes.sh
. "$HERE/nodes.sh"

t_start=$(date +%s%N)
ms() { echo $(( ($(date +%s%N) - t_start) / 1000000 )); }
say() { printf 'rig: %s\n' "$*"; }
die() { printf 'rig: error: %s\n' "$*" >&2; exit 1; }
step_done() { printf 'rig: %-44s %6s ms\n' "$1" "$(ms)"; }

[ "$(id -u)" = 0 ] || die "must run as root (it starts dockerd, creates network namespaces)"
for bin in docker dockerd containerd ctr docker-registry busybox redis-server redis-cli nsenter unshare hostname ip curl setsid flock; do
  command -v "$bin" >/dev/null || die "missing $bin: run scripts/install-packages.sh"
done
mkdir -p "$RUN" "$LIB" "$LOG" "$LIB/registry"
# Helpers share the machine and each test run calls up.sh: serialise runs (daemons must not inherit fd 9, see spawn)
exec 9>"$RUN/lock"
flock -w 300 9 || die "another scripts/rig/up.sh or down.sh holds $RUN/lock for 300 s"

D() { docker -H "$DEFAULT_HOST" "$@"; }
# in_ns NETNS CMD...: runs CMD in NETNS ("-" = the host's)
in_ns() { local ns=$1; shift; if [ "$ns" = - ]; then "$@"; else nsenter --net="/run/netns/$ns" "$@"; fi; }

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
# "${WITH_HOSTNAME[@]}" NAME CMD...: runs CMD in a new UTS namespace whose hostname is NAME (swarm node names)
WITH_HOSTNAME=(unshare --uts -- sh -c 'hostname "$0" && exec "$@"')

# --- 1. containerd (shared by every engine, a containerd namespace each) --------------------------------------
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

# --- 2. network namespaces and links -----------------------------------------------------------------------------
ns_ok() { [ -e "/run/netns/$1" ] && nsenter --net="/run/netns/$1" true; }
ensure_netns() {
  if ! ns_ok "$1" >/dev/null 2>&1; then
    say "creating network namespace $1"
    ip netns del "$1" >/dev/null 2>&1 || true
    rm -f "/run/netns/$1" 2>/dev/null || true
    ip netns add "$1"
  fi
  ip -n "$1" link set lo up
}
ensure_netns "$LINKS_NETNS"
for br in "${RIG_BRIDGE[@]}"; do
  ip -n "$LINKS_NETNS" link show "$br" >/dev/null 2>&1 || ip -n "$LINKS_NETNS" link add "$br" type bridge
  ip -n "$LINKS_NETNS" link set "$br" up
done
for line in "${RIG_NODES[@]}"; do
  node_fields "$line"
  if [ "$N_NETNS" = - ]; then inner=slipway-$N_LINK; ipn=(ip); else ensure_netns "$N_NETNS"; inner=$RIG_IFACE; ipn=(ip -n "$N_NETNS"); fi
  # both ends present, or neither (a deleted netns takes its end with it)
  if ! { "${ipn[@]}" link show "$inner" >/dev/null 2>&1 && ip -n "$LINKS_NETNS" link show "$N_LINK" >/dev/null 2>&1; }; then
    "${ipn[@]}" link del "$inner" >/dev/null 2>&1 || true
    ip -n "$LINKS_NETNS" link del "$N_LINK" >/dev/null 2>&1 || true
    if [ "$N_NETNS" = - ]; then
      ip link add "$inner" type veth peer name "$N_LINK" netns "$LINKS_NETNS"
    else
      ip link add "$inner" netns "$N_NETNS" type veth peer name "$N_LINK" netns "$LINKS_NETNS"
    fi
  fi
  ip -n "$LINKS_NETNS" link set "$N_LINK" master "${RIG_BRIDGE[$N_CLUSTER]}" up
  "${ipn[@]}" addr replace "$N_ADDR/24" dev "$inner"
  "${ipn[@]}" link set "$inner" up
done
step_done "network namespaces and links"

# --- 3. engines ---------------------------------------------------------------------------------------------------
engine_ok() { docker -H "$1" version --format '{{.Server.Version}}'; }
started=()
# stop_engine PIDFILE: SIGTERM a dockerd the rig started and wait until it is gone (dockerd stops its containers)
stop_engine() {
  local pid; pid=$(cat "$1" 2>/dev/null) || return 0
  pid_alive "$1" dockerd || return 0
  kill -TERM "$pid"
  wait_until 30 "dockerd $pid to stop" sh -c "! kill -0 $pid 2>/dev/null || grep -q '^State:.*Z' /proc/$pid/status" || kill -KILL "$pid"
}
for line in "${RIG_NODES[@]}"; do
  node_fields "$line"
  if engine_ok "$N_HOST" >/dev/null 2>&1; then
    name=$(docker -H "$N_HOST" info --format '{{.Name}}' 2>/dev/null || true)
    [ "$name" != "$N_NAME" ] || continue
    # an engine an older up.sh started (no hostname of its own): restart it, if the rig owns it
    if [ "$N_NETNS" = - ]; then
      [ -s "$RUN/dockerd.started" ] && [ "$(cat "$RUN/dockerd.started")" = "$(cat /var/run/docker.pid 2>/dev/null)" ] || continue
      say "restarting dockerd $N_NAME (hostname '$name')"; stop_engine /var/run/docker.pid
    else
      say "restarting dockerd $N_NAME (hostname '$name')"; stop_engine "$RUN/$N_KEY.pid"
    fi
  fi
  if [ "$N_NETNS" = - ]; then
    # the default engine: started only when nothing answers on the default socket
    if pid_alive /var/run/docker.pid dockerd; then
      say "dockerd (pid $(cat /var/run/docker.pid)) is running but not answering yet; waiting"
    else
      say "starting dockerd $N_NAME (default socket)"
      rm -f /var/run/docker.pid /var/run/docker.sock
      spawn - "$LOG/dockerd.log" "${WITH_HOSTNAME[@]}" "$N_NAME" dockerd --containerd="$CTRD_SOCK"   # pid file: /var/run/docker.pid
      started+=("$N_NAME")
    fi
  else
    if pid_alive "$RUN/$N_KEY.pid" dockerd; then
      say "dockerd $N_NAME (pid $(cat "$RUN/$N_KEY.pid")) is running but not answering yet; waiting"
    else
      say "starting dockerd $N_NAME in netns $N_NETNS"
      rm -f "$RUN/$N_KEY.pid" "$N_SOCK"
      mkdir -p "$LIB/$N_KEY" "$RUN/$N_KEY-exec"
      # nsenter --net (not `ip netns exec`, which remounts /sys and makes dockerd die: "Devices cgroup isn't mounted").
      # dockerd writes its own pid file.
      spawn - "$LOG/$N_KEY-dockerd.log" nsenter --net="/run/netns/$N_NETNS" "${WITH_HOSTNAME[@]}" "$N_NAME" dockerd \
          -H "$N_HOST" --data-root "$LIB/$N_KEY" --exec-root "$RUN/$N_KEY-exec" --pidfile "$RUN/$N_KEY.pid" \
          --containerd="$CTRD_SOCK" --containerd-namespace "slipway-$N_KEY" \
          --containerd-plugins-namespace "slipway-$N_KEY-plugins" --cgroup-parent "/slipway-$N_KEY"
      started+=("$N_NAME")
    fi
  fi
done
for line in "${RIG_NODES[@]}"; do
  node_fields "$line"
  logf=$LOG/$N_KEY-dockerd.log; [ "$N_NETNS" = - ] && logf=$LOG/dockerd.log
  wait_until 30 "dockerd $N_NAME" engine_ok "$N_HOST" || die "dockerd $N_NAME does not answer on $N_HOST; see $logf"
  if [ "$N_NETNS" = - ] && [ -s /var/run/docker.pid ] && [[ " ${started[*]:-} " == *" $N_NAME "* ]]; then
    # remember that the rig owns this dockerd, so down.sh may stop it (it never stops an engine it did not start)
    cp /var/run/docker.pid "$RUN/dockerd.started"
  fi
done
step_done "engines${started:+ (started ${started[*]})}"

# --- 4. swarms ----------------------------------------------------------------------------------------------------
swarm_state() {
  local cli=$1 state deadline=$(( $(date +%s) + 20 ))
  state=$($cli info --format '{{.Swarm.LocalNodeState}}')
  while [ "$state" = pending ] && [ "$(date +%s)" -lt "$deadline" ]; do
    sleep 0.2; state=$($cli info --format '{{.Swarm.LocalNodeState}}')
  done
  echo "$state"
}
# ensure_manager CLI NAME ADDR: an active manager whose raft address is ADDR:2377. A swarm from the older
# single-node rig (raft address 127.0.0.1:2377) is left and created anew: `swarm init --force-new-cluster
# --advertise-addr` changes the node address but keeps the raft address, and workers then fail to reach 127.0.0.1.
ensure_manager() {
  local cli=$1 name=$2 addr=$3 state node raft
  state=$(swarm_state "$cli")
  if [ "$state" = active ]; then
    raft=$($cli node inspect self --format '{{if .ManagerStatus}}{{.ManagerStatus.Addr}}{{end}}' 2>/dev/null || true)
    if [ "$raft" != "$addr:2377" ] || [ "$($cli info --format '{{.Swarm.ControlAvailable}}')" != true ]; then
      say "re-creating the swarm of $name: its manager address is '${raft:-none}', not $addr:2377 (what ran on it is gone)"
      $cli swarm leave --force >/dev/null
      state=inactive
    fi
  elif [ "$state" != inactive ]; then
    say "swarm state of $name is '$state'; re-creating it"
    $cli swarm leave --force >/dev/null 2>&1 || true
    state=inactive
  fi
  if [ "$state" = inactive ]; then
    say "swarm init on $name ($addr)"
    $cli swarm init --advertise-addr "$addr" --listen-addr "$addr:2377" >/dev/null
  fi
  node=$($cli info --format '{{.Swarm.NodeID}}')
  wait_until 20 "swarm manager $name" $cli node inspect "$node" --format '{{.ID}}' \
    || die "swarm on $name does not answer node commands"
}
# the node's ID as its manager knows it, when the worker is part of that manager's cluster and ready
worker_known() {
  local mgr=$1 wcli=$2 id
  [ "$(swarm_state "$wcli")" = active ] || return 1
  id=$($wcli info --format '{{.Swarm.NodeID}}')
  [ -n "$id" ] && [ "$($mgr node inspect "$id" --format '{{.Status.State}}' 2>/dev/null)" = ready ]
}
declare -A MGR_CLI MGR_ADDR
for line in "${RIG_NODES[@]}"; do
  node_fields "$line"
  [ "$N_ROLE" = manager ] || continue
  ensure_manager "docker -H $N_HOST" "$N_NAME" "$N_ADDR"
  MGR_CLI[$N_CLUSTER]="docker -H $N_HOST"; MGR_ADDR[$N_CLUSTER]=$N_ADDR
  # managers run the CD tasks: they do not carry the env label services are constrained to
  mid=$(docker -H "$N_HOST" info --format '{{.Swarm.NodeID}}')
  if [ -n "$(docker -H "$N_HOST" node inspect "$mid" --format '{{index .Spec.Labels "env"}}')" ]; then
    docker -H "$N_HOST" node update --label-rm env "$mid" >/dev/null
  fi
done
joined=()
for line in "${RIG_NODES[@]}"; do
  node_fields "$line"
  [ "$N_ROLE" = worker ] || continue
  mgr=${MGR_CLI[$N_CLUSTER]}; wcli="docker -H $N_HOST"
  if ! worker_known "$mgr" "$wcli" 2>/dev/null; then
    say "joining $N_NAME to $N_CLUSTER"
    [ "$(swarm_state "$wcli")" = inactive ] || $wcli swarm leave --force >/dev/null 2>&1 || true
    $wcli swarm join --token "$($mgr swarm join-token -q worker)" --advertise-addr "$N_ADDR" --listen-addr "$N_ADDR:2377" \
      "${MGR_ADDR[$N_CLUSTER]}:2377" >/dev/null
    joined+=("$N_NAME")
  fi
done
for line in "${RIG_NODES[@]}"; do
  node_fields "$line"
  [ "$N_ROLE" = worker ] || continue
  mgr=${MGR_CLI[$N_CLUSTER]}; wcli="docker -H $N_HOST"
  wait_until 30 "$N_NAME ready" worker_known "$mgr" "$wcli" || die "worker $N_NAME is not ready in $N_CLUSTER; see its dockerd log"
  id=$($wcli info --format '{{.Swarm.NodeID}}')
  if [ "$($mgr node inspect "$id" --format '{{index .Spec.Labels "env"}}')" != "$N_CLUSTER" ]; then
    $mgr node update --label-add "env=$N_CLUSTER" "$id" >/dev/null
  fi
done
# a worker that re-joined leaves its old node entry behind as "down": remove those, so each cluster lists 3 nodes
for cluster in "${!MGR_CLI[@]}"; do
  mgr=${MGR_CLI[$cluster]}
  live_ids=" "
  for line in "${RIG_NODES[@]}"; do
    node_fields "$line"; [ "$N_CLUSTER" = "$cluster" ] || continue
    live_ids+="$(docker -H "$N_HOST" info --format '{{.Swarm.NodeID}}') "
  done
  for id in $($mgr node ls -q); do
    [[ "$live_ids" == *" $id "* ]] || $mgr node rm --force "$id" >/dev/null 2>&1 || true
  done
done
step_done "swarms${joined:+ (joined ${joined[*]})}"

# --- 5. registries (one per network namespace, one storage dir) --------------------------------------------------
cat >"$LIB/registry.yml.tmp" <<EOC
# written by scripts/rig/up.sh — no auth, filesystem storage shared by every engine's registry
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
EOC
. "$HERE/agent-webhook.sh"; rig_agent_notifications "$LIB" >>"$LIB/registry.yml.tmp"
if cmp -s "$LIB/registry.yml.tmp" "$LIB/registry.yml"; then rm -f "$LIB/registry.yml.tmp"; else mv "$LIB/registry.yml.tmp" "$LIB/registry.yml"; fi
rig_restart_registries_on_new_config "$RUN" "$LIB/registry.yml"
reg_ok() { in_ns "$1" curl -sf --max-time 2 http://127.0.0.1:5000/v2/; }
namespaces=(-)
for line in "${RIG_NODES[@]}"; do node_fields "$line"; [ "$N_NETNS" = - ] || namespaces+=("$N_NETNS"); done
for ns in "${namespaces[@]}"; do
  reg_ok "$ns" >/dev/null 2>&1 && continue
  pidf=$(registry_pidfile "$ns")
  if ! pid_alive "$pidf" docker-registry; then
    where=host; [ "$ns" = - ] || where="netns $ns"
    say "starting registry in $where on 127.0.0.1:5000"
    logf=$LOG/$(basename "$pidf" .pid).log
    if [ "$ns" = - ]; then spawn "$pidf" "$logf" docker-registry serve "$LIB/registry.yml"
    else spawn "$pidf" "$logf" nsenter --net="/run/netns/$ns" docker-registry serve "$LIB/registry.yml"; fi
  fi
done
for ns in "${namespaces[@]}"; do
  wait_until 15 registry reg_ok "$ns" || die "the registry in netns $ns does not answer on 127.0.0.1:5000; see $LOG"
done
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
# every other engine gets them with one `docker save` and a `docker load` each (no pulls, no registry round trip)
to_load=()
for line in "${RIG_NODES[@]}"; do
  node_fields "$line"
  [ "$N_HOST" = "$DEFAULT_HOST" ] && continue
  missing=()
  while read -r img have; do [ "$have" = "${WANT[$img]}" ] || missing+=("$img"); done < <(labels_on "docker -H $N_HOST")
  [ ${#missing[@]} -eq 0 ] || to_load+=("$N_NAME=$N_HOST")
done
if [ ${#to_load[@]} -gt 0 ]; then
  say "loading base images into ${to_load[*]%%=*}"
  # shellcheck disable=SC2086
  D save -o "$LIB/base-images.tar" $BASE_IMAGES
  # (wait for these pids only: a bare `wait` would also wait for the daemons spawned above)
  loads=()
  for nh in "${to_load[@]}"; do docker -H "${nh#*=}" load -q -i "$LIB/base-images.tar" >/dev/null & loads+=($!); done
  for pid in "${loads[@]}"; do wait "$pid" || die "loading the base images into an engine failed"; done
  rm -f "$LIB/base-images.tar"
fi
step_done "base images on every engine"
# dangling leftovers of rebuilt base images are ours to remove (only untagged images carrying our label)
for line in "${RIG_NODES[@]}"; do
  node_fields "$line"
  dangling=$(docker -H "$N_HOST" image ls -q --filter dangling=true --filter label=io.slipway.rig.hash)
  [ -z "$dangling" ] || docker -H "$N_HOST" image rm $dangling >/dev/null 2>&1 || true
done

# --- 7. env file ----------------------------------------------------------------------------------------------------
prodlike_swarm=$(D info --format '{{.Swarm.Cluster.ID}}')
production_swarm=$(docker -H "$PROD_HOST" info --format '{{.Swarm.Cluster.ID}}')
# SLIPWAY_RIG_NODES: one word per engine, fields joined by ",": name,cluster,role,host,netns(- = host's),address,link
# (link = its port on the cluster's bridge in netns $LINKS_NETNS: `ip -n $LINKS_NETNS link set LINK down` cuts it)
nodes_var="" pl_workers="" pl_worker_ns="" pr_workers="" pr_worker_ns=""
for line in "${RIG_NODES[@]}"; do
  node_fields "$line"
  nodes_var+="${nodes_var:+ }$N_NAME,$N_CLUSTER,$N_ROLE,$N_HOST,$N_NETNS,$N_ADDR,$N_LINK"
  if [ "$N_ROLE" = worker ] && [ "$N_CLUSTER" = prod-like ]; then pl_workers+="${pl_workers:+ }$N_HOST"; pl_worker_ns+="${pl_worker_ns:+ }$N_NETNS"; fi
  if [ "$N_ROLE" = worker ] && [ "$N_CLUSTER" = production ]; then pr_workers+="${pr_workers:+ }$N_HOST"; pr_worker_ns+="${pr_worker_ns:+ }$N_NETNS"; fi
done
cat >"$RUN/env.tmp" <<EOC
SLIPWAY_RIG_PRODLIKE_HOST=$DEFAULT_HOST
SLIPWAY_RIG_PRODUCTION_HOST=$PROD_HOST
SLIPWAY_RIG_PRODUCTION_NETNS=slipway-production
SLIPWAY_RIG_REGISTRY=$REGISTRY
SLIPWAY_RIG_BASE_IMAGES="$BASE_IMAGES"
SLIPWAY_RIG_PRODLIKE_SWARM_ID=$prodlike_swarm
SLIPWAY_RIG_PRODUCTION_SWARM_ID=$production_swarm
SLIPWAY_RIG_PRODLIKE_WORKER_HOSTS="$pl_workers"
SLIPWAY_RIG_PRODLIKE_WORKER_NETNS="$pl_worker_ns"
SLIPWAY_RIG_PRODUCTION_WORKER_HOSTS="$pr_workers"
SLIPWAY_RIG_PRODUCTION_WORKER_NETNS="$pr_worker_ns"
SLIPWAY_RIG_NODES="$nodes_var"
SLIPWAY_RIG_LINKS_NETNS=$LINKS_NETNS
SLIPWAY_RIG_STATE_DIR=$LIB
SLIPWAY_RIG_LOG_DIR=$LOG
EOC
mv "$RUN/env.tmp" "$RUN/env"
echo "# $RUN/env"
cat "$RUN/env"
say "up in $(ms) ms"
