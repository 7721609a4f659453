#!/usr/bin/env bash
# Part of selftest.sh (runs inside its namespaces): on each cluster, an attachable overlay network, a container on
# each worker, and the first reaches the second by name across the link; then removes them.
set -euo pipefail
. /run/slipway-rig/env
for cluster in PRODLIKE PRODUCTION; do
  mgr_var=SLIPWAY_RIG_${cluster}_HOST; workers_var=SLIPWAY_RIG_${cluster}_WORKER_HOSTS
  mgr=${!mgr_var}; read -r w1 w2 <<<"${!workers_var}"
  net=selftest-overlay
  docker -H "$mgr" network create -d overlay --attachable "$net" >/dev/null
  docker -H "$w2" run -d --rm --name selftest-b --network "$net" slipway-rig/busybox:1 sleep 60 >/dev/null
  out=$(docker -H "$w1" run --rm --name selftest-a --network "$net" slipway-rig/busybox:1 ping -c 1 -W 5 selftest-b)
  docker -H "$w2" rm -f selftest-b >/dev/null
  sleep 0.5
  docker -H "$mgr" network rm "$net" >/dev/null
  echo "$cluster: ${out##*statistics ---}" | tr '\n' ' '; echo
done
