/**
 * Deploying a pushed digest: the stack exactly as its newest release has it, with the app service's image replaced
 * by `repo:tag@digest`. No checkout and no stack files are needed (the release holds every service's spec), so the
 * agent on a cluster can do it; the CLI and the editor use the same to approve a pending promotion.
 */
import { SlipwayError } from '../../core/errors';
import type { Subscription } from '../../core/agent/onPush';
import { desiredFromRelease } from '../../core/stack/release';
import { planStack } from '../../core/stack/plan';
import { IMAGE_LABEL } from '../../core/stack/convert';
import { parseImageRef, versionOf } from '../../core/swarm/imageRef';
import type { StackClusterPort, StackFilesPort } from '../../core/stack/ports';
import type { PreparedStackDeploy } from './deploy';

export async function preparePushDeploy(cluster: StackClusterPort, sub: Subscription, image: string): Promise<PreparedStackDeploy> {
  const { newest, policy } = sub;
  const base = desiredFromRelease(newest);
  if (!base.services.some((s) => s.key === policy.app)) {
    throw new SlipwayError('notFound', `Release #${newest.number} of ${sub.stack} on ${cluster.cluster.name} has no service "${policy.app}" to run the pushed image`, {
      remedies: [{ action: 'releases', cluster: cluster.cluster.name }],
    });
  }
  const desired = {
    ...base,
    services: base.services.map((s) =>
      s.key !== policy.app
        ? s
        : {
            ...s,
            spec: {
              ...s.spec,
              // The image as the files would write it (`repo:tag`), like `docker stack deploy` labels it: a later
              // `slipway deploy` of the same tag then plans no label change.
              Labels: { ...s.spec.Labels, [IMAGE_LABEL]: `${policy.repository}:${policy.tag}` },
              TaskTemplate: { ...s.spec.TaskTemplate, ContainerSpec: { ...s.spec.TaskTemplate.ContainerSpec, Image: image } },
            },
          },
    ),
  };
  const plan = planStack(cluster.cluster, desired, await cluster.running(sub.stack));
  return {
    plan,
    version: versionOf(parseImageRef(image)),
    source: { stack: sub.stack, files: newest.files, app: policy.app, appRepository: policy.repository, onPush: policy },
    warnings: [],
  };
}

/** A push deploy reads no files: every spec comes from the release, and its secrets and configs exist (it is kept). */
export const NO_STACK_FILES: StackFilesPort = {
  read: () => Promise.reject(new SlipwayError('internal', 'a push deploy reads no stack files')),
  content: () => Promise.reject(new SlipwayError('internal', 'a push deploy reads no secret or config files')),
};
