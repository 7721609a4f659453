import { SlipwayError } from '../../core/errors';
import { createBuildAdapters, type BuildAdapters } from '../build/index';
import { buildTools } from './buildTools';
import { pushImage, runTestContainer } from './cliTools';
import type { PipelineToolkit } from './toolkit';
import { describeWorkspace } from './workspace';

function pending(what: string): never {
  throw new SlipwayError('internal', `${what} is not wired into the pipeline yet`, {
    hint: 'This build of Slipway lacks the swarm feature; deploy with `slipway deploy`',
  });
}

/**
 * The real tools: git; the build feature's builder, image build and compose environments; the docker and compose
 * CLIs for the push and the test containers.
 */
export function createPipelineToolkit(env: NodeJS.ProcessEnv = process.env, build: BuildAdapters = createBuildAdapters(env)): PipelineToolkit {
  return {
    describeWorkspace: (dir, signal) => describeWorkspace(dir, signal),
    ...buildTools(build),
    pushImage: (o) => pushImage({ ...o, env }),
    deploy: async () => pending('Deploying'),
    rollback: async () => pending('Rolling back'),
    serviceUrl: async () => undefined,
    runTestContainer: (o) => runTestContainer({ ...o, env }),
  };
}
