/** Pending promotions kept as Swarm config objects labelled `io.slipway.pending=<stack>` (like release records). */
import { SlipwayError } from '../../core/errors';
import { decodePending, pendingObjectName, PENDING_STACK_LABEL, type PendingPromotion, type PendingPromotionsPort } from '../../core/agent/pending';
import type { SwarmCluster } from './swarm';

interface RawConfig {
  ID?: string;
  Spec?: { Name?: string; Labels?: Record<string, string>; Data?: string };
}

export class SwarmPendingPromotions implements PendingPromotionsPort {
  constructor(private readonly client: SwarmCluster) {}

  async list(stack?: string): Promise<PendingPromotion[]> {
    const label = stack ? `${PENDING_STACK_LABEL}=${stack}` : PENDING_STACK_LABEL;
    const configs = (await this.client.call(() => this.client.docker.listConfigs({ filters: { label: [label] } }))) as RawConfig[];
    return configs
      .filter((c) => c.Spec?.Data && (!stack || c.Spec.Labels?.[PENDING_STACK_LABEL] === stack))
      .map((c) => decodePending(Buffer.from(c.Spec!.Data!, 'base64').toString('utf8'), `${c.Spec!.Name} on ${this.client.cluster.name}`))
      .sort((a, b) => (a.when < b.when ? -1 : 1));
  }

  async write(p: PendingPromotion): Promise<boolean> {
    try {
      await this.client.call(() =>
        this.client.docker.createConfig({
          Name: pendingObjectName(p.stack, p.id),
          Labels: { [PENDING_STACK_LABEL]: p.stack },
          Data: Buffer.from(JSON.stringify(p), 'utf8').toString('base64'),
        }),
      );
      return true;
    } catch (e) {
      if (SlipwayError.is(e) && /already exists|name conflicts/i.test(e.message)) return false;
      throw e;
    }
  }

  async remove(stack: string, id: string): Promise<void> {
    await this.client.call(() => this.client.docker.getConfig(pendingObjectName(stack, id)).remove());
  }
}
