import { dirname } from 'node:path';
import type { ClusterConfig } from '../../core/config/model';
import { SlipwayError } from '../../core/errors';
import { LABEL_RUN } from '../../core/run/runId';
import { detectCompose } from '../compose/detect';
import { execFile } from '../process';
import type { LineSink } from './toolkit';

/** Turns chunks into whole lines for a stage log; `flush()` emits a last unterminated line. */
export function lineWriter(log: LineSink, stream: 'stdout' | 'stderr' | 'info'): { write(chunk: string): void; flush(): void } {
  let pending = '';
  return {
    write(chunk) {
      pending += chunk;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const l of lines) log(l, stream);
    },
    flush() {
      if (pending !== '') log(pending, stream);
      pending = '';
    },
  };
}

/** Environment that points the docker and compose CLIs at a cluster's engine. */
export function engineEnv(cluster: Pick<ClusterConfig, 'host' | 'context' | 'tls'> | undefined, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  if (!cluster) return env;
  delete env.DOCKER_HOST;
  delete env.DOCKER_CONTEXT;
  if (cluster.host) env.DOCKER_HOST = cluster.host;
  else if (cluster.context) env.DOCKER_CONTEXT = cluster.context;
  if (cluster.tls?.ca || cluster.tls?.cert) {
    // The CLIs want a directory with ca.pem/cert.pem/key.pem; slipway.yml names the files, which sit together.
    env.DOCKER_TLS_VERIFY = '1';
    env.DOCKER_CERT_PATH = dirname(cluster.tls.cert ?? cluster.tls.ca!);
  }
  return env;
}

async function streamed(file: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; signal: AbortSignal; log: LineSink; timeoutMs?: number }) {
  const out = lineWriter(opts.log, 'stdout');
  const err = lineWriter(opts.log, 'stderr');
  try {
    return await execFile(file, args, { env: opts.env, cwd: opts.cwd, signal: opts.signal, timeoutMs: opts.timeoutMs, onStdout: out.write, onStderr: err.write });
  } finally {
    out.flush();
    err.flush();
  }
}

/** `NAME:VERSION` → `REGISTRY/NAME:VERSION`, keeping only the last path part of a name that has a registry already. */
export function registryTag(image: string, registry: string, version: string): string {
  const name = image.replace(/@sha256:[0-9a-f]+$/, '').replace(/:[^:/]+$/, '');
  const base = name.split('/').pop()!;
  return `${registry}/${base}:${version}`;
}

/** Parses the digest from `docker push` output ("develop: digest: sha256:… size: 1234"). */
export function pushedDigest(output: string): string | undefined {
  return /digest: (sha256:[0-9a-f]{64})/.exec(output)?.[1];
}

/** Tags and pushes the packaged image with the default engine's CLI; returns the reference by digest. */
export async function pushImage(options: { image: string; registry: string; version: string; signal: AbortSignal; log: LineSink; env?: NodeJS.ProcessEnv }) {
  const env = options.env ?? process.env;
  const tag = registryTag(options.image, options.registry, options.version);
  const tagged = await execFile('docker', ['tag', options.image, tag], { env, signal: options.signal });
  if (tagged.code !== 0) {
    throw new SlipwayError('docker', `Cannot tag ${options.image} as ${tag}: ${tagged.stderr.trim()}`, { hint: 'Check that the build stage packaged the image' });
  }
  options.log(`pushing ${tag}`, 'info');
  const pushed = await streamed('docker', ['push', tag], { env, signal: options.signal, log: options.log, timeoutMs: 10 * 60_000 });
  const digest = pushedDigest(pushed.stdout);
  if (pushed.code !== 0 || !digest) {
    throw new SlipwayError('docker', `Pushing ${tag} failed: ${(pushed.stderr.trim().split('\n').pop() ?? '') || `exit ${pushed.code}`}`, {
      hint: `Check that the registry ${options.registry} is running and reachable from the engine`,
    });
  }
  return { reference: `${tag.replace(/:[^:/]+$/, '')}@${digest}`, digest, tag };
}

/**
 * Runs a compose test service against the cluster's engine, where the deployed service publishes its port (the
 * test service should use `network_mode: host` to reach it), then removes what the run created.
 */
export async function runTestContainer(options: {
  runId: string;
  workspaceDir: string;
  cluster: ClusterConfig;
  compose: string;
  test: string;
  image: string;
  version: string;
  targetUrl?: string;
  signal: AbortSignal;
  log: LineSink;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<void> {
  const cli = await detectCompose();
  if (!cli) throw new SlipwayError('notFound', 'No compose CLI found', { hint: 'Install docker compose v2 or docker-compose v1 (`slipway doctor` checks)' });
  const project = `slipway-${options.runId}-${options.cluster.role}`.toLowerCase().replace(/[^a-z0-9_-]/g, '');
  const env = {
    ...engineEnv(options.cluster, options.env),
    SLIPWAY_IMAGE: options.image,
    SLIPWAY_VERSION: options.version,
    SLIPWAY_CLUSTER: options.cluster.name,
    COMPOSE_PROJECT_NAME: project,
    ...(options.targetUrl ? { TARGET_URL: options.targetUrl, SLIPWAY_TARGET_URL: options.targetUrl } : {}),
  };
  const base = [...cli.prefix, '-f', options.compose, '-p', project];
  options.log(`running test service ${options.test} of ${options.compose} on ${options.cluster.name} (${options.cluster.host ?? options.cluster.context ?? 'default engine'})`, 'info');
  try {
    const r = await streamed(cli.file, [...base, 'run', '--rm', '-T', '--no-deps', '-l', `${LABEL_RUN}=${options.runId}`, options.test], {
      env,
      cwd: options.workspaceDir,
      signal: options.signal,
      log: options.log,
      timeoutMs: options.timeoutMs ?? 10 * 60_000,
    });
    if (r.code !== 0) {
      throw new SlipwayError('testFailed', `${options.test} exited with code ${r.code} against ${options.cluster.name}`, {
        hint: 'See the stage log for the test output',
        details: { exitCode: r.code },
      });
    }
  } finally {
    await execFile(cli.file, [...base, 'down', '-v', '--remove-orphans'], { env, cwd: options.workspaceDir, timeoutMs: 60_000 }).catch(() => undefined);
  }
}
