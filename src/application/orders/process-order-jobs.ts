import { cancellationPlan, cancelPending, reverseCompleted } from '../../domain/order/cancel-order';
import { settleOrder, settlementPlan } from '../../domain/order/settle-order';
import type { FailureReason, Order } from '../../domain/order/order';
import { invalidateProducts } from '../products/invalidate-products';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { Metrics, SettledStatus } from '../ports/metrics';
import type { OrderJob } from '../ports/order-queue';
import type { ProductCache } from '../ports/product-cache';
import type { UnitOfWork } from '../ports/unit-of-work';
import { LockedOrderRows } from './locked-order-rows';
import { describeJob } from './order-job';

/**
 * The worker's work: settles PLACE jobs (stock and wallet checked, then everything applied or
 * nothing) and applies CANCEL jobs (a pending order cancelled with nothing to undo, a completed
 * one restocked and refunded), several jobs in one transaction. Jobs are applied in the order
 * given, each to the rows as the jobs before it left them, so the same order twice in one batch
 * is settled once. A job that finds its order already settled changes nothing, so every job is
 * safe to deliver again.
 */
export class ProcessOrderJobs {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly cache: ProductCache,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  async execute(jobs: readonly OrderJob[]): Promise<void> {
    const { changedProducts, settled } = await this.uow.run(async (tx) => {
      const rows = await LockedOrderRows.lock(tx, jobs);
      const now = this.clock.now();
      const settled: Settled[] = [];
      for (const job of jobs) {
        if (job.kind === 'PLACE') this.place(rows, job, now, settled);
        else this.cancel(rows, job, now, settled);
      }
      return { changedProducts: await rows.write(tx), settled };
    });
    // Counted once committed: a transaction that rolls back settled nothing.
    for (const { status, reason, sinceAcceptedMs } of settled) {
      this.metrics.orderSettled(status, reason, sinceAcceptedMs);
    }
    await invalidateProducts(this.cache, this.logger, changedProducts);
  }

  private place(rows: LockedOrderRows, job: OrderJob, now: Date, settled: Settled[]): void {
    const order = rows.order(job.orderId);
    if (!order) return this.missing(job);
    const plan = settlementPlan(order);
    if (plan === 'CANCEL_PENDING') settled.push(leftPending(rows, cancelPending(order, now), now));
    if (plan !== 'SETTLE') return;
    const { products, customer } = rows.partiesOf(order);
    const settlement = settleOrder(order, products, customer, now);
    if (settlement.outcome === 'FAILED') rows.setOrder(settlement.order);
    else rows.apply(settlement);
    settled.push({
      status: settlement.outcome,
      reason: settlement.order.failureReason,
      sinceAcceptedMs: sinceAccepted(order, now),
    });
  }

  private cancel(rows: LockedOrderRows, job: OrderJob, now: Date, settled: Settled[]): void {
    const order = rows.order(job.orderId);
    if (!order) return this.missing(job);
    const plan = cancellationPlan(order);
    if (plan === 'CANCEL_PENDING') settled.push(leftPending(rows, cancelPending(order, now), now));
    if (plan !== 'REVERSE_COMPLETED') return;
    const { products, customer } = rows.partiesOf(order);
    const reversal = reverseCompleted(order, products, customer, now);
    rows.apply(reversal);
    settled.push({ status: 'CANCELLED', reason: null, sinceAcceptedMs: null });
  }

  private missing(job: OrderJob): void {
    this.logger.warn('job names an order that does not exist', describeJob(job));
  }
}

/** An order this transaction moved to a terminal status; null time for one already terminal. */
interface Settled {
  status: SettledStatus;
  reason: FailureReason | null;
  sinceAcceptedMs: number | null;
}

function sinceAccepted(order: Order, now: Date): number {
  return now.getTime() - order.createdAt.getTime();
}

/** Cancels a pending order in `rows`, which leaves PENDING for a terminal status. */
function leftPending(rows: LockedOrderRows, cancelled: Order, now: Date): Settled {
  rows.setOrder(cancelled);
  return { status: 'CANCELLED', reason: null, sinceAcceptedMs: sinceAccepted(cancelled, now) };
}
