import type { Pool } from 'mysql2/promise';
import { ConcurrencyConflictError } from '../../../application/errors';
import type { Transaction, UnitOfWork } from '../../../application/ports/unit-of-work';
import { MysqlCustomerRepository } from './mysql-customer-repository';
import { MysqlInventoryLedger } from './mysql-inventory-ledger';
import { MysqlOrderRepository } from './mysql-order-repository';
import { MysqlProductRepository } from './mysql-product-repository';
import { MysqlWalletLedger } from './mysql-wallet-ledger';
import { inTransaction, type Queryable } from './queryable';

export interface RetryOptions {
  /** Runs of `work` before a lock victim gives up with ConcurrencyConflictError. */
  maxAttempts: number;
  /** The first back-off; each later one doubles, and each is jittered down to half of it. */
  baseDelayMs: number;
}

const DEFAULT_RETRY: RetryOptions = { maxAttempts: 5, baseDelayMs: 5 };

function bind(queryable: Queryable): Transaction {
  return {
    customers: new MysqlCustomerRepository(queryable),
    products: new MysqlProductRepository(queryable),
    orders: new MysqlOrderRepository(queryable, { inTransaction: true }),
    ledger: new MysqlWalletLedger(queryable),
    inventory: new MysqlInventoryLedger(queryable),
  };
}

/** Jittered, so that the two sides of a deadlock do not collide again in lock-step. */
function backoffMs(attempt: number, { baseDelayMs }: RetryOptions): number {
  const ceiling = baseDelayMs * 2 ** (attempt - 1);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

export class MysqlUnitOfWork implements UnitOfWork {
  constructor(
    private readonly pool: Pool,
    private readonly retry: RetryOptions = DEFAULT_RETRY,
  ) {}

  async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await inTransaction(this.pool, (queryable) => work(bind(queryable)));
      } catch (error) {
        const retryable = error instanceof ConcurrencyConflictError;
        if (!retryable || attempt >= this.retry.maxAttempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt, this.retry)));
      }
    }
  }
}
