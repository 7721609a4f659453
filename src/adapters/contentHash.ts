/** The SHA-256 (hex) Slipway notes for secret and config contents (files, Swarm config data, release records). */
import { createHash } from 'node:crypto';

export function contentSha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
