import {
  MAX_JOBS_UNDER_WAY,
  PublishAfterCommit,
} from '../../../src/application/orders/publish-after-commit';
import type { OrderJob, OrderQueue } from '../../../src/application/ports/order-queue';
import { orderId } from '../../../src/domain/shared/ids';
import { RecordingLogger } from '../../http/http-kit';

/** A broker whose confirmations the test hands out one publish at a time. */
class ManualBroker implements Pick<OrderQueue, 'publish'> {
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

const job = (id: string): OrderJob => ({ kind: 'PLACE', orderId: orderId(id) });

/** Resolves with whether `promise` settled within a few turns of the event loop. */
async function settlesSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('PublishAfterCommit', () => {
  let broker: ManualBroker;
  let logger: RecordingLogger;
  let publisher: PublishAfterCommit;

  beforeEach(() => {
    broker = new ManualBroker();
    logger = new RecordingLogger();
    publisher = new PublishAfterCommit(broker as unknown as OrderQueue, logger);
  });

  it('hands the jobs to the broker at once and returns without waiting for its confirmation', () => {
    void publisher.publish([job('a'), job('b')], 'not published');

    expect(broker.published).toEqual([[job('a'), job('b')]]);
  });

  it('sends nothing for no jobs', async () => {
    void publisher.publish([], 'not published');

    expect(broker.published).toEqual([]);
    expect(await settlesSoon(publisher.settled())).toBe(true);
  });

  it('is settled only once every publish under way was confirmed', async () => {
    void publisher.publish([job('a')], 'not published');
    void publisher.publish([job('b')], 'not published');

    broker.confirm(0);
    expect(await settlesSoon(publisher.settled())).toBe(false);
    broker.confirm(1);
    expect(await settlesSoon(publisher.settled())).toBe(true);
    expect(logger.lines).toEqual([]);
  });

  it('makes the caller wait once too many jobs are unconfirmed, until enough of them are', async () => {
    const manyJobs = (prefix: string, count: number): OrderJob[] =>
      Array.from({ length: count }, (_, i) => job(`${prefix}${i}`));
    await publisher.publish(manyJobs('a', MAX_JOBS_UNDER_WAY - 1), 'not published');
    await publisher.publish([job('b')], 'not published');

    const oneTooMany = publisher.publish(manyJobs('c', 2), 'not published');

    expect(broker.published).toHaveLength(3);
    expect(await settlesSoon(oneTooMany)).toBe(false);
    broker.confirm(1);
    expect(await settlesSoon(oneTooMany)).toBe(false);
    broker.confirm(0);
    expect(await settlesSoon(oneTooMany)).toBe(true);
  });

  it('lets many small publishes go on unconfirmed while their jobs stay under the bound', async () => {
    for (let i = 0; i < 64; i += 1) {
      expect(await settlesSoon(publisher.publish([job(`a${i}`)], 'not published'))).toBe(true);
    }

    expect(broker.published).toHaveLength(64);
  });

  it('is settled only once the publishes started while it waited are confirmed too', async () => {
    void publisher.publish([job('a')], 'not published');
    const settled = publisher.settled();
    void publisher.publish([job('b')], 'not published');

    broker.confirm(0);
    expect(await settlesSoon(settled)).toBe(false);
    broker.confirm(1);
    expect(await settlesSoon(settled)).toBe(true);
  });

  it('logs a refused publish with its order ids, for the re-publisher to cover', async () => {
    void publisher.publish([job('a'), job('b')], 'orders stored but not published');

    broker.refuse(0, new Error('broker down'));
    await publisher.settled();

    expect(logger.lines).toEqual([
      {
        level: 'warn',
        message: 'orders stored but not published',
        fields: { orderIds: ['a', 'b'], error: 'Error: broker down' },
      },
    ]);
  });
});
