#!/usr/bin/env bash
# The whole test suite: sets up what it needs (idempotent), then runs unit, integration and extension-host suites
# and ends with one line "N passed, M failed". Pass suite names to run only those: scripts/test.sh unit
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The rig prints the variables tests use to find the clusters and registry.
if [ -f /run/slipway-rig/env ]; then set -a; . /run/slipway-rig/env; set +a; fi
exec node scripts/run-suites.mjs "$@"
