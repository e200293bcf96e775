import { BacklogFullError } from '../errors';
import type { Clock } from '../ports/clock';
import type { OrderQueue } from '../ports/order-queue';

export interface AdmissionOptions {
  /**
   * Refuse new orders while this many messages wait (see OrderQueue.depth), each holding the jobs
   * of one publish; 0 turns the check off.
   */
  maxBacklog: number;
  /** How long one sample of the queue depth is trusted. */
  sampleMs: number;
}

/**
 * Back-pressure: refuses new orders while more work waits than the workers can catch up on. The
 * depth is sampled at most once per `sampleMs`, so the check costs almost nothing per request.
 * An unreachable queue does not block admission: the order is stored and re-published later.
 */
export class AdmissionControl {
  private sampledAt = Number.NEGATIVE_INFINITY;
  private depth = 0;

  constructor(
    private readonly queue: OrderQueue,
    private readonly clock: Clock,
    private readonly options: AdmissionOptions,
  ) {}

  async admit(): Promise<void> {
    if (this.options.maxBacklog <= 0) return;
    const now = this.clock.now().getTime();
    if (now - this.sampledAt >= this.options.sampleMs) {
      this.sampledAt = now;
      this.depth = await this.queue.depth().catch(() => 0);
    }
    if (this.depth >= this.options.maxBacklog) throw new BacklogFullError();
  }
}
