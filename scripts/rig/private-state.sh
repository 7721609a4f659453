# Sourced inside `unshare --mount --net --pid`: gives this namespace empty Docker and rig state of its own (in
# SCRATCH), a private /run and a loopback, so a rig can be built cold beside the shared one.
# Usage: . scripts/rig/private-state.sh; private_rig_state SCRATCH
private_rig_state() {
  local scratch=$1
  mkdir -p "$scratch/docker" "$scratch/containerd" "$scratch/rig" /var/lib/docker /var/lib/containerd /var/lib/slipway-rig
  mount --make-rprivate /
  mount -t tmpfs tmpfs /run
  mount --bind "$scratch/docker" /var/lib/docker
  mount --bind "$scratch/containerd" /var/lib/containerd
  mount --bind "$scratch/rig" /var/lib/slipway-rig
  ip link set lo up
}
