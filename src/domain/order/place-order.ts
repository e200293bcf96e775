import { ValidationError, type ErrorDetail } from '../shared/domain-error';
import type { CustomerId, OrderId, ProductId } from '../shared/ids';
import { MAX_ITEMS, MAX_QUANTITY, type Order } from './order';

export interface OrderLine {
  productId: ProductId;
  quantity: number;
}

export interface NewOrder {
  id: OrderId;
  customerId: CustomerId;
  lines: readonly OrderLine[];
  idempotencyKey: string | null;
  requestFingerprint: string | null;
  now: Date;
}

function lineProblems(lines: readonly OrderLine[]): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (lines.length < 1 || lines.length > MAX_ITEMS) {
    problems.push({ path: 'items', message: `must hold 1 to ${MAX_ITEMS} items` });
  }
  const seen = new Set<string>();
  lines.forEach((line, index) => {
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_QUANTITY) {
      problems.push({
        path: `items.${index}.quantity`,
        message: `must be an integer from 1 to ${MAX_QUANTITY}`,
      });
    }
    if (seen.has(line.productId)) {
      problems.push({ path: `items.${index}.productId`, message: 'appears more than once' });
    }
    seen.add(line.productId);
  });
  return problems;
}

/** A new order is PENDING: nothing is checked against stock or wallet until a worker settles it. */
export function placeOrder(input: NewOrder): Order {
  const problems = lineProblems(input.lines);
  if (problems.length > 0) throw new ValidationError('The order items are invalid', problems);
  return {
    id: input.id,
    customerId: input.customerId,
    status: 'PENDING',
    items: input.lines.map((line) => ({ ...line, unitPrice: null })),
    total: null,
    failureReason: null,
    idempotencyKey: input.idempotencyKey,
    requestFingerprint: input.requestFingerprint,
    cancelRequestedAt: null,
    createdAt: input.now,
    updatedAt: input.now,
  };
}
