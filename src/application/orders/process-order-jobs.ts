import { cancellationPlan, cancelPending, reverseCompleted } from '../../domain/order/cancel-order';
import { settleOrder, settlementPlan } from '../../domain/order/settle-order';
import type { ProductId } from '../../domain/shared/ids';
import { invalidateProducts } from '../products/invalidate-products';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
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
  ) {}

  async execute(jobs: readonly OrderJob[]): Promise<void> {
    const changedProducts = await this.uow.run(async (tx): Promise<ProductId[]> => {
      const rows = await LockedOrderRows.lock(tx, jobs);
      const now = this.clock.now();
      for (const job of jobs) {
        if (job.kind === 'PLACE') this.place(rows, job, now);
        else this.cancel(rows, job, now);
      }
      return rows.write(tx);
    });
    await invalidateProducts(this.cache, this.logger, changedProducts);
  }

  private place(rows: LockedOrderRows, job: OrderJob, now: Date): void {
    const order = rows.order(job.orderId);
    if (!order) return this.missing(job);
    const plan = settlementPlan(order);
    if (plan === 'CANCEL_PENDING') rows.setOrder(cancelPending(order, now));
    if (plan !== 'SETTLE') return;
    const { products, customer } = rows.partiesOf(order);
    const settlement = settleOrder(order, products, customer, now);
    if (settlement.outcome === 'FAILED') rows.setOrder(settlement.order);
    else rows.apply(settlement);
  }

  private cancel(rows: LockedOrderRows, job: OrderJob, now: Date): void {
    const order = rows.order(job.orderId);
    if (!order) return this.missing(job);
    const plan = cancellationPlan(order);
    if (plan === 'CANCEL_PENDING') rows.setOrder(cancelPending(order, now));
    if (plan !== 'REVERSE_COMPLETED') return;
    const { products, customer } = rows.partiesOf(order);
    rows.apply(reverseCompleted(order, products, customer, now));
  }

  private missing(job: OrderJob): void {
    this.logger.warn('job names an order that does not exist', describeJob(job));
  }
}
