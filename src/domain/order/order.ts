import type { CustomerId, OrderId, ProductId } from '../shared/ids';

export const ORDER_STATUSES = ['PENDING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Why an order ended FAILED. Documented for clients in the OpenAPI document. */
export const FAILURE_REASONS = [
  'INSUFFICIENT_STOCK',
  'INSUFFICIENT_FUNDS',
  'PROCESSING_ERROR',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export const MAX_ITEMS = 100;
export const MAX_QUANTITY = 1000;

export interface OrderItem {
  readonly productId: ProductId;
  readonly quantity: number;
  /** The price read when the order completed; null until then. */
  readonly unitPrice: number | null;
}

export interface Order {
  readonly id: OrderId;
  readonly customerId: CustomerId;
  readonly status: OrderStatus;
  readonly items: readonly OrderItem[];
  readonly total: number | null;
  readonly failureReason: FailureReason | null;
  readonly idempotencyKey: string | null;
  /** Digest of the request that created the order, to tell a replay from a reused key. */
  readonly requestFingerprint: string | null;
  readonly cancelRequestedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
