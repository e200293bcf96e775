import { OverloadedError } from '../../../src/application/errors';
import {
  MAX_JOBS_PER_PUBLISH,
  MAX_JOBS_UNDER_WAY,
  MAX_PUBLISHES_IN_FLIGHT,
  MIN_PUBLISH_INTERVAL_MS,
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

const jobs = (prefix: string, count: number): OrderJob[] =>
  Array.from({ length: count }, (_, i) => job(`${prefix}${i}`));

/** Lets every promise continuation that is ready run. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('PublishAfterCommit, with no interval between publishes', () => {
  let broker: ManualBroker;
  let logger: RecordingLogger;
  let publisher: PublishAfterCommit;

  beforeEach(() => {
    broker = new ManualBroker();
    logger = new RecordingLogger();
    publisher = new PublishAfterCommit(broker as unknown as OrderQueue, logger, 0);
  });

  /** Takes every publish slot with an unconfirmed publish of one job. */
  function fillSlots(): void {
    for (let i = 0; i < MAX_PUBLISHES_IN_FLIGHT; i += 1) {
      publisher.publish([job(`slot${i}`)], 'not published');
    }
  }

  function confirmSlots(): void {
    for (let i = 0; i < MAX_PUBLISHES_IN_FLIGHT; i += 1) broker.confirm(i);
  }

  it('hands the jobs to the broker at once and returns without waiting for its confirmation', () => {
    publisher.publish([job('a'), job('b')], 'not published');

    expect(broker.published).toEqual([[job('a'), job('b')]]);
  });

  it('sends nothing for no jobs', async () => {
    publisher.publish([], 'not published');

    expect(broker.published).toEqual([]);
    expect(await settlesSoon(publisher.settled())).toBe(true);
  });

  it('is settled only once every publish under way was confirmed', async () => {
    publisher.publish([job('a')], 'not published');
    publisher.publish([job('b')], 'not published');

    broker.confirm(0);
    expect(await settlesSoon(publisher.settled())).toBe(false);
    broker.confirm(1);
    expect(await settlesSoon(publisher.settled())).toBe(true);
    expect(logger.lines).toEqual([]);
  });

  it('sends the jobs handed on while every slot is taken together, once one is confirmed', async () => {
    fillSlots();

    publisher.publish([job('a')], 'not published');
    publisher.publish([job('b'), job('c')], 'not published');
    expect(broker.published).toHaveLength(MAX_PUBLISHES_IN_FLIGHT);

    broker.confirm(0);
    await turn();
    expect(broker.published).toHaveLength(MAX_PUBLISHES_IN_FLIGHT + 1);
    expect(broker.published.at(-1)).toEqual([job('a'), job('b'), job('c')]);
  });

  it('fills a publish up to the most it holds, oldest jobs first, and never splits a call', async () => {
    const fifth = MAX_JOBS_PER_PUBLISH / 5;
    fillSlots();
    publisher.publish(jobs('a', 3 * fifth), 'not published');
    publisher.publish(jobs('b', 2 * fifth), 'not published');
    publisher.publish(jobs('c', 3 * fifth), 'not published');
    publisher.publish(jobs('d', 3 * fifth), 'not published');
    publisher.publish(jobs('e', 1), 'not published');

    confirmSlots();
    await turn();

    expect(broker.published.slice(MAX_PUBLISHES_IN_FLIGHT)).toEqual([
      [...jobs('a', 3 * fifth), ...jobs('b', 2 * fifth)],
      jobs('c', 3 * fifth),
    ]);
    broker.confirm(MAX_PUBLISHES_IN_FLIGHT);
    await turn();
    expect(broker.published.at(-1)).toEqual([...jobs('d', 3 * fifth), ...jobs('e', 1)]);
  });

  it('has room for new work until too many jobs are unconfirmed, and again once few enough are', async () => {
    publisher.publish([job('first')], 'not published');
    publisher.publish(jobs('a', MAX_JOBS_UNDER_WAY - 2), 'not published');
    expect(() => publisher.checkRoom()).not.toThrow();

    publisher.publish([job('b')], 'not published');

    expect(() => publisher.checkRoom()).toThrow(OverloadedError);
    broker.confirm(0);
    await turn();
    expect(() => publisher.checkRoom()).not.toThrow();
  });

  it('never makes the caller of a publish wait, however many jobs are unconfirmed', () => {
    publisher.publish(jobs('a', MAX_JOBS_UNDER_WAY), 'not published');

    publisher.publish([job('b')], 'not published');

    expect(broker.published).toEqual([jobs('a', MAX_JOBS_UNDER_WAY), [job('b')]]);
  });

  it('counts refused jobs as no longer under way, so that new work is taken again', async () => {
    publisher.publish(jobs('a', MAX_JOBS_UNDER_WAY), 'not published');
    expect(() => publisher.checkRoom()).toThrow(OverloadedError);

    broker.refuse(0, new Error('broker down'));
    await turn();

    expect(() => publisher.checkRoom()).not.toThrow();
  });

  it('is settled only once the jobs handed on while it waited are confirmed too', async () => {
    fillSlots();
    publisher.publish([job('a')], 'not published');
    const settled = publisher.settled();
    publisher.publish([job('b')], 'not published');

    confirmSlots();
    expect(await settlesSoon(settled)).toBe(false);
    expect(broker.published.at(-1)).toEqual([job('a'), job('b')]);
    broker.confirm(MAX_PUBLISHES_IN_FLIGHT);
    expect(await settlesSoon(settled)).toBe(true);
  });

  it('logs a refused publish with the order ids and the warning of each caller in it', async () => {
    fillSlots();
    publisher.publish([job('a'), job('b')], 'orders stored but not published');
    publisher.publish([job('c')], 'cancellations stored but not published');

    confirmSlots();
    await turn();
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

  it('treats a queue that throws instead of rejecting as a refusal', async () => {
    const throwing = {
      publish: () => {
        throw new Error('not connected');
      },
    } as unknown as OrderQueue;
    publisher = new PublishAfterCommit(throwing, logger, 0);

    publisher.publish(jobs('a', MAX_JOBS_UNDER_WAY), 'orders stored but not published');
    await publisher.settled();

    expect(() => publisher.checkRoom()).not.toThrow();
    publisher.publish([job('b')], 'not published');
    await publisher.settled();
    expect(logger.lines.map((line) => line.fields?.['error'])).toEqual([
      'Error: not connected',
      'Error: not connected',
    ]);
  });
});

describe('PublishAfterCommit, with its interval between publishes', () => {
  let broker: ManualBroker;
  let publisher: PublishAfterCommit;

  beforeEach(() => {
    // The test's own turns of the event loop (setImmediate) stay real.
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    broker = new ManualBroker();
    publisher = new PublishAfterCommit(broker as unknown as OrderQueue, new RecordingLogger());
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('sends a lone job at once, and the jobs handed on within the interval together after it', async () => {
    publisher.publish([job('a')], 'not published');
    expect(broker.published).toEqual([[job('a')]]);
    broker.confirm(0);
    await turn();

    publisher.publish([job('b')], 'not published');
    publisher.publish([job('c')], 'not published');
    jest.advanceTimersByTime(MIN_PUBLISH_INTERVAL_MS - 1);
    expect(broker.published).toHaveLength(1);

    jest.advanceTimersByTime(1);
    expect(broker.published).toEqual([[job('a')], [job('b'), job('c')]]);
  });

  it('sends a job handed on once the interval is over at once', async () => {
    publisher.publish([job('a')], 'not published');
    jest.advanceTimersByTime(MIN_PUBLISH_INTERVAL_MS);

    publisher.publish([job('b')], 'not published');

    expect(broker.published).toEqual([[job('a')], [job('b')]]);
  });

  it('sends the jobs waiting out the interval at once when asked to settle', async () => {
    publisher.publish([job('a')], 'not published');
    publisher.publish([job('b')], 'not published');

    const settled = publisher.settled();

    expect(broker.published).toEqual([[job('a')], [job('b')]]);
    broker.confirm(0);
    expect(await settlesSoon(settled)).toBe(false);
    broker.confirm(1);
    expect(await settlesSoon(settled)).toBe(true);
  });

  it('sends the jobs waiting out the interval when asked to settle with none unconfirmed', async () => {
    publisher.publish([job('a')], 'not published');
    broker.confirm(0);
    await turn();
    publisher.publish([job('b')], 'not published');

    const settled = publisher.settled();

    expect(broker.published).toEqual([[job('a')], [job('b')]]);
    broker.confirm(1);
    expect(await settlesSoon(settled)).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('starts the interval afresh when a handover of too many jobs cuts it short', async () => {
    publisher.publish([job('first')], 'not published');
    broker.confirm(0);
    await turn();
    jest.advanceTimersByTime(MIN_PUBLISH_INTERVAL_MS / 2);
    publisher.publish(jobs('a', MAX_JOBS_UNDER_WAY + 1), 'not published');
    broker.confirm(1);
    await turn();

    jest.advanceTimersByTime(MIN_PUBLISH_INTERVAL_MS / 2);
    publisher.publish([job('b')], 'not published');
    expect(broker.published).toHaveLength(2);

    jest.advanceTimersByTime(MIN_PUBLISH_INTERVAL_MS / 2);
    expect(broker.published.at(-1)).toEqual([job('b')]);
  });

  it('does not make a handover of too many jobs wait out the interval', async () => {
    publisher.publish([job('first')], 'not published');
    broker.confirm(0);
    await turn();

    publisher.publish(jobs('a', MAX_JOBS_UNDER_WAY), 'not published');

    expect(broker.published).toEqual([[job('first')], jobs('a', MAX_JOBS_UNDER_WAY)]);
  });
});
