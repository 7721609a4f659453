#!/usr/bin/env bash
# Prints the state of the Docker rig (scripts/rig/up.sh); exit 0 when every part answers, 1 otherwise.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=nodes.sh
. "$HERE/nodes.sh"
ok=0
line() { printf '%-30s %s\n' "$1" "$2"; }
check() { local what=$1; shift; if out=$("$@" 2>&1); then line "$what" "ok ${out//$'\n'/ }"; else line "$what" "DOWN"; ok=1; fi; }
in_ns() { local ns=$1; shift; if [ "$ns" = - ]; then "$@"; else nsenter --net="/run/netns/$ns" "$@"; fi; }
# nodes_ready HOST COUNT: the manager at HOST lists COUNT nodes, all ready and active
nodes_ready() {
  local out
  out=$(docker -H "$1" node ls --format '{{.Hostname}}:{{.Status}}:{{.Availability}}') || return 1
  echo "$out" | tr '\n' ' '
  [ "$(echo "$out" | grep -c ':Ready:Active$')" = "$2" ]
}
for l in "${RIG_NODES[@]}"; do
  node_fields "$l"
  check "engine $N_NAME" docker -H "$N_HOST" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})'
  check "swarm $N_NAME" docker -H "$N_HOST" info --format '{{.Swarm.LocalNodeState}} {{.Swarm.NodeAddr}} manager={{.Swarm.ControlAvailable}}'
  # shellcheck disable=SC2086
  check "images $N_NAME" docker -H "$N_HOST" image inspect --format '{{index .RepoTags 0}}' $BASE_IMAGES
  check "registry $N_NAME" in_ns "$N_NETNS" curl -sf --max-time 2 -o /dev/null -w '%{http_code}' http://127.0.0.1:5000/v2/
  [ "$N_ROLE" = manager ] && check "nodes of $N_CLUSTER" nodes_ready "$N_HOST" 3
done
check "env file" test -s "$RUN/env"
exit $ok
