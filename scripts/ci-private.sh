#!/usr/bin/env bash
# Runs `bash .ci/run` of a checkout (as root) inside private mount/net/pid namespaces with empty Docker state (like a fresh
# machine: the rig is built cold), without touching the shared rig. Usage: scripts/ci-private.sh CHECKOUT
# e.g. git clone . /tmp/c && scripts/ci-private.sh /tmp/c
set -euo pipefail
if [ "${1:-}" != --inside ]; then
  repo=$(cd "$1" && pwd)
  scratch=$(mktemp -d /var/tmp/slipway-ci.XXXXXX)
  unshare --mount --net --pid --fork --mount-proc bash "$0" --inside "$scratch" "$repo"
  rc=$?
  rm -rf "$scratch"
  exit $rc
fi
scratch=$2 repo=$3
. "$(dirname "$0")/rig/private-state.sh"
private_rig_state "$scratch"
cd "$repo"
set +e
CI=true bash .ci/run
rc=$?
bash scripts/rig/down.sh >/dev/null 2>&1
exit $rc
