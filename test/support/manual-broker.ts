import type { OrderJob, OrderQueue } from '../../src/application/ports/order-queue';
import { orderId } from '../../src/domain/shared/ids';

/** A broker whose confirmations the test hands out one publish at a time. */
export class ManualBroker implements Pick<OrderQueue, 'publish'> {
  readonly published: OrderJob[][] = [];
  private readonly confirms: { resolve(): void; reject(error: Error): void }[] = [];

  publish(jobs: readonly OrderJob[]): Promise<void> {
    this.published.push([...jobs]);
    return new Promise((resolve, reject) => this.confirms.push({ resolve, reject }));
  }

  confirm(index: number): void {
    this.confirms[index]?.resolve();
  }

  refuse(index: number, error: Error): void {
    this.confirms[index]?.reject(error);
  }
}

export const job = (id: string): OrderJob => ({ kind: 'PLACE', orderId: orderId(id) });

export const jobs = (prefix: string, count: number): OrderJob[] =>
  Array.from({ length: count }, (_, i) => job(`${prefix}${i}`));

/** Lets every promise continuation that is ready run. */
export const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Resolves with whether `promise` settled within a turn of the event loop. */
export async function settlesSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await turn();
  return settled;
}
