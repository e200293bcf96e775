import { DomainError } from '../shared/domain-error';
import type { OrderStatus } from './order';

export class OrderNotCancellableError extends DomainError {
  constructor(status: OrderStatus) {
    super('ORDER_NOT_CANCELLABLE', `An order that is ${status} cannot be cancelled`);
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used with a different request',
      [{ path: 'Idempotency-Key', message: 'was used before with another body' }],
    );
  }
}
