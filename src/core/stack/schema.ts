/**
 * The part of the compose file format 3.x that `docker stack deploy` turns into Swarm objects, as a JSON schema.
 * Anything else is refused with its position (an unsupported key is an error, never silently ignored).
 * Values may be strings after variable substitution: the validator coerces "3" to 3 where a number is expected.
 */
const str = { type: 'string' } as const;
const strOrNum = { type: ['string', 'number'] } as const;
const bool = { type: 'boolean' } as const;
const int = { type: 'integer', minimum: 0 } as const;
const duration = { type: 'string', minLength: 1 } as const;
const stringList = { type: 'array', items: str } as const;
const stringOrList = { type: ['string', 'array'], items: str } as const;
const listOrMap = {
  type: ['array', 'object'],
  items: str,
  additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
} as const;

const updateConfig = {
  type: 'object',
  additionalProperties: false,
  properties: {
    parallelism: int,
    delay: duration,
    failure_action: { enum: ['continue', 'rollback', 'pause'] },
    monitor: duration,
    max_failure_ratio: { type: 'number', minimum: 0, maximum: 1 },
    order: { enum: ['start-first', 'stop-first'] },
  },
} as const;

const fileReference = {
  type: 'array',
  items: {
    type: ['string', 'object'],
    required: ['source'],
    additionalProperties: false,
    properties: { source: str, target: str, uid: str, gid: str, mode: int },
  },
} as const;

const service = {
  type: 'object',
  additionalProperties: false,
  patternProperties: { '^x-': {} },
  properties: {
    image: { type: 'string', minLength: 1 },
    command: stringOrList,
    entrypoint: stringOrList,
    environment: listOrMap,
    labels: listOrMap,
    hostname: str,
    user: str,
    working_dir: str,
    stop_grace_period: duration,
    stop_signal: str,
    tty: bool,
    stdin_open: bool,
    read_only: bool,
    init: bool,
    restart: { type: 'string', pattern: '^(no|always|unless-stopped|on-failure(:\\d+)?)$' },
    extra_hosts: listOrMap,
    dns: stringOrList,
    dns_search: stringOrList,
    cap_add: stringList,
    cap_drop: stringList,
    sysctls: listOrMap,
    logging: { type: 'object', additionalProperties: false, properties: { driver: str, options: { type: 'object', additionalProperties: strOrNum } } },
    healthcheck: {
      type: 'object',
      additionalProperties: false,
      properties: { test: stringOrList, interval: duration, timeout: duration, retries: int, start_period: duration, disable: bool },
    },
    ports: {
      type: 'array',
      items: {
        type: ['string', 'integer', 'object'],
        required: ['target'],
        additionalProperties: false,
        properties: { target: { type: 'integer', minimum: 1, maximum: 65535 }, published: { type: 'integer', minimum: 0, maximum: 65535 }, protocol: { enum: ['tcp', 'udp', 'sctp'] }, mode: { enum: ['ingress', 'host'] } },
      },
    },
    networks: {
      type: ['array', 'object'],
      items: str,
      additionalProperties: { type: ['object', 'null'], additionalProperties: false, properties: { aliases: stringList, driver_opts: { type: 'object', additionalProperties: strOrNum } } },
    },
    volumes: {
      type: 'array',
      items: {
        type: ['string', 'object'],
        required: ['type', 'target'],
        additionalProperties: false,
        properties: {
          type: { enum: ['volume', 'bind', 'tmpfs'] },
          source: str,
          target: str,
          read_only: bool,
          volume: { type: 'object', additionalProperties: false, properties: { nocopy: bool } },
          bind: { type: 'object', additionalProperties: false, properties: { propagation: str } },
          tmpfs: { type: 'object', additionalProperties: false, properties: { size: strOrNum } },
        },
      },
    },
    secrets: fileReference,
    configs: fileReference,
    ulimits: { type: 'object', additionalProperties: { type: ['integer', 'object'], additionalProperties: false, required: ['soft', 'hard'], properties: { soft: int, hard: int } } },
    deploy: {
      type: 'object',
      additionalProperties: false,
      properties: {
        mode: { enum: ['replicated', 'global'] },
        replicas: int,
        endpoint_mode: { enum: ['vip', 'dnsrr'] },
        labels: listOrMap,
        placement: {
          type: 'object',
          additionalProperties: false,
          properties: {
            constraints: stringList,
            preferences: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['spread'], properties: { spread: str } } },
            max_replicas_per_node: int,
          },
        },
        update_config: updateConfig,
        rollback_config: updateConfig,
        resources: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limits: { type: 'object', additionalProperties: false, properties: { cpus: strOrNum, memory: strOrNum, pids: int } },
            reservations: { type: 'object', additionalProperties: false, properties: { cpus: strOrNum, memory: strOrNum } },
          },
        },
        restart_policy: {
          type: 'object',
          additionalProperties: false,
          properties: { condition: { enum: ['none', 'on-failure', 'any'] }, delay: duration, max_attempts: int, window: duration },
        },
      },
    },
  },
} as const;

const external = { type: ['boolean', 'object'], additionalProperties: false, properties: { name: str } } as const;

export const STACK_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  patternProperties: { '^x-': {} },
  properties: {
    version: { type: 'string', pattern: '^3(\\.\\d+)?$' },
    services: { type: 'object', additionalProperties: service, propertyNames: { pattern: '^[a-zA-Z0-9][a-zA-Z0-9_.-]*$' } },
    networks: {
      type: 'object',
      additionalProperties: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: {
          driver: str,
          driver_opts: { type: 'object', additionalProperties: strOrNum },
          attachable: bool,
          internal: bool,
          labels: listOrMap,
          external,
          name: str,
          ipam: { type: 'object', additionalProperties: false, properties: { driver: str, config: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { subnet: str } } } } },
        },
      },
    },
    volumes: {
      type: 'object',
      additionalProperties: { type: ['object', 'null'], additionalProperties: false, properties: { driver: str, driver_opts: { type: 'object', additionalProperties: strOrNum }, external, labels: listOrMap, name: str } },
    },
    secrets: { type: 'object', additionalProperties: { type: 'object', additionalProperties: false, properties: { file: str, external, name: str, labels: listOrMap } } },
    configs: { type: 'object', additionalProperties: { type: 'object', additionalProperties: false, properties: { file: str, external, name: str, labels: listOrMap } } },
  },
} as const;

/**
 * Keys of the compose format that `docker stack deploy` skips with a warning: refused here with that explanation,
 * because a stack that silently lacks them behaves differently from what the file says.
 */
export const SWARM_IGNORES: readonly string[] = [
  'build', 'cgroup_parent', 'container_name', 'depends_on', 'devices', 'external_links', 'links', 'network_mode',
  'privileged', 'security_opt', 'userns_mode',
];
