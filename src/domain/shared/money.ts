import { AmountTooLargeError } from './domain-error';

/** Money is an integer of minor units; every sum stays a safe integer or is refused. */
export const MAX_AMOUNT = Number.MAX_SAFE_INTEGER;

export function addAmounts(a: number, b: number, path: string): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new AmountTooLargeError(path);
  return sum;
}
