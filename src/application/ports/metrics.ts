import type { FailureReason } from '../../domain/order/order';
import type { OrderJobKind } from './order-queue';
import type { RateBucket } from './rate-limiter';

/** The terminal statuses an order reaches in the worker. */
export type SettledStatus = 'COMPLETED' | 'FAILED' | 'CANCELLED';

/** What became of one attempt at a job. */
export type JobResult = 'processed' | 'failed';

/**
 * What the use cases report about the order pipeline, for operators. Each call is a count the
 * adapter adds up; nothing here reads back, so a use case never depends on what was reported.
 */
export interface Metrics {
  /** Orders stored and promised to their clients (a replay is not a new order). */
  ordersAccepted(count: number): void;
  /**
   * An order reached a terminal status, committed. `sinceAcceptedMs` is the time from acceptance
   * (its createdAt) to now, for an order that leaves PENDING; null for a completed order cancelled.
   */
  orderSettled(
    status: SettledStatus,
    reason: FailureReason | null,
    sinceAcceptedMs: number | null,
  ): void;
  jobsHandled(kind: OrderJobKind, result: JobResult, count: number): void;
  /** A job failed its last attempt and the queue dead-lettered it. */
  jobDeadLettered(kind: OrderJobKind): void;
  /** Stalled work found unsettled and published again. */
  jobsRepublished(count: number): void;
  /** A request refused because its caller's budget was spent. */
  requestRateLimited(kind: RateBucket['kind']): void;
}
