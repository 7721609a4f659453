import type { ServiceContainerState } from './ports';

/**
 * Readiness policy for the app service, decided from one look at its container:
 * - a healthcheck decides when there is one (healthy = ready);
 * - else every published host port must answer (checked by the caller, `portsAnswer`);
 * - else running is enough.
 * A container that exited is a failure at once (no point waiting out the timeout).
 */
export type ReadinessVerdict =
  | { readonly state: 'ready'; readonly how: string }
  | { readonly state: 'waiting'; readonly why: string; readonly checkPorts?: readonly { host: string; port: number }[] }
  | { readonly state: 'failed'; readonly why: string };

export function readinessOf(service: string, s: ServiceContainerState): ReadinessVerdict {
  if (!s.found) return { state: 'waiting', why: `no container for ${service} yet` };
  if (s.status === 'exited' || s.status === 'dead') {
    return { state: 'failed', why: `${service} exited with code ${s.exitCode ?? '?'} before it was ready` };
  }
  if (s.status !== 'running') return { state: 'waiting', why: `${service} is ${s.status ?? 'not running'}` };
  if (s.health !== undefined) {
    if (s.health === 'healthy') return { state: 'ready', how: `${service} is healthy` };
    const last = s.lastHealthOutput?.trim();
    return { state: 'waiting', why: `${service} is ${s.health}${last ? ` (last check: ${last.slice(0, 200)})` : ''}` };
  }
  if (s.publishedPorts.length > 0) {
    return { state: 'waiting', why: `${service} port ${s.publishedPorts.map((p) => p.port).join(', ')} not answering`, checkPorts: s.publishedPorts };
  }
  return { state: 'ready', how: `${service} is running (no healthcheck or published port to wait for)` };
}

/** The host to probe for a published port bound to all interfaces. */
export function probeHost(host: string): string {
  return host === '' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}
