import { SlipwayError } from '../../core/errors';
import { pushImage, runTestContainer } from './cliTools';
import type { PipelineToolkit } from './toolkit';
import { describeWorkspace } from './workspace';

function pending(what: string): never {
  throw new SlipwayError('internal', `${what} is not wired into the pipeline yet`, {
    hint: 'This build of Slipway lacks the build/swarm features; run the stage with its own command',
  });
}

/** The real tools: git, the docker and compose CLIs, and the build and swarm features. */
export function createPipelineToolkit(env: NodeJS.ProcessEnv = process.env): PipelineToolkit {
  return {
    describeWorkspace: (dir, signal) => describeWorkspace(dir, signal),
    runBuilder: async () => pending('The builder container'),
    packageImage: async () => pending('Packaging'),
    pushImage: (o) => pushImage({ ...o, env }),
    startStaging: async () => pending('The staging environment'),
    deploy: async () => pending('Deploying'),
    rollback: async () => pending('Rolling back'),
    serviceUrl: async () => undefined,
    runTestContainer: (o) => runTestContainer({ ...o, env }),
  };
}
