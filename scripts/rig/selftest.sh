#!/usr/bin/env bash
# Proves the rig scripts from nothing WITHOUT touching the shared rig: runs them in private mount, network and pid
# namespaces with empty /run, /var/lib/docker, /var/lib/containerd and /var/lib/slipway-rig, then:
#   up (cold) → up (warm) → a container on one worker reaches one on the other over an overlay network → → kill -9 every daemon → up → down → up → down --purge,
# checking status.sh after each up and that no daemon survives a down. Prints the time of each step.
# Usage (root): scripts/rig/selftest.sh        Exit 0 when every step passed.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" != --inside ]; then
  [ "$(id -u)" = 0 ] || { echo "selftest: must run as root" >&2; exit 1; }
  scratch=$(mktemp -d /var/tmp/slipway-rig-selftest.XXXXXX)
  trap 'rm -rf "$scratch"' EXIT
  unshare --mount --net --pid --fork --mount-proc bash "$0" --inside "$scratch"
  exit $?
fi
scratch=$2
. "$(dirname "$0")/private-state.sh"
private_rig_state "$scratch"

timed() {
  local what=$1 s; shift
  s=$(date +%s%N)
  "$@" >"$scratch/step.log" 2>&1 || { cat "$scratch/step.log"; echo "selftest: FAILED: $what" >&2; exit 1; }
  printf 'selftest: %-34s %6s ms\n' "$what" $(( ($(date +%s%N) - s) / 1000000 ))
}
no_daemons() {
  if ps -eo comm= | grep -qxE 'dockerd|containerd|docker-registry'; then
    ps -eo pid,stat,comm | grep -E 'dockerd|containerd|registry'; echo "selftest: FAILED: daemons left after $1" >&2; exit 1
  fi
}
timed "up (cold, builds images)" bash "$HERE/up.sh"
timed "status" bash "$HERE/status.sh"
timed "up (warm)" bash "$HERE/up.sh"
# every daemon the rig runs: registries, the five netns engines, the default engine, containerd
timed "overlay across workers" bash "$HERE/selftest-overlay.sh"
for f in /run/slipway-rig/registry*.pid /run/slipway-rig/prod*.pid /run/docker.pid /run/slipway-rig/containerd.pid; do
  kill -9 "$(cat "$f")"
done
sleep 0.3
timed "up (after kill -9 of every daemon)" bash "$HERE/up.sh"
timed "status" bash "$HERE/status.sh"
timed "down" bash "$HERE/down.sh"
no_daemons down
timed "up (after down)" bash "$HERE/up.sh"
timed "status" bash "$HERE/status.sh"
timed "down --purge" bash "$HERE/down.sh" --purge
no_daemons "down --purge"
[ ! -e /run/slipway-rig ] && [ -z "$(ls -A /var/lib/slipway-rig)" ] && [ -z "$(ip netns list)" ] \
  || { echo "selftest: FAILED: state left after down --purge" >&2; exit 1; }
echo "selftest: all steps passed"
