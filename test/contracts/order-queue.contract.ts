import { randomUUID } from 'node:crypto';
import type { RetryPolicy } from '../../src/adapters/queue/retry-policy';
import type {
  OrderJob,
  OrderJobHandlers,
  OrderJobKind,
  OrderQueue,
  QueueConsumer,
} from '../../src/application/ports/order-queue';
import { customerId, orderId, productId } from '../../src/domain/shared/ids';
import { eventually } from '../support/eventually';

export interface OrderQueueSubject {
  queue: OrderQueue;
  /** Closes the queue and removes whatever it left on its broker. */
  dispose(): Promise<void>;
}

/** Builds a queue on a name of its own, so tests never see each other's jobs. */
export type MakeOrderQueue = (retry: RetryPolicy) => Promise<OrderQueueSubject>;

const retry: RetryPolicy = { maxAttempts: 3, backoffMs: 20 };

export function newJob(kind: OrderJobKind = 'PLACE'): OrderJob {
  return { kind, orderId: orderId(randomUUID()) };
}

const sameJob = (a: OrderJob) => (b: OrderJob) => a.kind === b.kind && a.orderId === b.orderId;
const byOrderId = (a: OrderJob, b: OrderJob) => a.orderId.localeCompare(b.orderId);

/** Records what a queue hands its handlers; `behaviour` decides how each delivery ends. */
export class RecordingHandlers implements OrderJobHandlers {
  readonly deliveries: OrderJob[] = [];
  readonly handled: OrderJob[] = [];
  readonly deadLetters: { job: OrderJob; error: unknown }[] = [];

  constructor(
    private readonly behaviour: (job: OrderJob, delivery: number) => Promise<void> = async () => {},
  ) {}

  async handle(job: OrderJob): Promise<void> {
    this.deliveries.push(job);
    await this.behaviour(job, this.deliveriesOf(job));
    this.handled.push(job);
  }

  async deadLettered(job: OrderJob, error: unknown): Promise<void> {
    this.deadLetters.push({ job, error });
  }

  deliveriesOf(job: OrderJob): number {
    return this.deliveries.filter(sameJob(job)).length;
  }
}

