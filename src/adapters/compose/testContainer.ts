import type { TestContainerRequest } from '../../app/ports';
import { SlipwayError } from '../../core/errors';
import { LABEL_RUN } from '../../core/run/runId';
import { engineEnv } from '../docker/engineEnv';
import { execFile, execStreamed } from '../process';
import { detectCompose } from './detect';

/**
 * Runs a compose test service against the cluster's engine, where the deployed service publishes its port (the
 * test service should use `network_mode: host` to reach it), then removes what the run created.
 */
export async function runTestContainer(options: TestContainerRequest & { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<void> {
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
    const r = await execStreamed(cli.file, [...base, 'run', '--rm', '-T', '--no-deps', '-l', `${LABEL_RUN}=${options.runId}`, options.test], {
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
