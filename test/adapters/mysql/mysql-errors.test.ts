import {
  ConcurrencyConflictError,
  DependencyUnavailableError,
  IdempotencyKeyTakenError,
  isTransient,
  OverloadedError,
} from '../../../src/application/errors';
import { translateMysqlError } from '../../../src/adapters/persistence/mysql/mysql-errors';
import { EmailTakenError } from '../../../src/domain/customer/customer.errors';
import { NotFoundError } from '../../../src/domain/shared/domain-error';

/** Shaped like mysql2's errors: a server error has errno and sqlMessage, a socket error a code. */
const driverError = (fields: Record<string, unknown>): Error =>
  Object.assign(new Error(String(fields.sqlMessage ?? fields.message ?? 'driver error')), fields);

const duplicate = (key: string) =>
  driverError({
    code: 'ER_DUP_ENTRY',
    errno: 1062,
    sqlMessage: `Duplicate entry 'o'brien@example.com' for key '${key}'`,
  });

describe('translateMysqlError', () => {
  it.each([
    ['MariaDB', 'uq_customers_email'],
    ['MySQL 8', 'customers.uq_customers_email'],
  ])('turns a duplicate email into EmailTakenError (%s key naming)', (_server, key) => {
    expect(translateMysqlError(duplicate(key))).toBeInstanceOf(EmailTakenError);
  });

  it.each([['uq_orders_customer_idempotency_key'], ['orders.uq_orders_customer_idempotency_key']])(
    'turns a duplicate idempotency key (%s) into IdempotencyKeyTakenError',
    (key) => {
      expect(translateMysqlError(duplicate(key))).toBeInstanceOf(IdempotencyKeyTakenError);
    },
  );

  it('leaves other duplicate keys as the driver raised them', () => {
    const ledger = duplicate('wallet_ledger.uq_wallet_ledger_order_kind');
    const primary = duplicate('PRIMARY');

    expect(translateMysqlError(ledger)).toBe(ledger);
    expect(translateMysqlError(primary)).toBe(primary);
  });

  const missingParent = (table: string, constraint: string) =>
    driverError({
      code: 'ER_NO_REFERENCED_ROW_2',
      errno: 1452,
      sqlMessage:
        `Cannot add or update a child row: a foreign key constraint fails (\`shop\`.\`${table}\`, ` +
        `CONSTRAINT \`${constraint}\` FOREIGN KEY (\`customer_id\`) REFERENCES \`customers\` (\`id\`))`,
    });

  it('leaves foreign key violations as the driver raised them', () => {
    const ledger = missingParent('wallet_ledger', 'fk_wallet_ledger_customer');

    expect(translateMysqlError(ledger)).toBe(ledger);
  });

  it.each([
    [1213, 'ER_LOCK_DEADLOCK'],
    [1205, 'ER_LOCK_WAIT_TIMEOUT'],
  ])('turns errno %s (%s) into a retryable ConcurrencyConflictError', (errno, code) => {
    const error = driverError({ errno, code, sqlMessage: 'try restarting transaction' });

    const translated = translateMysqlError(error);

    expect(translated).toBeInstanceOf(ConcurrencyConflictError);
    expect((translated as Error).cause).toBe(error);
  });

  it.each([
    ['a refused connection', { code: 'ECONNREFUSED', errno: -111, fatal: true }],
    ['a lost connection', { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }],
    ['a connect timeout', { code: 'ETIMEDOUT' }],
    ['too many connections', { code: 'ER_CON_COUNT_ERROR', errno: 1040 }],
    ['a server shutting down', { errno: 1053 }],
    ['a read-only server', { errno: 1290 }],
    ['a closed pool', { message: 'Pool is closed.' }],
  ])('turns %s into DependencyUnavailableError', (_what, fields) => {
    const translated = translateMysqlError(driverError(fields));

    expect(translated).toBeInstanceOf(DependencyUnavailableError);
    expect((translated as DependencyUnavailableError).dependency).toBe('database');
  });

  it("turns the pool's refusal of one more waiter into OverloadedError, which the worker retries", () => {
    const full = driverError({ message: 'Queue limit reached.' });

    const translated = translateMysqlError(full);

    expect(translated).toBeInstanceOf(OverloadedError);
    expect((translated as Error).cause).toBe(full);
    expect(isTransient(translated)).toBe(true);
  });

  it('leaves constraint violations, bad SQL and application errors alone', () => {
    const check = driverError({ errno: 3819, sqlMessage: "Check constraint 'x' is violated." });
    const syntax = driverError({ errno: 1064, code: 'ER_PARSE_ERROR', sqlMessage: 'syntax' });
    const domain = new NotFoundError('Order', 'o1');

    expect(translateMysqlError(check)).toBe(check);
    expect(translateMysqlError(syntax)).toBe(syntax);
    expect(translateMysqlError(domain)).toBe(domain);
  });
});