function gate(): { opened: Promise<void>; open(): void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

export function orderQueueContract(name: string, makeQueue: MakeOrderQueue): void {
  describe(`OrderQueue contract: ${name}`, () => {
    let subject: OrderQueueSubject;
    let consumers: QueueConsumer[];

    beforeEach(async () => {
      subject = await makeQueue(retry);
      consumers = [];
    });

    afterEach(async () => {
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      await subject.dispose();
    });

    async function consume(handlers: OrderJobHandlers, concurrency = 2): Promise<QueueConsumer> {
      const consumer = await subject.queue.consume(handlers, { concurrency });
      consumers.push(consumer);
      return consumer;
    }

    it('delivers every published job to the handler with its payload intact', async () => {
      const jobs = [newJob('PLACE'), newJob('CANCEL'), newJob('PLACE'), newJob('CANCEL')];
      const handlers = new RecordingHandlers();
      await consume(handlers);

      await subject.queue.publish(jobs);

      await eventually(() =>
        expect([...handlers.handled].sort(byOrderId)).toStrictEqual([...jobs].sort(byOrderId)),
      );
      expect(handlers.deadLetters).toEqual([]);
    });

    it("delivers a job's parties with it, and a job without parties without", async () => {
      const jobs = [
        {
          ...newJob('PLACE'),
          parties: {
            customerId: customerId(randomUUID()),
            productIds: [productId(randomUUID()), productId(randomUUID())],
          },
        },
        newJob('CANCEL'),
      ];
      const handlers = new RecordingHandlers();
      await consume(handlers);

      await subject.queue.publish(jobs);

      await eventually(() =>
        expect([...handlers.handled].sort(byOrderId)).toStrictEqual([...jobs].sort(byOrderId)),
      );
    });

    it('never runs more handlers at once than the concurrency', async () => {
      const jobs = Array.from({ length: 6 }, () => newJob());
      const release = gate();
      let running = 0;
      let peak = 0;
      const handlers = new RecordingHandlers(async () => {
        running += 1;
        peak = Math.max(peak, running);
        try {
          await release.opened;
        } finally {
          running -= 1;
        }
      });
      await consume(handlers, 2);

      await subject.queue.publish(jobs);
      await eventually(() => expect(running).toBe(2));
      release.open();

      await eventually(() => expect(handlers.handled).toHaveLength(jobs.length));
      expect(peak).toBe(2);
    });

    it('delivers a job again after its handler rejected, until it succeeds', async () => {
      const job = newJob();
      const handlers = new RecordingHandlers(async (_job, delivery) => {
        if (delivery === 1) throw new Error('transient failure');
      });
      await consume(handlers);

      await subject.queue.publish([job]);

      await eventually(() => expect(handlers.handled).toStrictEqual([job]));
      expect(handlers.deliveriesOf(job)).toBe(2);
      expect(handlers.deadLetters).toEqual([]);
    });

    it('dead-letters a job that fails every attempt, once, and delivers it no more', async () => {
      const doomed = newJob();
      const handlers = new RecordingHandlers(async (job) => {
        if (sameJob(doomed)(job)) throw new Error('permanent failure');
      });
      await consume(handlers, 1);

      await subject.queue.publish([doomed]);
      await eventually(() => expect(handlers.deadLetters).toHaveLength(1));
      // A job published after the dead-lettering has been handled: a redelivery of the doomed
      // job that was still on its way would have reached the handler by then too.
      const after = newJob();
      await subject.queue.publish([after]);
      await eventually(() => expect(handlers.handled).toStrictEqual([after]));

      expect(handlers.deliveriesOf(doomed)).toBe(retry.maxAttempts);
      expect(handlers.deadLetters).toHaveLength(1);
      const [deadLetter] = handlers.deadLetters;
      expect(deadLetter?.job).toStrictEqual(doomed);
      expect(deadLetter?.error).toBeInstanceOf(Error);
      expect((deadLetter?.error as Error).message).toBe('permanent failure');
    });

    it('goes on delivering after a dead letter could not be reported', async () => {
      const doomed = newJob();
      const handlers = new RecordingHandlers(async (job) => {
        if (sameJob(doomed)(job)) throw new Error('permanent failure');
      });
      const reports: OrderJob[] = [];
      await consume(
        {
          handle: (job) => handlers.handle(job),
          deadLettered: async (job) => {
            reports.push(job);
            throw new Error('the store is down');
          },
        },
        1,
      );

      await subject.queue.publish([doomed]);
      await eventually(() => expect(reports).toStrictEqual([doomed]));
      const after = newJob();
      await subject.queue.publish([after]);

      await eventually(() => expect(handlers.handled).toStrictEqual([after]));
    });

    it('delivers jobs published before anyone consumed, once consuming starts', async () => {
      const jobs = [newJob(), newJob()];
      await subject.queue.publish(jobs);
      const handlers = new RecordingHandlers();

      await consume(handlers);

      await eventually(() =>
        expect([...handlers.handled].sort(byOrderId)).toStrictEqual([...jobs].sort(byOrderId)),
      );
    });

    it('stop() resolves only after the handler in flight has finished', async () => {
      const job = newJob();
      const release = gate();
      let finished = false;
      const handlers = new RecordingHandlers(async () => {
        await release.opened;
        finished = true;
      });
      const consumer = await consume(handlers, 1);
      await subject.queue.publish([job]);
      await eventually(() => expect(handlers.deliveries).toHaveLength(1));

      let finishedWhenStopped: boolean | undefined;
      const stopping = consumer.stop().then(() => {
        finishedWhenStopped = finished;
      });
      // A grace period, not a threshold: it lets a stop() that does not wait resolve early,
      // and cannot fail an adapter that waits.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(finishedWhenStopped).toBeUndefined();
      release.open();
      await stopping;

      expect(finishedWhenStopped).toBe(true);
      expect(handlers.handled).toStrictEqual([job]);
    });

    it('depth() counts the publishes waiting to be taken, each with the jobs published together', async () => {
      await subject.queue.publish([newJob()]);
      await subject.queue.publish([newJob(), newJob('CANCEL')]);

      await eventually(async () => expect(await subject.queue.depth()).toBe(2));

      const handlers = new RecordingHandlers();
      await consume(handlers);
      await eventually(() => expect(handlers.handled).toHaveLength(3));
      await eventually(async () => expect(await subject.queue.depth()).toBe(0));
    });

    it('retries only the jobs of a publish that failed; the others are handled once', async () => {
      const [first, flaky, last] = [newJob(), newJob('CANCEL'), newJob()] as const;
      const handlers = new RecordingHandlers(async (job, delivery) => {
        if (job.orderId === flaky.orderId && delivery < 3) throw new Error('transient failure');
      });
      await consume(handlers, 4);

      await subject.queue.publish([first, flaky, last]);

      await eventually(() => expect(handlers.handled).toHaveLength(3));
      expect(handlers.deliveriesOf(first)).toBe(1);
      expect(handlers.deliveriesOf(flaky)).toBe(3);
      expect(handlers.deliveriesOf(last)).toBe(1);
      expect(handlers.deadLetters).toEqual([]);
    });

    it('dead-letters only the jobs of a publish that failed every attempt', async () => {
      const [healthy, poison] = [newJob(), newJob()] as const;
      const handlers = new RecordingHandlers(async (job) => {
        if (job.orderId === poison.orderId) throw new Error('permanent failure');
      });
      await consume(handlers, 4);

      await subject.queue.publish([healthy, poison]);

      await eventually(() => expect(handlers.deadLetters).toHaveLength(1));
      expect(handlers.deadLetters[0]?.job).toStrictEqual(poison);
      expect(handlers.deliveriesOf(poison)).toBe(retry.maxAttempts);
      expect(handlers.handled).toStrictEqual([healthy]);
    });

    it('delivers re-published work, queued already or not', async () => {
      const [queued, lost] = [newJob(), newJob('CANCEL')];
      await subject.queue.publish([queued]);
      await subject.queue.republish([queued, lost]);
      const handlers = new RecordingHandlers();

      await consume(handlers);

      await eventually(() =>
        expect(new Set(handlers.handled.map((job) => job.orderId))).toEqual(
          new Set([queued.orderId, lost.orderId]),
        ),
      );
      expect(handlers.deadLetters).toEqual([]);
    });

    it('accepts the same job published twice and hands the handler only that job', async () => {
      const job = newJob();
      await subject.queue.publish([job, job]);
      await subject.queue.publish([job]);
      const handlers = new RecordingHandlers();

      await consume(handlers);

      await eventually(() => expect(handlers.handled.length).toBeGreaterThanOrEqual(1));
      expect(handlers.deliveries.every(sameJob(job))).toBe(true);
    });
  });
}
