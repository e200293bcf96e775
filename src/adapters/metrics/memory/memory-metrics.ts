import type { FailureReason } from '../../../domain/order/order';
import type { JobResult, Metrics, SettledStatus } from '../../../application/ports/metrics';
import type { OrderJobKind } from '../../../application/ports/order-queue';
import type { RateBucket } from '../../../application/ports/rate-limiter';

/** Counts by name and labels, for tests that assert what the use cases reported. */
export class MemoryMetrics implements Metrics {
  readonly counts = new Map<string, number>();
  /** Every settle duration observed, in milliseconds, by status. */
  readonly settleDurations: { status: SettledStatus; ms: number }[] = [];

  count(name: string, labels: Record<string, string> = {}): number {
    return this.counts.get(key(name, labels)) ?? 0;
  }

  ordersAccepted(count: number): void {
    this.add('orders_accepted_total', {}, count);
  }

  orderSettled(
    status: SettledStatus,
    reason: FailureReason | null,
    sinceAcceptedMs: number | null,
  ) {
    this.add('orders_settled_total', { status, reason: reason ?? 'none' }, 1);
    if (sinceAcceptedMs !== null) this.settleDurations.push({ status, ms: sinceAcceptedMs });
  }

  jobsHandled(kind: OrderJobKind, result: JobResult, count: number): void {
    this.add('order_jobs_total', { kind, result }, count);
  }

  jobDeadLettered(kind: OrderJobKind): void {
    this.add('dead_letters_total', { kind }, 1);
  }

  jobsRepublished(count: number): void {
    this.add('republished_jobs_total', {}, count);
  }

  requestRateLimited(kind: RateBucket['kind']): void {
    this.add('rate_limit_rejections_total', { kind }, 1);
  }

  private add(name: string, labels: Record<string, string>, count: number): void {
    const at = key(name, labels);
    this.counts.set(at, (this.counts.get(at) ?? 0) + count);
  }
}

function key(name: string, labels: Record<string, string>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((label) => `${label}=${labels[label]}`);
  return `${name}{${pairs.join(',')}}`;
}
