import { sleep } from 'k6';
import { listAllCustomerOrders } from './api.ts';
import type { Order } from './api.ts';

/** Calls `attempt` until it returns true or `timeoutMs` has passed; says whether it did. */
export function pollUntil(attempt: () => boolean, timeoutMs: number, intervalMs = 250): boolean {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (attempt()) return true;
    if (Date.now() >= deadline) return false;
    sleep(intervalMs / 1000);
  }
}

/**
 * The orders of these customers once every one of them `isSettled`, or as they stand when
 * `timeoutMs` runs out (the caller judges them either way), read as an admin. Teardown runs after
 * the load and a 202 means the order is stored, so the first listing already holds every order;
 * later rounds list only the customers that still have unsettled ones.
 */
export function waitForOrders(
  admin: string,
  customerIds: readonly string[],
  isSettled: (order: Order) => boolean,
  timeoutMs: number,
): Order[] {
  const latest = new Map<string, Order[]>();
  let unsettled = [...customerIds];
  pollUntil(() => {
    for (const id of unsettled) {
      const orders = listAllCustomerOrders(admin, id);
      if (orders !== null) latest.set(id, orders);
    }
    unsettled = unsettled.filter((id) => !(latest.get(id)?.every(isSettled) ?? false));
    return unsettled.length === 0;
  }, timeoutMs);
  return [...latest.values()].flat();
}
