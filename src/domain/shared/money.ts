import { AmountTooLargeError } from './domain-error';

/** Money is an integer of minor units; every sum stays a safe integer or is refused. */
export const MAX_AMOUNT = Number.MAX_SAFE_INTEGER;

export function addAmounts(a: number, b: number, path: string): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new AmountTooLargeError(path);
  return sum;
}

/**
 * Refuses an increase that would take a running total past MAX_AMOUNT. For totals that bound
 * other amounts: what stays within them can then be added back without overflowing.
 */
export function ensureRoomFor(increase: number, total: number, path: string): void {
  addAmounts(total, increase, path);
}
