import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import Redis from 'ioredis';
import type { Logger } from '../../../application/ports/logger';
import type {
  ConsumeOptions,
  OrderJob,
  OrderJobHandlers,
  OrderQueue,
  QueueConsumer,
} from '../../../application/ports/order-queue';
import type { PublishCoalescing } from '../coalescing-order-queue';
import { type FailedJob, handleDelivery, reportDeadLetters } from '../delivery';
import { type OrderJobsPayload, toOrderJobs, toPayload } from '../order-job-payload';
import type { RetryPolicy } from '../retry-policy';

export interface BullmqOrderQueueOptions {
  redisUrl: string;
  queueName: string;
  retry: RetryPolicy;
  logger: Logger;
}

/** The failed set is the dead-letter queue: kept for inspection, bounded so it cannot fill Redis. */
const DEAD_LETTERS_KEPT = { count: 10_000, age: 14 * 24 * 60 * 60 };

/**
 * The jobs of a worker that died are handed out again once their lock expired and a stalled-job
 * check saw them: within about 20 s here, where BullMQ's defaults (30 s, 30 s) take up to a
 * minute. A live worker renews its locks every 7.5 s, so only a process stuck that long loses
 * one, and a job run twice is harmless (processing is idempotent).
 */
const STALLED_JOB_CHECK = { lockDuration: 15_000, stalledInterval: 5_000 };

/**
 * Redis confirms a publish within about a millisecond, so publishes would hardly ever overlap and
 * each API batch would be a message of its own: one publish at a time, at most one per 20 ms.
 */
export const BULLMQ_PUBLISH_COALESCING: PublishCoalescing = {
  maxJobs: 500,
  inFlight: 1,
  minIntervalMs: 20,
};

/**
 * A re-published job's id is derived from the job, so that re-publishing work that is still
 * waiting or held adds nothing. BullMQ refuses ':' in custom ids (it separates key parts) and ids
 * that read as integers: the kind prefix rules out the latter, and encoding the order id the
 * former without merging two ids.
 */
export function bullmqJobId(job: OrderJob): string {
  return `${job.kind.toLowerCase()}-${encodeURIComponent(job.orderId)}`;
}

/** The jobs of a delivery that failed, each with its own error, for the dead-letter report. */
class JobsFailed extends Error {
  constructor(readonly failures: readonly FailedJob[]) {
    const [first] = failures;
    super(
      `${failures.length} order job(s) failed` +
        (first ? `, first ${first.job.kind} ${first.job.orderId}: ${String(first.error)}` : ''),
    );
  }
}

/**
 * Order work on Redis through BullMQ. The jobs of one publish are one BullMQ job, so that Redis
 * adds, hands out and completes a batch once, not once per job. When some of them fail, the job
 * keeps only those for its next attempt. Jobs that fail every attempt stay in the failed set, which
 * is the dead-letter queue; completed jobs are removed.
 */
export class BullmqOrderQueue implements OrderQueue {
  private readonly consumers = new Set<QueueConsumer>();

  private constructor(
    private readonly producer: Redis,
    private readonly queue: Queue<OrderJobsPayload>,
    private readonly options: BullmqOrderQueueOptions,
    private readonly logger: Logger,
  ) {}

