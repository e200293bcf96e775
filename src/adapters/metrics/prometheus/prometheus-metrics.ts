import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FailureReason } from '../../../domain/order/order';
import type { JobResult, Metrics, SettledStatus } from '../../../application/ports/metrics';
import type { OrderJobKind } from '../../../application/ports/order-queue';
import type { RateBucket } from '../../../application/ports/rate-limiter';

/** Seconds; from a cached read (about a millisecond) to a client's patience. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Seconds; from a worker that keeps up (tens of ms) to a backlog drained after an outage. */
const SETTLE_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** What an HTTP middleware reports of each request. */
export interface RequestObserver {
  requestServed(method: string, route: string, status: number, seconds: number): void;
}

interface Observer {
  observe(seconds: number): void;
}

/**
 * The Prometheus exposition of one process: the series API.md names ("Operations"), the default
 * Node.js metrics, and the gauges of the adapters that own them (see the `watch…` methods). Each
 * instance has its own registry, so processes and tests never share series.
 */
export class PrometheusMetrics implements Metrics, RequestObserver {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** route → method → status → the histogram's child, resolved once per combination. */
  private readonly httpChildren = new Map<string, Map<string, Map<number, Observer>>>();
  private readonly accepted: Counter;
  private readonly settled: Counter<'status' | 'reason'>;
  private readonly settleDuration: Histogram<'status'>;
  private readonly jobs: Counter<'kind' | 'result'>;
  private readonly deadLetters: Counter<'kind'>;
  private readonly republished: Counter;
  private readonly rateLimited: Counter<'kind'>;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters, which promtool refuses (prom-client issue 283); the same
    // counts by type stay (nodejs_active_handles and the others), and sum() gives their total.
    for (const name of MISNAMED_DEFAULTS) this.registry.removeSingleMetric(name);
    this.httpDuration = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Time from a request reaching the application to its answer being set, by route template',
      labelNames: ['method', 'route', 'status_code'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.accepted = new Counter({
      name: 'orders_accepted_total',
      help: 'Orders stored and answered 202 (replays are not counted again)',
      registers,
    });
    this.settled = new Counter({
      name: 'orders_settled_total',
      help: 'Orders that reached a terminal status, by status and failure reason ("none" unless FAILED)',
      labelNames: ['status', 'reason'],
      registers,
    });
    this.settleDuration = new Histogram({
      name: 'order_settle_duration_seconds',
      help: 'Time from acceptance (createdAt) to the terminal status, observed by the worker',
      labelNames: ['status'],
      buckets: SETTLE_BUCKETS,
      registers,
    });
    this.jobs = new Counter({
      name: 'order_jobs_total',
      help: 'Order job attempts by kind and result (a failed attempt is retried or dead-lettered)',
      labelNames: ['kind', 'result'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'dead_letters_total',
      help: 'Jobs that failed their last attempt and were dead-lettered',
      labelNames: ['kind'],
      registers,
    });
    this.republished = new Counter({
      name: 'republished_jobs_total',
      help: 'Stalled work (pending orders, unapplied cancellations) published again',
      registers,
    });
    this.rateLimited = new Counter({
      name: 'rate_limit_rejections_total',
      help: 'Requests refused with 429 because the caller spent its budget',
      labelNames: ['kind'],
      registers,
    });
  }

  ordersAccepted(count: number): void {
    this.accepted.inc(count);
  }

  orderSettled(
    status: SettledStatus,
    reason: FailureReason | null,
    sinceAcceptedMs: number | null,
  ): void {
    this.settled.inc({ status, reason: reason ?? 'none' });
    if (sinceAcceptedMs !== null) {
      this.settleDuration.observe({ status }, Math.max(0, sinceAcceptedMs) / 1000);
    }
  }

  jobsHandled(kind: OrderJobKind, result: JobResult, count: number): void {
    this.jobs.inc({ kind, result }, count);
  }

  jobDeadLettered(kind: OrderJobKind): void {
    this.deadLetters.inc({ kind });
  }

  jobsRepublished(count: number): void {
    this.republished.inc(count);
  }

  requestRateLimited(kind: RateBucket['kind']): void {
    this.rateLimited.inc({ kind });
  }

  /** The hot path: map lookups and one observe; a child is made once per combination. */
  requestServed(method: string, route: string, status: number, seconds: number): void {
    let byMethod = this.httpChildren.get(route);
    if (!byMethod) {
      byMethod = new Map();
      this.httpChildren.set(route, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (!byStatus) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let child = byStatus.get(status);
    if (!child) {
      // A string label value: prom-client converts a number on every observe.
      child = this.httpDuration.labels({ method, route, status_code: String(status) });
      byStatus.set(status, child);
    }
    child.observe(seconds);
  }

  /** Jobs waiting in the broker, read at each scrape; a broker that does not answer keeps the last. */
  watchBacklog(depth: () => Promise<number>): void {
    new Gauge({
      name: 'queue_backlog_jobs',
      help: 'Deliveries waiting in the broker to be taken by a worker (each holds the jobs of one publish)',
      registers: [this.registry],
      async collect() {
        try {
          this.set(await depth());
        } catch {
          // The scrape still answers; the queue's own health check reports the broker down.
        }
      },
    });
  }

  /** The database pool: connections busy and callers waiting for one, against its size. */
  watchPool(usage: () => PoolUsage): void {
    const gauge = (name: string, help: string, read: (pool: PoolUsage) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read(usage()));
        },
      });
    gauge('db_pool_connections', 'Connections the database pool may open', (pool) => pool.size);
    gauge('db_pool_connections_in_use', 'Connections taken from the pool', (pool) => pool.inUse);
    gauge(
      'db_pool_waiting_requests',
      'Callers waiting for a free connection (refused past the bound)',
      (pool) => pool.waiting,
    );
  }

  /** The product cache's lookups since start, counted by the cache adapter. */
  watchCache(reads: () => CacheReads): void {
    new Counter({
      name: 'product_cache_lookups_total',
      help: 'Product cache lookups by result: hit, miss, or error (the cache did not answer)',
      labelNames: ['result'],
      registers: [this.registry],
      collect() {
        const { hits, misses, errors } = reads();
        this.reset();
        this.inc({ result: 'hit' }, hits);
        this.inc({ result: 'miss' }, misses);
        this.inc({ result: 'error' }, errors);
      },
    });
  }

  /** Jobs committed but not yet confirmed by the broker (new work is refused past a bound). */
  watchPendingPublishes(count: () => number): void {
    new Gauge({
      name: 'order_publishes_pending_jobs',
      help: 'Jobs of committed work handed to the broker and not yet confirmed by it',
      registers: [this.registry],
      collect() {
        this.set(count());
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  exposition(): Promise<string> {
    return this.registry.metrics();
  }
}

export interface PoolUsage {
  size: number;
  inUse: number;
  waiting: number;
}

export interface CacheReads {
  hits: number;
  misses: number;
  errors: number;
}
