/**
 * A pending promotion: a push a production cluster in delivery mode did not deploy by itself. Kept in the cluster
 * (a Swarm config object, like release records) until a person approves it (deploys exactly that digest) or
 * dismisses it.
 */
import { SlipwayError } from '../errors';

export const PENDING_STACK_LABEL = 'io.slipway.pending';

export interface PendingPromotion {
  readonly format: 1;
  /** Unique per stack: the first 12 hex digits of the digest. */
  readonly id: string;
  readonly stack: string;
  readonly cluster: string;
  /** `repo:tag@sha256:…` */
  readonly image: string;
  readonly tag: string;
  readonly digest: string;
  readonly actor: string;
  /** ISO time the push arrived. */
  readonly when: string;
  readonly trigger: string;
}

export function pendingId(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

export function pendingObjectName(stack: string, id: string): string {
  return `slipway-pending.${stack}.${id}`;
}

export function decodePending(text: string, where: string): PendingPromotion {
  let value: Partial<PendingPromotion>;
  try {
    value = JSON.parse(text) as Partial<PendingPromotion>;
  } catch (e) {
    throw new SlipwayError('docker', `The pending promotion ${where} is not valid JSON: ${(e as Error).message}`);
  }
  if (value.format !== 1 || typeof value.stack !== 'string' || typeof value.image !== 'string' || typeof value.id !== 'string') {
    throw new SlipwayError('docker', `The pending promotion ${where} is not one Slipway can read`);
  }
  return value as PendingPromotion;
}

export function describePending(p: PendingPromotion): string {
  return `${p.stack}: ${p.image.split('@')[0]} ${p.digest.slice(0, 19)} pushed by ${p.actor} at ${p.when.replace('T', ' ').slice(0, 19)} waits for approval on ${p.cluster}`;
}

/** What the agent and the front ends need from the cluster for pending promotions. */
export interface PendingPromotionsPort {
  list(stack?: string): Promise<PendingPromotion[]>;
  /** False when it exists already (the same digest is pending). */
  write(p: PendingPromotion): Promise<boolean>;
  remove(stack: string, id: string): Promise<void>;
}
