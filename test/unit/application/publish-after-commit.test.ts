import {
  MAX_JOBS_UNDER_WAY,
  MAX_PUBLISHES_IN_FLIGHT,
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

const MAX_JOBS_PER_PUBLISH = 100;

const jobs = (prefix: string, count: number): OrderJob[] =>
  Array.from({ length: count }, (_, i) => job(`${prefix}${i}`));

describe('PublishAfterCommit', () => {
  let broker: ManualBroker;
  let logger: RecordingLogger;
  let publisher: PublishAfterCommit;

  beforeEach(() => {
    broker = new ManualBroker();
    logger = new RecordingLogger();
    publisher = new PublishAfterCommit(
      broker as unknown as OrderQueue,
      logger,
      MAX_JOBS_PER_PUBLISH,
    );
  });

  /** Fills every publish slot with an unconfirmed publish of one job. */
  async function fillSlots(): Promise<void> {
    for (let i = 0; i < MAX_PUBLISHES_IN_FLIGHT; i += 1) {
      await publisher.publish([job(`slot${i}`)], 'not published');
    }
  }

  function confirmSlots(): void {
    for (let i = 0; i < MAX_PUBLISHES_IN_FLIGHT; i += 1) broker.confirm(i);
  }

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

  it('sends the jobs handed on while every slot is taken together, once one is confirmed', async () => {
    await fillSlots();

    expect(await settlesSoon(publisher.publish([job('a')], 'not published'))).toBe(true);
    expect(await settlesSoon(publisher.publish([job('b'), job('c')], 'not published'))).toBe(true);
    expect(broker.published).toHaveLength(MAX_PUBLISHES_IN_FLIGHT);

    broker.confirm(0);
    await settlesSoon(Promise.resolve());
    expect(broker.published).toHaveLength(MAX_PUBLISHES_IN_FLIGHT + 1);
    expect(broker.published.at(-1)).toEqual([job('a'), job('b'), job('c')]);
  });

  it('puts no more jobs in one publish than it may hold; the rest go in the next', async () => {
    await fillSlots();
    void publisher.publish(jobs('a', 60), 'not published');
    void publisher.publish(jobs('b', 30), 'not published');
    void publisher.publish(jobs('c', 20), 'not published');

    confirmSlots();
    await settlesSoon(Promise.resolve());
    broker.confirm(MAX_PUBLISHES_IN_FLIGHT);
    await settlesSoon(Promise.resolve());

    expect(broker.published.slice(MAX_PUBLISHES_IN_FLIGHT)).toEqual([
      [...jobs('a', 60), ...jobs('b', 30)],
      jobs('c', 20),
    ]);
  });

  it('makes the caller wait once too many jobs are unconfirmed, until enough of them are', async () => {
    const parts = Math.ceil(MAX_JOBS_UNDER_WAY / MAX_JOBS_PER_PUBLISH);
    for (let i = 0; i < parts; i += 1) {
      const size = Math.min(MAX_JOBS_PER_PUBLISH, MAX_JOBS_UNDER_WAY - i * MAX_JOBS_PER_PUBLISH);
      expect(await settlesSoon(publisher.publish(jobs(`a${i}-`, size), 'not published'))).toBe(
        true,
      );
    }

    const oneTooMany = publisher.publish([job('b')], 'not published');

    expect(await settlesSoon(oneTooMany)).toBe(false);
    broker.confirm(0);
    expect(await settlesSoon(oneTooMany)).toBe(true);
  });

  it('is settled only once the jobs handed on while it waited are confirmed too', async () => {
    await fillSlots();
    void publisher.publish([job('a')], 'not published');
    const settled = publisher.settled();

    confirmSlots();
    expect(await settlesSoon(settled)).toBe(false);
    expect(broker.published.at(-1)).toEqual([job('a')]);
    broker.confirm(MAX_PUBLISHES_IN_FLIGHT);
    expect(await settlesSoon(settled)).toBe(true);
  });

  it('logs a refused publish with the order ids and the warning of each caller in it', async () => {
    await fillSlots();
    void publisher.publish([job('a'), job('b')], 'orders stored but not published');
    void publisher.publish([job('c')], 'cancellations stored but not published');

    confirmSlots();
    await settlesSoon(Promise.resolve());
    broker.refuse(MAX_PUBLISHES_IN_FLIGHT, new Error('broker down'));
    await publisher.settled();

    expect(logger.lines).toEqual([
      {
        level: 'warn',
        message: 'orders stored but not published',
        fields: { orderIds: ['a', 'b'], error: 'Error: broker down' },
      },
      {
        level: 'warn',
        message: 'cancellations stored but not published',
        fields: { orderIds: ['c'], error: 'Error: broker down' },
      },
    ]);
  });
});
