#!/usr/bin/env bash
# Prints the state of the Docker rig (scripts/rig/up.sh); exit 0 when every part answers, 1 otherwise.
set -uo pipefail
RUN=/run/slipway-rig
NETNS_PATH=/run/netns/slipway-production
BASE_IMAGES="slipway-rig/busybox:1 slipway-rig/node:20 slipway-rig/redis:7"
ok=0
line() { printf '%-28s %s\n' "$1" "$2"; }
check() { local what=$1; shift; if out=$("$@" 2>&1); then line "$what" "ok ${out//$'\n'/ }"; else line "$what" "DOWN"; ok=1; fi; }
for h in prod-like:unix:///var/run/docker.sock production:unix://$RUN/production.sock; do
  name=${h%%:*}; host=${h#*:}
  check "engine $name" docker -H "$host" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})'
  check "swarm $name" docker -H "$host" info --format '{{.Swarm.LocalNodeState}} {{.Swarm.Cluster.ID}} manager={{.Swarm.ControlAvailable}}'
  check "images $name" docker -H "$host" image inspect --format '{{index .RepoTags 0}}' $BASE_IMAGES
done
check "registry host" curl -sf --max-time 2 -o /dev/null -w '%{http_code}' http://127.0.0.1:5000/v2/
check "registry production netns" nsenter --net="$NETNS_PATH" curl -sf --max-time 2 -o /dev/null -w '%{http_code}' http://127.0.0.1:5000/v2/
check "env file" test -s "$RUN/env"
exit $ok
