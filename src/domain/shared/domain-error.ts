import type { ErrorCode } from './error-codes';

export interface ErrorDetail {
  path: string;
  message: string;
}

/**
 * Base of every error the service means to show a client. `message` and `details` must be safe to
 * expose: they never carry SQL, stack traces or secrets.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

export class NotFoundError extends DomainError {
  constructor(resource: string, id: string) {
    super('NOT_FOUND', `${resource} ${id} does not exist`);
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, details: readonly ErrorDetail[] = []) {
    super('VALIDATION_FAILED', message, details);
  }
}

export class AmountTooLargeError extends DomainError {
  constructor(path: string) {
    super('AMOUNT_TOO_LARGE', 'The resulting amount would exceed the largest supported value', [
      { path, message: `must keep the result at most ${Number.MAX_SAFE_INTEGER}` },
    ]);
  }
}
