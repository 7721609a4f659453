# Sourced by scripts/rig/up.sh: the rig's registry posts push events to Slipway's agent (issue 16, push to deploy).
# The token lives in the rig's state ($LIB/agent-token, made once); $LIB/agent-webhook.env tells tests where the
# agent must listen and which token the registry sends, so `slipway agent install --token-file` matches it.
# Registries in namespaces where no agent listens keep retrying in the background; that costs nothing else.
RIG_AGENT_PORT=18765

# Prints the registry config's `notifications:` block (appended to registry.yml by up.sh).
rig_agent_notifications() {
  local lib=$1 token
  if [ ! -s "$lib/agent-token" ]; then
    (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$lib/agent-token")
  fi
  token=$(cat "$lib/agent-token")
  cat >"$lib/agent-webhook.env.tmp" <<EOW
SLIPWAY_RIG_AGENT_TOKEN_FILE=$lib/agent-token
SLIPWAY_RIG_AGENT_PORT=$RIG_AGENT_PORT
SLIPWAY_RIG_AGENT_URL=http://127.0.0.1:$RIG_AGENT_PORT/events
EOW
  mv "$lib/agent-webhook.env.tmp" "$lib/agent-webhook.env"
  cat <<EOB
notifications:
  endpoints:
    - name: slipway-agent
      url: http://127.0.0.1:$RIG_AGENT_PORT/events
      headers:
        Authorization: [Bearer $token]
      timeout: 3s
      threshold: 3
      backoff: 1s
      ignore:
        mediatypes: [application/octet-stream]
        actions: [pull]
EOB
}

# A registry reads its config once: stop every rig registry started before the config last changed, so the start
# step that follows brings it up again with the new config.
rig_restart_registries_on_new_config() {
  local run=$1 config=$2 pidf pid
  for pidf in "$run"/registry*.pid; do
    [ -s "$pidf" ] && [ "$config" -nt "$pidf" ] || continue
    pid=$(cat "$pidf")
    [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = docker-registry ] || continue
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$pidf"
  done
}
