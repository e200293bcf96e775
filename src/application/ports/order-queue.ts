import type { CustomerId, OrderId, ProductId } from '../../domain/shared/ids';
import type { Outcome } from '../shared/batcher';
import type { WorkOrigin } from './tracing';

export type OrderJobKind = 'PLACE' | 'CANCEL';

/**
 * The customer and products of a job's order, which never change once it is placed: carried so
 * that a worker can lock them together with the order (see LockedOrderRows).
 */
export interface OrderParties {
  customerId: CustomerId;
  productIds: readonly ProductId[];
}

export interface OrderJob {
  kind: OrderJobKind;
  orderId: OrderId;
  /** Known when the API publishes; absent in re-published work. */
  parties?: OrderParties;
  /** The request that asked for it, when the API publishes; absent in re-published work. */
  origin?: WorkOrigin;
}

/** The message a delivery came in, as its broker names it (BullMQ's job id), for log lines. */
export interface DeliveryInfo {
  messageId?: string;
}

/** What became of one job of a delivery: done, or failed with an error that is its alone. */
export type JobOutcome = Outcome<void>;

export interface OrderJobHandlers {
  /**
   * Handles one delivery, the jobs published together, and resolves with an outcome per job, in
   * their order, once the successful ones committed: only those are acknowledged. The failed ones
   * are retried together, and dead-lettered after the last attempt. A rejection fails them all.
   */
  handle(jobs: readonly OrderJob[], delivery?: DeliveryInfo): Promise<JobOutcome[]>;
  /** Called once a job has failed its last attempt and was moved to the dead-letter queue. */
  deadLettered(job: OrderJob, error: unknown, delivery?: DeliveryInfo): Promise<void>;
}

export interface ConsumeOptions {
  /** Deliveries handled at once. */
  concurrency: number;
}

export interface QueueConsumer {
  /** Whether the broker has this consumer subscribed now: false once stopped or while cut off. */
  isConsuming(): boolean;
  /** Stops taking jobs and resolves once the jobs in flight have finished. */
  stop(): Promise<void>;
}

/**
 * At-least-once delivery of order work, a delivery at a time. Publishing the same job twice is
 * allowed (handlers are idempotent); a job that failed is retried with backoff up to a bounded
 * number of attempts.
 */
export interface OrderQueue {
  /**
   * Resolves once the broker holds every job durably; rejects at once when it cannot. The jobs
   * of one call travel together, in one delivery.
   */
  publish(jobs: readonly OrderJob[]): Promise<void>;
  /**
   * Publishes work found unsettled, which may still be queued or held by a worker. An adapter
   * that can recognise a copy it re-published earlier and still holds adds that job only once;
   * the first copy of work still in its original publish is a duplicate (handlers are idempotent).
   */
  republish(jobs: readonly OrderJob[]): Promise<void>;
  consume(handlers: OrderJobHandlers, options: ConsumeOptions): Promise<QueueConsumer>;
  /** Deliveries waiting to be taken (each holds the jobs of one publish), for back-pressure. */
  depth(): Promise<number>;
  close(): Promise<void>;
}
