import type { BuildAdapters } from '../build/index';
import { createBuildAdapters } from '../build/index';
import { buildTools } from './buildTools';
import { pushImage, runTestContainer } from './cliTools';
import { swarmTools } from './swarmTools';
import type { PipelineToolkit } from './toolkit';
import { describeWorkspace } from './workspace';

/**
 * The real tools: git; the build feature's builder, image build and compose environments; the swarm feature's
 * deploy and rollback; the docker and compose CLIs for the push and the test containers.
 */
export function createPipelineToolkit(env: NodeJS.ProcessEnv = process.env, build: BuildAdapters = createBuildAdapters(env)): PipelineToolkit {
  return {
    describeWorkspace: (dir, signal) => describeWorkspace(dir, signal),
    ...buildTools(build),
    pushImage: (o) => pushImage({ ...o, env }),
    ...swarmTools(env),
    runTestContainer: (o) => runTestContainer({ ...o, env }),
  };
}
