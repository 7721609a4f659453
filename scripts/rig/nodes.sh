# The rig's engines, sourced by up.sh, down.sh, status.sh (bash). Two clusters of three engines each:
#   prod-like:  prod-like-1 (manager, the default engine in the host's network namespace) + prod-like-2/3 (workers)
#   production: production-1 (manager, netns slipway-production) + production-2/3 (workers)
# Every engine but prod-like-1 lives in its own network namespace. All share one containerd, each in its own
# containerd namespace. Each engine has a veth whose peer sits on its cluster's bridge inside netns slipway-links,
# so swarm traffic (2377/7946/4789, overlay VXLAN) flows between nodes and never through the host's iptables.
# Fields: NAME CLUSTER ROLE NETNS("-" = host) SOCKET KEY(file names under /run and /var/lib) ADDRESS LINK(port on the bridge)
RUN=/run/slipway-rig
LIB=/var/lib/slipway-rig
LOG=$LIB/logs
LINKS_NETNS=slipway-links
CTRD_SOCK=/run/containerd/containerd.sock
DEFAULT_HOST=unix:///var/run/docker.sock
PROD_HOST=unix://$RUN/production.sock
REGISTRY=localhost:5000
BASE_IMAGES="slipway-rig/busybox:1 slipway-rig/node:20 slipway-rig/redis:7"
RIG_NODES=(
  "prod-like-1  prod-like  manager -                    /var/run/docker.sock      default      10.88.1.1 pl1"
  "prod-like-2  prod-like  worker  slipway-prod-like-2  $RUN/prod-like-2.sock     prod-like-2  10.88.1.2 pl2"
  "prod-like-3  prod-like  worker  slipway-prod-like-3  $RUN/prod-like-3.sock     prod-like-3  10.88.1.3 pl3"
  "production-1 production manager slipway-production   $RUN/production.sock      production   10.88.2.1 pr1"
  "production-2 production worker  slipway-production-2 $RUN/production-2.sock    production-2 10.88.2.2 pr2"
  "production-3 production worker  slipway-production-3 $RUN/production-3.sock    production-3 10.88.2.3 pr3"
)
# bridge inside $LINKS_NETNS per cluster
declare -A RIG_BRIDGE=([prod-like]=br-prod-like [production]=br-production)
# the interface name an engine's netns sees (the host's own end for prod-like-1 is named slipway-pl1)
RIG_IFACE=rig0
# node_fields LINE: sets N_NAME N_CLUSTER N_ROLE N_NETNS N_SOCK N_KEY N_ADDR N_LINK N_HOST
node_fields() {
  read -r N_NAME N_CLUSTER N_ROLE N_NETNS N_SOCK N_KEY N_ADDR N_LINK <<<"$1"
  N_HOST=unix://$N_SOCK
}
# registry_pidfile NETNS: one registry per network namespace (host = "-"), all on one storage dir
registry_pidfile() {
  case "$1" in
    -) echo "$RUN/registry.pid" ;;
    *) echo "$RUN/registry-${1#slipway-}.pid" ;;
  esac
}
