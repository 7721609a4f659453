/**
 * Preflight: what every stage a pipeline run will execute needs from slipway.yml, checked before the first stage,
 * so a run refuses with every problem at once instead of deploying to prod-like and then failing at production.
 * Pure: the file checks it asks for (compose and stack files that must exist and define a service) are made by the
 * caller, which reads the files.
 */
import type { ClusterRole, SlipwayConfig } from '../config/model';
import type { StageId } from './stages';

/** A file a stage reads: it must exist (and, for a compose file, define `services`). */
export interface FileNeed {
  /** Where slipway.yml names it, e.g. `deploy.readiness.compose`. */
  readonly key: string;
  /** Workspace-relative path as written. */
  readonly file: string;
  readonly services: readonly string[];
}

export interface PreflightPlan {
  readonly problems: readonly string[];
  readonly files: readonly FileNeed[];
}

export function preflightPlan(config: SlipwayConfig, stages: readonly StageId[]): PreflightPlan {
  const problems: string[] = [];
  const files: FileNeed[] = [];
  const problem = (text: string): void => {
    if (!problems.includes(text)) problems.push(text);
  };
  const need = (need: FileNeed): void => {
    if (!files.some((f) => f.key === need.key && f.file === need.file)) files.push(need);
  };
  const missingRoles = new Set<ClusterRole>();
  const cluster = (role: ClusterRole, stage: StageId): void => {
    // Said once per role, by the first stage that needs it (deploy and tests share the cluster).
    if (config.clusters.some((c) => c.role === role) || missingRoles.has(role)) return;
    missingRoles.add(role);
    problem(`${stage} needs a cluster with role ${role} under clusters:`);
  };
  const deployTarget = (stage: StageId, role: ClusterRole): void => {
    cluster(role, stage);
    const deploy = config.deploy;
    if (!deploy || (!deploy.service && (deploy.files?.length ?? 0) === 0)) {
      problem(`${stage} needs deploy.service (a plain service) or deploy.files (a stack)`);
      return;
    }
    if ((deploy.files?.length ?? 0) > 0) {
      const target = config.clusters.find((c) => c.role === role);
      const list = target?.stackFiles ?? deploy.files ?? [];
      const key = target?.stackFiles ? `clusters.${target.name}.stackFiles` : 'deploy.files';
      for (const file of list) need({ key, file, services: deploy.app ? [deploy.app] : [] });
      if (!config.package?.image && !deploy.stack) problem(`${stage} needs deploy.stack or package.image to name the stack`);
    }
  };
  const tests = (stage: StageId, role: ClusterRole, which: 'readiness' | 'production'): void => {
    cluster(role, stage);
    const env = config.deploy?.[which];
    if (!env) problem(`${stage} needs deploy.${which}: { compose: FILE, test: SERVICE }`);
    else need({ key: `deploy.${which}.compose`, file: env.compose, services: [env.test] });
  };
  const staging = (stage: StageId): void => {
    const integration = config.integration;
    if (!integration) {
      // Said once, by the first of the two stages that use it.
      if (!problems.some((p) => p.endsWith('needs integration: { compose: FILE, test: SERVICE }'))) problem(`${stage} needs integration: { compose: FILE, test: SERVICE }`);
      return;
    }
    need({ key: 'integration.compose', file: integration.compose, services: [integration.test, ...(integration.app ? [integration.app] : [])] });
  };

  // What each stage needs, one line per stage.
  const checks: Record<StageId, (stage: StageId) => void> = {
    checkout: () => undefined,
    'unit-tests': () => !config.build && problem('unit-tests needs build: { image, steps }'),
    build: () => !config.package && problem('build needs package: { image: NAME } to build the service image'),
    'deploy-staging': staging,
    'functional-tests': staging,
    'deploy-prod-like': (stage) => deployTarget(stage, 'prod-like'),
    'readiness-tests': (stage) => tests(stage, 'prod-like', 'readiness'),
    'deploy-production': (stage) => deployTarget(stage, 'production'),
    'production-tests': (stage) => tests(stage, 'production', 'production'),
  };
  for (const stage of stages) checks[stage](stage);
  return { problems, files };
}

/** The refusal's text: one line per problem, so a user fixes them all in one go. */
export function preflightMessage(problems: readonly string[]): string {
  return `The pipeline cannot start: slipway.yml lacks what ${problems.length === 1 ? 'a stage' : 'its stages'} need (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`;
}
