import { randomUUID } from 'node:crypto';
import type { RetryPolicy } from '../../src/adapters/queue/retry-policy';
import type {
  JobOutcome,
  OrderJob,
  OrderJobHandlers,
  OrderJobKind,
  OrderQueue,
  QueueConsumer,
} from '../../src/application/ports/order-queue';
import { failed, succeeded } from '../../src/application/shared/batcher';
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

/**
 * Records what a queue hands its handlers: each delivery whole, and each job of it.
 * `behaviour` decides each job's outcome: it fails when the behaviour throws.
 */
export class RecordingHandlers implements OrderJobHandlers {
  /** Every delivery, as the queue handed it over. */
  readonly batches: OrderJob[][] = [];
  readonly deliveries: OrderJob[] = [];
  readonly handled: OrderJob[] = [];
  readonly deadLetters: { job: OrderJob; error: unknown }[] = [];

  constructor(
    private readonly behaviour: (job: OrderJob, delivery: number) => Promise<void> = async () => {},
  ) {}

  async handle(jobs: readonly OrderJob[]): Promise<JobOutcome[]> {
    this.batches.push([...jobs]);
    return Promise.all(
      jobs.map(async (job): Promise<JobOutcome> => {
        this.deliveries.push(job);
        try {
          await this.behaviour(job, this.deliveriesOf(job));
        } catch (error) {
          return failed(error);
        }
        this.handled.push(job);
        return succeeded(undefined);
      }),
    );
  }

  async deadLettered(job: OrderJob, error: unknown): Promise<void> {
    this.deadLetters.push({ job, error });
  }

  deliveriesOf(job: OrderJob): number {
    return this.deliveries.filter(sameJob(job)).length;
  }

  /** The deliveries that held `job`, each as the queue handed it over. */
  batchesOf(job: OrderJob): OrderJob[][] {
    return this.batches.filter((batch) => batch.some(sameJob(job)));
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

    it('hands the handler the jobs published together as one delivery, in their order', async () => {
      const jobs = [newJob('PLACE'), newJob('CANCEL'), newJob('PLACE')];
      const handlers = new RecordingHandlers();
      await consume(handlers);

      await subject.queue.publish(jobs);

      await eventually(() => expect(handlers.batches).toStrictEqual([jobs]));
    });

    it('never handles more deliveries at once than the concurrency', async () => {
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

      for (const job of jobs) await subject.queue.publish([job]);
      await eventually(() => expect(running).toBe(2));
      release.open();

      await eventually(() => expect(handlers.handled).toHaveLength(jobs.length));
      expect(peak).toBe(2);
      expect(handlers.batches).toHaveLength(jobs.length);
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
          handle: (jobs) => handlers.handle(jobs),
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

    it('isConsuming() says whether the broker delivers to the consumer: true once consuming, false once stopped', async () => {
      const consumer = await consume(new RecordingHandlers());
      expect(consumer.isConsuming()).toBe(true);

      await consumer.stop();

      expect(consumer.isConsuming()).toBe(false);
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

    it('retries only the jobs of a delivery that failed, alone; the others are handled once', async () => {
      const [first, flaky, last] = [newJob(), newJob('CANCEL'), newJob()] as const;
      const handlers = new RecordingHandlers(async (job, delivery) => {
        if (job.orderId === flaky.orderId && delivery < 3) throw new Error('transient failure');
      });
      await consume(handlers, 4);

      await subject.queue.publish([first, flaky, last]);

      await eventually(() => expect(handlers.handled).toHaveLength(3));
      expect(handlers.batches).toStrictEqual([[first, flaky, last], [flaky], [flaky]]);
      expect(handlers.deadLetters).toEqual([]);
    });

    it('retries every job of a delivery whose handler rejected, together', async () => {
      const jobs = [newJob(), newJob('CANCEL')];
      let calls = 0;
      const handlers = new RecordingHandlers();
      await consume(
        {
          handle: async (delivery) => {
            calls += 1;
            if (calls === 1) throw new Error('the store is down');
            return handlers.handle(delivery);
          },
          deadLettered: (job, error) => handlers.deadLettered(job, error),
        },
        1,
      );

      await subject.queue.publish(jobs);

      await eventually(() => expect(handlers.batches).toStrictEqual([jobs]));
      expect(calls).toBe(2);
      expect(handlers.handled).toStrictEqual(jobs);
      expect(handlers.deadLetters).toEqual([]);
    });

    it('dead-letters only the jobs of a delivery that failed every attempt, each with its error', async () => {
      const [healthy, poison, doomed] = [newJob(), newJob(), newJob('CANCEL')] as const;
      const handlers = new RecordingHandlers(async (job) => {
        if (job.orderId === poison.orderId) throw new Error('poison');
        if (job.orderId === doomed.orderId) throw new Error('doomed');
      });
      await consume(handlers, 4);

      await subject.queue.publish([healthy, poison, doomed]);

      await eventually(() => expect(handlers.deadLetters).toHaveLength(2));
      expect(handlers.batches).toStrictEqual([
        [healthy, poison, doomed],
        ...Array(retry.maxAttempts - 1).fill([poison, doomed]),
      ]);
      expect(handlers.deadLetters.map(({ job, error }) => [job, (error as Error).message])).toEqual(
        expect.arrayContaining([
          [poison, 'poison'],
          [doomed, 'doomed'],
        ]),
      );
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
