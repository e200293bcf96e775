import {
  ConcurrencyConflictError,
  DependencyUnavailableError,
  IdempotencyKeyTakenError,
  OverloadedError,
} from '../../../application/errors';
import { EmailTakenError } from '../../../domain/customer/customer.errors';

/** The parts of a mysql2 error we read; every field is optional on errors that are not mysql2's. */
interface MysqlErrorFields {
  code?: unknown;
  errno?: unknown;
  fatal?: unknown;
  sqlMessage?: unknown;
  message?: unknown;
}

const ER_DUP_ENTRY = 1062;

/** Unique keys whose violation means something to a use case, by the key's name in the schema. */
const DUPLICATE_KEY_ERRORS: Record<string, () => Error> = {
  uq_customers_email: () => new EmailTakenError(),
  uq_orders_customer_idempotency_key: () => new IdempotencyKeyTakenError(),
};

/** The transaction was chosen as a victim: running it again may succeed. */
const RETRYABLE_ERRNOS = new Set([
  1213, // ER_LOCK_DEADLOCK
  1205, // ER_LOCK_WAIT_TIMEOUT
  1020, // ER_CHECKREAD: MariaDB's snapshot isolation saw a row change under it
]);

/** Socket-level failures that reach us as Node error codes rather than server errors. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

/** Server errors that say the server cannot take work now, not that the statement is wrong. */
const UNAVAILABLE_ERRNOS = new Set([
  1040, // ER_CON_COUNT_ERROR
  1203, // ER_TOO_MANY_USER_CONNECTIONS
  1053, // ER_SERVER_SHUTDOWN
  1927, // ER_CONNECTION_KILLED (MariaDB)
  1290, // ER_OPTION_PREVENTS_STATEMENT: --read-only, as during a fail-over
  1792, // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
  1836, // ER_READ_ONLY_MODE
  2006, // CR_SERVER_GONE_ERROR
  2013, // CR_SERVER_LOST
  4031, // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
]);

/** mysql2's pool raises these as plain Errors without a code, so the message is all there is. */
const UNAVAILABLE_POOL_MESSAGES = new Set(['Pool is closed.', 'No connections available.']);

/** mysql2's pool refuses a caller with this when its `queueLimit` callers already wait. */
const POOL_QUEUE_FULL_MESSAGE = 'Queue limit reached.';

function fieldsOf(error: unknown): MysqlErrorFields {
  return typeof error === 'object' && error !== null ? (error as MysqlErrorFields) : {};
}

/** MySQL 8 names the key `table.key`, MariaDB just `key`. */
function duplicateKeyName(sqlMessage: unknown): string | null {
  if (typeof sqlMessage !== 'string') return null;
  const match = /for key '(?:[^'.]+\.)?([^'.]+)'$/.exec(sqlMessage);
  return match?.[1] ?? null;
}

export function isConnectionFailure(error: unknown): boolean {
  const { code, errno, fatal, message } = fieldsOf(error);
  return (
    fatal === true ||
    (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) ||
    (typeof errno === 'number' && UNAVAILABLE_ERRNOS.has(errno)) ||
    (typeof message === 'string' && UNAVAILABLE_POOL_MESSAGES.has(message))
  );
}

/**
 * Turns a driver error into the error the application understands: a domain error for the
 * unique keys that have one, a retryable conflict for lock victims, "database unavailable" for
 * connection-level failures, "overloaded" when too many callers wait for a connection. Anything
 * else (a bug: a CHECK or foreign key violation, bad SQL) is returned unchanged.
 */
export function translateMysqlError(error: unknown): unknown {
  const { errno, sqlMessage, message } = fieldsOf(error);
  if (errno === ER_DUP_ENTRY) {
    const keyName = duplicateKeyName(sqlMessage);
    const toDomain = keyName ? DUPLICATE_KEY_ERRORS[keyName] : undefined;
    return toDomain ? toDomain() : error;
  }
  if (typeof errno === 'number' && RETRYABLE_ERRNOS.has(errno)) {
    return withCause(new ConcurrencyConflictError(), error);
  }
  if (isConnectionFailure(error)) {
    return withCause(new DependencyUnavailableError('database'), error);
  }
  if (message === POOL_QUEUE_FULL_MESSAGE) {
    return withCause(new OverloadedError('waiting database operations'), error);
  }
  return error;
}

function withCause<E extends Error>(translated: E, cause: unknown): E {
  translated.cause = cause;
  return translated;
}
