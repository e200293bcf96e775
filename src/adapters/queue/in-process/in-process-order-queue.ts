import type {
  ConsumeOptions,
  OrderJob,
  OrderJobHandlers,
  OrderQueue,
  QueueConsumer,
} from '../../../application/ports/order-queue';
import type { Logger } from '../../../application/ports/logger';
import { handleDelivery, reportDeadLetters } from '../delivery';
import { type RetryPolicy, retryDelayMs } from '../retry-policy';

interface Waiting {
  jobs: OrderJob[];
  attempt: number;
}

/**
 * The embedded mode's queue: jobs live in this process only, with the same semantics as the
 * brokers' adapters: the jobs of one publish are one delivery, of which the jobs that failed are
 * retried together.
 */
export class InProcessOrderQueue implements OrderQueue {
  private readonly waiting: Waiting[] = [];
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private handlers: OrderJobHandlers | null = null;
  private concurrency = 1;
  private active = 0;
  private closed = false;
  private idle: (() => void)[] = [];
  readonly deadLetters: OrderJob[] = [];

  constructor(
    private readonly retry: RetryPolicy,
    private readonly logger: Logger,
  ) {}

  async publish(jobs: readonly OrderJob[]): Promise<void> {
    if (this.closed) throw new Error('The queue is closed');
    if (jobs.length === 0) return;
    this.waiting.push({ jobs: jobs.map((job) => ({ ...job })), attempt: 1 });
    this.pump();
  }

  /** Copies are not looked for: published like new work (the handlers are idempotent). */
  republish(jobs: readonly OrderJob[]): Promise<void> {
    return this.publish(jobs);
  }

  async consume(handlers: OrderJobHandlers, options: ConsumeOptions): Promise<QueueConsumer> {
    this.handlers = handlers;
    this.concurrency = options.concurrency;
    this.pump();
    return {
      isConsuming: () => this.handlers === handlers,
      stop: () => this.stopConsuming(),
    };
  }

  async depth(): Promise<number> {
    return this.waiting.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    await this.stopConsuming();
  }

  private async stopConsuming(): Promise<void> {
    this.handlers = null;
    if (this.active === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.handlers && this.active < this.concurrency && this.waiting.length > 0) {
      const next = this.waiting.shift() as Waiting;
      this.active += 1;
      void this.runOne(this.handlers, next).finally(() => {
        this.active -= 1;
        if (this.active === 0) this.idle.splice(0).forEach((resolve) => resolve());
        this.pump();
      });
    }
  }

  private async runOne(handlers: OrderJobHandlers, entry: Waiting): Promise<void> {
    const failures = await handleDelivery(handlers, entry.jobs);
    if (failures.length === 0) return;
    const jobs = failures.map((failure) => failure.job);
    if (entry.attempt < this.retry.maxAttempts && !this.closed) {
      const delay = retryDelayMs(this.retry, entry.attempt);
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        this.waiting.push({ jobs, attempt: entry.attempt + 1 });
        this.pump();
      }, delay);
      this.retryTimers.add(timer);
      return;
    }
    this.deadLetters.push(...jobs);
    await reportDeadLetters(handlers, failures, this.logger, {});
  }
}
