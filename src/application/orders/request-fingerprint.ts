import { createHash } from 'node:crypto';
import type { OrderLine } from '../../domain/order/place-order';

/** A digest of what an order request asked for, to tell a replay from a reused key. */
export function requestFingerprint(customerId: string, lines: readonly OrderLine[]): string {
  const canonical = JSON.stringify([customerId, lines.map((l) => [l.productId, l.quantity])]);
  return createHash('sha256').update(canonical).digest('hex');
}
