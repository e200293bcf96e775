import { DomainError } from '../domain/shared/domain-error';

/**
 * A transaction lost a race it may win on a retry (deadlock, lock wait timeout). Adapters throw
 * it after their own short retries; the worker retries the job with backoff.
 */
export class ConcurrencyConflictError extends DomainError {
  constructor() {
    super('CONCURRENCY_CONFLICT', 'The request collided with concurrent work; retry it');
  }
}

/** A dependency (database, broker) did not answer. Safe to retry later. */
export class DependencyUnavailableError extends DomainError {
  constructor(readonly dependency: string) {
    super('DEPENDENCY_UNAVAILABLE', `The ${dependency} is unavailable; retry later`);
  }
}

/** Too much work is waiting; the client should come back later. */
export class BacklogFullError extends DomainError {
  constructor() {
    super('BACKLOG_FULL', 'Too many orders are waiting to be processed; retry later');
  }
}

/**
 * One of the process's bounds is reached (requests in flight, request bodies being read, callers
 * waiting for a database connection, jobs waiting for the broker): refused before any work, so a
 * retry is safe.
 */
export class OverloadedError extends DomainError {
  constructor(readonly queue: string) {
    super('OVERLOADED', `The service is at its limit of ${queue}; retry later`);
  }
}

/**
 * Thrown by an order store when another transaction took an order's (customer, idempotency key)
 * between its check and its insert. Never shown.
 */
export class IdempotencyKeyTakenError extends Error {
  constructor() {
    super('An order with this idempotency key already exists');
    this.name = 'IdempotencyKeyTakenError';
  }
}

export function isTransient(error: unknown): boolean {
  return (
    error instanceof ConcurrencyConflictError ||
    error instanceof DependencyUnavailableError ||
    error instanceof OverloadedError
  );
}
