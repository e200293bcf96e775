/**
 * Every stable, machine-readable error code the service can answer with. The HTTP adapter maps
 * each one to a status in a `Record<ErrorCode, number>`, so adding a code without a status does
 * not compile.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNKNOWN_CUSTOMER',
  'UNKNOWN_PRODUCT',
  'EMAIL_TAKEN',
  'ORDER_NOT_CANCELLABLE',
  'IDEMPOTENCY_KEY_REUSED',
  'AMOUNT_TOO_LARGE',
  'CONCURRENCY_CONFLICT',
  'DEPENDENCY_UNAVAILABLE',
  'BACKLOG_FULL',
  'OVERLOADED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
