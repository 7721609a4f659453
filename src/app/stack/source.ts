/** Which stack slipway.yml deploys on a cluster: its name, its files (per cluster), the app service and image. */
import { CONFIG_DEFAULTS, type SlipwayConfig } from '../../core/config/model';
import { SlipwayError } from '../../core/errors';
import { validateStackName } from '../../core/stack/convert';
import type { ClusterTarget } from '../../core/swarm/model';
import type { OnPushPolicy } from '../../core/agent/onPush';

export interface StackSource {
  readonly stack: string;
  readonly files: readonly string[];
  /** The service that runs the image Slipway builds (SLIPWAY_IMAGE). */
  readonly app?: string;
  /** `registry/image` of the app, without tag (undefined when slipway.yml has no package.image). */
  readonly appRepository?: string;
  /** deploy.onPush, as releases record it (the agent reads it from the cluster). */
  readonly onPush?: OnPushPolicy;
}

/** True when slipway.yml deploys a stack (deploy.files), not a plain service. */
export function deploysStack(config: SlipwayConfig): boolean {
  return (config.deploy?.files?.length ?? 0) > 0;
}

export function stackSourceFor(config: SlipwayConfig, cluster: ClusterTarget): StackSource {
  const deploy = config.deploy;
  if (!deploy?.files || deploy.files.length === 0) {
    throw new SlipwayError('config', 'slipway.yml has no deploy.files: there is no stack to deploy', {
      hint: 'List the stack files (compose 3.x, as docker stack deploy reads them) under deploy.files',
      remedies: [{ action: 'openConfig' }],
    });
  }
  const image = config.package?.image;
  const stack = deploy.stack ?? image?.split('/').pop()?.split(':')[0];
  if (!stack) throw new SlipwayError('config', 'slipway.yml names no stack (deploy.stack) and no package.image to take the name from', { remedies: [{ action: 'openConfig' }] });
  const bad = validateStackName(stack);
  if (bad) throw new SlipwayError('config', `deploy.stack: ${bad}`, { remedies: [{ action: 'openConfig' }] });
  const registry = deploy.registry ?? cluster.registry;
  const appRepository = image ? (registry && !image.startsWith(`${registry}/`) ? `${registry}/${image}` : image) : undefined;
  const onPush: OnPushPolicy | undefined =
    deploy.onPush && deploy.app && appRepository
      ? { tag: deploy.onPush.tag, clusters: [...deploy.onPush.clusters], app: deploy.app, repository: appRepository, mode: config.pipeline?.mode ?? CONFIG_DEFAULTS.mode }
      : undefined;
  if (deploy.onPush && !appRepository) {
    throw new SlipwayError('config', 'deploy.onPush needs package.image: the agent deploys pushes of the app image, and slipway.yml does not name it', { remedies: [{ action: 'openConfig' }] });
  }
  return { stack, files: cluster.stackFiles ?? deploy.files, ...(deploy.app ? { app: deploy.app } : {}), ...(appRepository ? { appRepository } : {}), ...(onPush ? { onPush } : {}) };
}
