/**
 * A stack deploy as work, as data (like the git-flow finish steps): networks, secrets and configs first, then the
 * services one by one (each Swarm rolls out with its own update config), removals last. One runner applies them
 * (src/app/stack/apply.ts); the plan and its steps are what the release record keeps.
 */
import type { DesiredFileObject } from './convert';
import type { EngineNetworkSpec, EngineServiceSpec } from './engineSpec';
import type { StackPlan } from './plan';

export type StackStep =
  | { readonly kind: 'createNetwork'; readonly spec: EngineNetworkSpec }
  | { readonly kind: 'createSecret'; readonly object: DesiredFileObject }
  | { readonly kind: 'createConfig'; readonly object: DesiredFileObject }
  | { readonly kind: 'createService'; readonly spec: EngineServiceSpec }
  | { readonly kind: 'updateService'; readonly spec: EngineServiceSpec; readonly force: boolean }
  | { readonly kind: 'removeService'; readonly name: string }
  /** Runs only after the deploy converged: until then old tasks may still use it, and a rollback would again. */
  | { readonly kind: 'removeObject'; readonly object: StackObjectKind; readonly name: string };

export type StackObjectKind = 'network' | 'secret' | 'config';

export function stackSteps(plan: StackPlan): StackStep[] {
  const { desired } = plan;
  const steps: StackStep[] = [];
  for (const n of desired.networks) if (plan.networksToCreate.includes(n.spec.Name)) steps.push({ kind: 'createNetwork', spec: n.spec });
  for (const s of desired.secrets) if (plan.secretsToCreate.includes(s.name)) steps.push({ kind: 'createSecret', object: s });
  for (const c of desired.configs) if (plan.configsToCreate.includes(c.name)) steps.push({ kind: 'createConfig', object: c });
  const byName = new Map(plan.services.map((s) => [s.name, s] as const));
  for (const d of desired.services) {
    const p = byName.get(d.spec.Name);
    if (p?.action === 'create') steps.push({ kind: 'createService', spec: d.spec });
    else if (p?.action === 'update') steps.push({ kind: 'updateService', spec: d.spec, force: plan.forced });
  }
  for (const s of plan.services) if (s.action === 'remove') steps.push({ kind: 'removeService', name: s.name });
  for (const name of plan.networksToRemove) steps.push({ kind: 'removeObject', object: 'network', name });
  for (const name of plan.secretsToRemove) steps.push({ kind: 'removeObject', object: 'secret', name });
  for (const name of plan.configsToRemove) steps.push({ kind: 'removeObject', object: 'config', name });
  return steps;
}

/**
 * Aspects outside the task template: changing them changes the service only, and Swarm replaces no task and reports
 * no UpdateStatus for it, so a deploy of only these converges at once. Every other aspect (image, env, mounts, …,
 * and any aspect not named here) rolls the tasks. Ports and the endpoint mode live outside the task template too, but
 * replace tasks when published in host mode; they count as rolling and convergence allows for Swarm starting no
 * rollout for them (see convergence.ts).
 */
const SERVICE_ONLY = new Set(['replicas', 'labels', 'update config', 'rollback config']);

export function needsRollout(changes: readonly { readonly what: string }[], forced: boolean): boolean {
  return forced || changes.some((c) => !SERVICE_ONLY.has(c.what));
}

export function describeStep(step: StackStep): string {
  switch (step.kind) {
    case 'createNetwork':
      return `create network ${step.spec.Name}`;
    case 'createSecret':
      return `create secret ${step.object.name}`;
    case 'createConfig':
      return `create config ${step.object.name}`;
    case 'createService':
      return `create service ${step.spec.Name} (${step.spec.TaskTemplate.ContainerSpec.Image})`;
    case 'updateService':
      return `update service ${step.spec.Name}${step.force ? ' (forced)' : ''}`;
    case 'removeService':
      return `remove service ${step.name}`;
    case 'removeObject':
      return `remove ${step.object} ${step.name} (${step.object === 'network' ? 'no longer in the files' : 'no longer used, and no kept release uses it'})`;
  }
}