  static create(options: BullmqOrderQueueOptions): BullmqOrderQueue {
    const logger = options.logger;
    // The producer must fail fast while Redis is down: publish is on the request path, and a
    // stored order whose publish failed is picked up again by the re-publisher.
    const producer = new Redis(options.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    const queue = new Queue<OrderJobsPayload>(options.queueName, {
      connection: producer,
      defaultJobOptions: {
        attempts: options.retry.maxAttempts,
        backoff: { type: 'exponential', delay: options.retry.backoffMs },
        removeOnComplete: true,
        removeOnFail: DEAD_LETTERS_KEPT,
      },
    });
    queue.on('error', (error) =>
      logger.warn('BullMQ queue connection error', {
        queue: options.queueName,
        error: error.message,
      }),
    );
    return new BullmqOrderQueue(producer, queue, options, logger);
  }

  async publish(jobs: readonly OrderJob[]): Promise<void> {
    if (jobs.length === 0) return;
    this.assertConnected();
    await this.queue.add('order-jobs', toPayload(jobs));
  }

  /** One BullMQ job per job, under its derived id (bullmqJobId). */
  async republish(jobs: readonly OrderJob[]): Promise<void> {
    if (jobs.length === 0) return;
    this.assertConnected();
    await this.releaseDeadLetters(jobs.map(bullmqJobId));
    await this.queue.addBulk(
      jobs.map((job) => ({
        name: 'order-jobs',
        data: toPayload([job]),
        opts: { jobId: bullmqJobId(job) },
      })),
    );
  }

  async consume(handlers: OrderJobHandlers, options: ConsumeOptions): Promise<QueueConsumer> {
    const running = new Set<Promise<FailedJob[]>>();
    const reporting = new Set<Promise<void>>();
    const worker = new Worker<unknown>(
      this.options.queueName,
      async (job) => {
        const jobs = this.jobsOf(job);
        const handling = handleDelivery(handlers, jobs, { messageId: job.id });
        running.add(handling);
        let failures: FailedJob[];
        try {
          failures = await handling;
        } finally {
          running.delete(handling);
        }
        if (failures.length === 0) return;
        if (failures.length < jobs.length) await this.keepOnly(job, failures);
        throw new JobsFailed(failures);
      },
      {
        // BullMQ requires workers to retry Redis commands for ever: they must outlive an outage.
        connection: { url: this.options.redisUrl, maxRetriesPerRequest: null },
        concurrency: options.concurrency,
        ...STALLED_JOB_CHECK,
      },
    );
    worker.on('failed', (job, error) => {
      // Only a job moved to the failed set has a finish time; a failure that is retried has
      // none. Counting attempts instead would miss the jobs BullMQ fails on its own, like one
      // the stalled-job checker found stalled too often.
      if (!job?.finishedOn) return;
      const report = this.reportDeadLetter(handlers, job, error);
      reporting.add(report);
      void report.finally(() => reporting.delete(report));
    });
    worker.on('error', (error) =>
      this.logger.warn('BullMQ worker error', {
        queue: this.options.queueName,
        error: error.message,
      }),
    );
    const consumer: QueueConsumer = {
      isConsuming: () => this.consumers.has(consumer) && worker.isRunning(),
      stop: async () => {
        this.consumers.delete(consumer);
        if (this.producer.status === 'ready') {
          await worker.close();
        } else {
          // BullMQ's graceful close waits for Redis for ever (taskforcesh/bullmq#4656). Wait
          // for the handlers here instead; a job whose outcome could not be recorded without
          // Redis is delivered again once its lock expires.
          await Promise.allSettled(running);
          await worker.close(true);
        }
        await Promise.all(reporting);
      },
    };
    this.consumers.add(consumer);
    return consumer;
  }

  /** BullMQ jobs waiting: each holds the jobs of one publish. */
  async depth(): Promise<number> {
    this.assertConnected();
    return this.queue.getJobCountByTypes('waiting', 'delayed', 'prioritized');
  }

  /** Resolves once the producer is connected: publishes fail at once until then. */
  async warm(): Promise<void> {
    await this.queue.waitUntilReady();
  }

  /** For readiness: resolves when Redis answers. */
  async ping(): Promise<void> {
    await this.producer.ping();
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    await this.queue.close();
    this.producer.disconnect();
  }

  /**
   * BullMQ waits for a connection that is not ready instead of failing the command, which
   * would hang the caller for as long as Redis is away.
   */
  private assertConnected(): void {
    if (this.producer.status !== 'ready') {
      throw new Error(`Redis is not reachable for queue ${this.options.queueName}`);
    }
  }

  /**
   * A job id still in the failed set makes BullMQ ignore a new job with that id, so an order
   * whose dead letter was never settled (the process died first, the store was down, BullMQ
   * failed the job on its own) would stay PENDING for as long as the dead letter is kept. The
   * re-publisher only publishes work that is not settled: its dead letter has served.
   */
  private async releaseDeadLetters(ids: readonly string[]): Promise<void> {
    const failedKey = this.queue.keys.failed;
    if (!failedKey) return;
    const pipeline = this.producer.pipeline();
    for (const id of ids) pipeline.zscore(failedKey, id);
    const failed: string[] = [];
    for (const [index, [error, score]] of ((await pipeline.exec()) ?? []).entries()) {
      if (error) throw error;
      const id = ids[index];
      if (score !== null && id !== undefined) failed.push(id);
    }
    await Promise.all(failed.map((id) => this.queue.remove(id)));
    if (failed.length > 0) {
      this.logger.warn('dead-lettered jobs released to be published again', {
        queue: this.options.queueName,
        count: failed.length,
      });
    }
  }

  /**
   * The next attempt retries only the jobs that failed. Should Redis refuse the update, it retries
   * them all (the handlers are idempotent), and the failure still reports only those that failed.
   */
  private async keepOnly(job: Job<unknown>, failures: readonly FailedJob[]): Promise<void> {
    try {
      await job.updateData(toPayload(failures.map((failure) => failure.job)));
    } catch (error) {
      this.logger.warn('a retried job keeps every job it held', {
        queue: this.options.queueName,
        jobId: job.id,
        error: (error as Error).message,
      });
    }
  }

  private jobsOf(job: Job<unknown>): OrderJob[] {
    try {
      return toOrderJobs(job.data);
    } catch (error) {
      throw new UnrecoverableError(`Job ${job.id}: ${(error as Error).message}`);
    }
  }

  /**
   * A job that BullMQ failed on its own (its worker died holding it, twice) does not say which of
   * its jobs was to blame, so each goes on as a job of its own, and only one that fails so alone is
   * dead-lettered: one bad order no longer fails the orders published with it. The split job then
   * leaves the failed set, which holds dead letters only.
   */
  private async split(job: Job<unknown>, jobs: readonly OrderJob[], error: Error): Promise<void> {
    const fields = { queue: this.options.queueName, jobId: job.id, count: jobs.length };
    try {
      await this.republish(jobs);
      this.logger.warn('a job BullMQ failed on its own goes on as one job per order', {
        ...fields,
        error: error.message,
      });
    } catch (splitError) {
      this.logger.error(
        'a job BullMQ failed on its own could not be split; left to the re-publisher',
        {
          ...fields,
          error: (splitError as Error).message,
        },
      );
      return;
    }
    if (job.id === undefined) return;
    // Through the producer, which fails at once when Redis is away, as the worker's connection
    // would not.
    await this.queue.remove(job.id).catch((removeError: unknown) => {
      this.logger.warn('a split job stays in the failed set', {
        ...fields,
        error: (removeError as Error).message,
      });
    });
  }

  private async reportDeadLetter(
    handlers: OrderJobHandlers,
    job: Job<unknown>,
    error: Error,
  ): Promise<void> {
    let failures: readonly FailedJob[];
    if (error instanceof JobsFailed) {
      failures = error.failures;
    } else {
      // Failed by BullMQ itself (stalled too often, say).
      let jobs: OrderJob[];
      try {
        jobs = this.jobsOf(job);
      } catch (unreadable) {
        // No order to settle: the dead letter is all there is, kept for inspection.
        this.logger.error('an unreadable job was dead-lettered', {
          queue: this.options.queueName,
          jobId: job.id,
          error: (unreadable as Error).message,
        });
        return;
      }
      if (jobs.length > 1) return this.split(job, jobs, error);
      failures = jobs.map((orderJob) => ({ job: orderJob, error }));
    }
    await reportDeadLetters(
      handlers,
      failures,
      this.logger,
      { queue: this.options.queueName, jobId: job.id },
      { messageId: job.id },
    );
  }
}
