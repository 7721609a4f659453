/**
 * Workspace bind mounts of a compose test environment (`./tests:/tests`) on an engine that cannot see the workspace:
 * each becomes a volume filled with a copy of the folder before `up`, mounted in the bind's place, and copied back
 * (when writable) before teardown — so reports the tests write still land in the workspace.
 */
import type Docker from 'dockerode';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import * as tar from 'tar-stream';
import { shippedBindsOverride, type ComposeBind } from '../../core/build/composeModel';
import type { ComposeEnvironment } from '../../core/build/ports';
import type { ShippedFile } from '../../core/build/shipping';
import { SlipwayError } from '../../core/errors';
import { applyWorkspaceArchive, packWorkspace } from '../fs/workspaceArchive';
import { engineError, type EngineEndpoint } from './endpoint';

/** An image with an empty file system: enough to create (never start) a container that holds a volume for the archive API. */
const CARRIER_IMAGE = 'slipway-carrier:1';
const MOUNT = '/slipway-ship';

async function carrierImage(docker: Docker): Promise<string> {
  try {
    await docker.getImage(CARRIER_IMAGE).inspect();
    return CARRIER_IMAGE;
  } catch {
    // Imported from an empty archive: nothing is pulled, nothing runs.
  }
  const empty = tar.pack();
  empty.entry({ name: '.slipway-carrier', type: 'file' }, '');
  empty.finalize();
  const progress = await docker.importImage(empty, { repo: CARRIER_IMAGE.split(':')[0], tag: CARRIER_IMAGE.split(':')[1] });
  await new Promise<void>((ok, fail) => docker.modem.followProgress(progress, (e: Error | null) => (e ? fail(e) : ok())));
  return CARRIER_IMAGE;
}

/** Runs `body` with a created (never started) container that mounts `volume` at MOUNT; always removes it. */
async function withCarrier<T>(docker: Docker, volume: string, labels: Record<string, string>, body: (c: Docker.Container) => Promise<T>): Promise<T> {
  const container = await docker.createContainer({
    Image: await carrierImage(docker),
    Cmd: ['/none'],
    Labels: labels,
    HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: MOUNT }] },
  });
  try {
    return await body(container);
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

interface ShippedBind {
  readonly bind: ComposeBind;
  readonly volume: string;
  readonly hostPath: string;
  readonly files: ReadonlyMap<string, ShippedFile>;
  readonly at: number;
}

export interface ShippedEnvironment {
  /** The override file that mounts the volumes in the binds' places. */
  readonly override: string;
  readonly binds: readonly ShippedBind[];
}

/** Creates and fills one volume per bind mount of the environment; labelled so teardown and the janitor find them. */
export async function shipBinds(docker: Docker, endpoint: EngineEndpoint, env: ComposeEnvironment, log: (line: string) => void): Promise<ShippedEnvironment> {
  const shipped: ShippedBind[] = [];
  const labels = { ...env.labels, 'com.docker.compose.project': env.projectName };
  const owner = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  for (const [i, bind] of (env.binds ?? []).entries()) {
    const hostPath = resolve(dirname(env.composeFile), bind.source);
    const info = await stat(hostPath).catch(() => undefined);
    if (info && !info.isDirectory()) {
      throw new SlipwayError('config', `${bind.service} mounts the file ${bind.source}, which cannot be shipped to the engine at ${endpoint.host} (it cannot see the workspace)`, {
        hint: `Mount its folder instead (e.g. ${dirname(bind.source)}:…), or put the file in the image`,
      });
    }
    const volume = `${env.projectName}_shipped_${i}`;
    try {
      await docker.createVolume({ Name: volume, Labels: { ...labels, 'io.slipway.bind': `${bind.service}:${bind.target}` } });
      const at = Date.now();
      const files = await withCarrier(docker, volume, labels, async (carrier) => {
        if (!info) return new Map<string, ShippedFile>();
        const packed = packWorkspace(hostPath, { prefix: MOUNT.slice(1), ignore: [], ...owner });
        const [, done] = await Promise.all([carrier.putArchive(packed.stream, { path: '/' }), packed.done]);
        log(`shipped ${bind.source} (${done.report.files} files) as volume ${volume} for ${bind.service}:${bind.target}`);
        return done.files;
      });
      shipped.push({ bind, volume, hostPath, files, at });
    } catch (e) {
      if (SlipwayError.is(e)) throw e;
      throw engineError(endpoint, e);
    }
  }
  return { override: shippedBindsOverride(shipped, env.composeVersion), binds: shipped };
}

/** Copies what the tests wrote into writable shipped binds back to the workspace (before the volumes are removed). */
export async function copyBindsBack(docker: Docker, env: ComposeEnvironment, shipped: ShippedEnvironment, log: (line: string) => void): Promise<void> {
  const labels = { ...env.labels, 'com.docker.compose.project': env.projectName };
  for (const s of shipped.binds) {
    if (s.bind.readOnly) continue;
    try {
      await mkdir(s.hostPath, { recursive: true });
      const report = await withCarrier(docker, s.volume, labels, async (carrier) => {
        const archive = (await carrier.getArchive({ path: MOUNT })) as NodeJS.ReadableStream;
        return applyWorkspaceArchive(archive, s.hostPath, { prefix: MOUNT.slice(1), shipped: s.files, shippedAt: s.at });
      });
      if (report.files > 0 || report.deleted?.length) log(`copied back ${report.files} files to ${s.bind.source} (from ${s.bind.service}:${s.bind.target})`);
    } catch (e) {
      log(`could not copy ${s.bind.service}:${s.bind.target} back to ${s.bind.source}: ${(e as Error).message}`);
    }
  }
}
