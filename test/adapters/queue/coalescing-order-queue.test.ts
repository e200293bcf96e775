import {
  CoalescingOrderQueue,
  type PublishCoalescing,
} from '../../../src/adapters/queue/coalescing-order-queue';
import type { OrderQueue } from '../../../src/application/ports/order-queue';
import { job, jobs, ManualBroker, settlesSoon, turn } from '../../support/manual-broker';

/** The wrapped queue: publishes wait for the test's confirmations; the rest is recorded. */
class WrappedBroker extends ManualBroker implements OrderQueue {
  readonly calls: string[] = [];

  republish = async () => void this.calls.push('republish');
  consume = async () => {
    this.calls.push('consume');
    return { isConsuming: () => true, stop: async () => {} };
  };
  depth = async () => {
    this.calls.push('depth');
    return 7;
  };
  close = async () => void this.calls.push('close');
}

/** Observes a publish at once, so that its rejection is never left unhandled while a test waits. */
const outcomeOf = (publishing: Promise<void>): Promise<string> =>
  publishing.then(
    () => 'confirmed',
    (error: Error) => `refused: ${error.message}`,
  );

describe('CoalescingOrderQueue, with no interval', () => {
  const coalescing: PublishCoalescing = { maxJobs: 10, inFlight: 2, minIntervalMs: 0 };
  let broker: WrappedBroker;
  let queue: CoalescingOrderQueue;

  beforeEach(() => {
    broker = new WrappedBroker();
    queue = new CoalescingOrderQueue(broker, coalescing);
  });

  /** Takes every publish slot with an unconfirmed publish of one job. */
  function fillSlots(): Promise<string>[] {
    return Array.from({ length: coalescing.inFlight }, (_, i) =>
      outcomeOf(queue.publish([job(`slot${i}`)])),
    );
  }

  it('publishes a lone call at once, and resolves it once the broker confirmed', async () => {
    const publishing = queue.publish([job('a'), job('b')]);

    expect(broker.published).toEqual([[job('a'), job('b')]]);
    expect(await settlesSoon(publishing)).toBe(false);
    broker.confirm(0);
    expect(await settlesSoon(publishing)).toBe(true);
  });

  it('sends nothing for no jobs', async () => {
    await queue.publish([]);

    expect(broker.published).toEqual([]);
  });

  it('sends the calls made while every publish is under way together, once one is confirmed', async () => {
    fillSlots();
    const a = outcomeOf(queue.publish([job('a')]));
    const bc = outcomeOf(queue.publish([job('b'), job('c')]));
    expect(broker.published).toHaveLength(coalescing.inFlight);

    broker.confirm(0);
    await turn();
    expect(broker.published).toHaveLength(coalescing.inFlight + 1);
    expect(broker.published.at(-1)).toEqual([job('a'), job('b'), job('c')]);
    broker.confirm(coalescing.inFlight);
    expect(await Promise.all([a, bc])).toEqual(['confirmed', 'confirmed']);
  });

  it('fills a publish up to the most it holds, oldest jobs first, and never splits a call', async () => {
    fillSlots();
    for (const [prefix, count] of [
      ['a', 6],
      ['b', 4],
      ['c', 6],
      ['d', 3],
      ['e', 1],
    ] as const) {
      void outcomeOf(queue.publish(jobs(prefix, count)));
    }

    broker.confirm(0);
    broker.confirm(1);
    await turn();

    expect(broker.published.slice(coalescing.inFlight)).toEqual([
      [...jobs('a', 6), ...jobs('b', 4)],
      [...jobs('c', 6), ...jobs('d', 3), ...jobs('e', 1)],
    ]);
  });

  it('sends a call larger than a publish holds whole, alone', async () => {
    fillSlots();
    void outcomeOf(queue.publish(jobs('big', 12)));
    void outcomeOf(queue.publish([job('after')]));

    broker.confirm(0);
    await turn();

    expect(broker.published.slice(coalescing.inFlight)).toEqual([jobs('big', 12)]);
  });

  it('refuses every call a refused publish carried, and only those', async () => {
    const slots = fillSlots();
    const a = outcomeOf(queue.publish([job('a')]));
    const b = outcomeOf(queue.publish([job('b')]));
    broker.confirm(0);
    await turn();

    broker.refuse(coalescing.inFlight, new Error('broker down'));
    broker.confirm(1);

    expect(await Promise.all([...slots, a, b])).toEqual([
      'confirmed',
      'confirmed',
      'refused: broker down',
      'refused: broker down',
    ]);
  });

  it('refuses the calls of a publish the queue threw on instead of rejecting', async () => {
    const throwing = new WrappedBroker();
    throwing.publish = () => {
      throw new Error('not connected');
    };
    queue = new CoalescingOrderQueue(throwing, coalescing);

    await expect(queue.publish([job('a')])).rejects.toThrow('not connected');
    await expect(queue.publish([job('b')])).rejects.toThrow('not connected');
  });

  it('leaves re-publishing, consuming, depth and closing to the queue it wraps', async () => {
    await queue.republish([job('a')]);
    await queue.consume(
      { handle: async () => [], deadLettered: async () => {} },
      { concurrency: 1 },
    );
    expect(await queue.depth()).toBe(7);
    await queue.close();

    expect(broker.calls).toEqual(['republish', 'consume', 'depth', 'close']);
    expect(broker.published).toEqual([]);
  });
});

describe('CoalescingOrderQueue, with an interval between publishes', () => {
  const interval = 20;
  let broker: WrappedBroker;
  let queue: CoalescingOrderQueue;

  beforeEach(() => {
    // The test's own turns of the event loop (setImmediate) stay real.
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    broker = new WrappedBroker();
    queue = new CoalescingOrderQueue(broker, { maxJobs: 10, inFlight: 1, minIntervalMs: interval });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('sends a lone call at once, and the calls made within the interval together after it', async () => {
    const first = outcomeOf(queue.publish([job('a')]));
    expect(broker.published).toEqual([[job('a')]]);
    broker.confirm(0);
    await turn();

    const later = [queue.publish([job('b')]), queue.publish([job('c')])].map(outcomeOf);
    jest.advanceTimersByTime(interval - 1);
    await turn();
    expect(broker.published).toHaveLength(1);

    jest.advanceTimersByTime(1);
    await turn();
    expect(broker.published).toEqual([[job('a')], [job('b'), job('c')]]);
    expect(await first).toBe('confirmed');
    broker.confirm(1);
    jest.advanceTimersByTime(interval);
    expect(await Promise.all(later)).toEqual(['confirmed', 'confirmed']);
  });

  it('sends a call made once the interval is over at once', async () => {
    void outcomeOf(queue.publish([job('a')]));
    broker.confirm(0);
    jest.advanceTimersByTime(interval);
    await turn();

    void outcomeOf(queue.publish([job('b')]));

    expect(broker.published).toEqual([[job('a')], [job('b')]]);
  });

  it('holds the next publish back until a publish slower than the interval is confirmed', async () => {
    void outcomeOf(queue.publish([job('a')]));
    void outcomeOf(queue.publish([job('b')]));
    jest.advanceTimersByTime(5 * interval);
    await turn();
    expect(broker.published).toEqual([[job('a')]]);

    broker.confirm(0);
    await turn();

    expect(broker.published).toEqual([[job('a')], [job('b')]]);
  });
});
