import type { Pool } from 'mysql2/promise';
import { migrateDatabase } from './migrate';
import { createMysqlPool, parseMysqlUrl } from './mysql-connection';
import { MysqlCustomerRepository } from './mysql-customer-repository';
import { MysqlInventoryLedger } from './mysql-inventory-ledger';
import { MysqlOrderRepository } from './mysql-order-repository';
import { MysqlProductRepository } from './mysql-product-repository';
import { MysqlUnitOfWork } from './mysql-unit-of-work';
import { MysqlWalletLedger } from './mysql-wallet-ledger';
import { PoolQueryable, prepareSession } from './queryable';

interface CallbackPoolInternals {
  _allConnections: { length: number };
  _freeConnections: { length: number };
  _connectionQueue: { length: number };
}

export interface MysqlStoreOptions {
  /** `mysql://user:pass@host:3306/db`; the database is created when missing. */
  url: string;
  /** Connections in the pool: the most statements and transactions in flight at once. */
  poolSize: number;
  /** Callers that may wait for a connection; see createMysqlPool. */
  maxWaiting?: number;
}

/** The MySQL store: every repository of it, outside (on the pool) and inside transactions. */
export class MysqlStore {
  private readonly queryable: PoolQueryable;
  readonly customers: MysqlCustomerRepository;
  readonly products: MysqlProductRepository;
  readonly orders: MysqlOrderRepository;
  readonly ledger: MysqlWalletLedger;
  readonly inventory: MysqlInventoryLedger;
  readonly unitOfWork: MysqlUnitOfWork;

  private constructor(
    private readonly pool: Pool,
    private readonly poolSize: number,
  ) {
    this.queryable = new PoolQueryable(pool);
    this.customers = new MysqlCustomerRepository(this.queryable);
    this.products = new MysqlProductRepository(this.queryable);
    this.orders = new MysqlOrderRepository(this.queryable);
    this.ledger = new MysqlWalletLedger(this.queryable);
    this.inventory = new MysqlInventoryLedger(this.queryable);
    this.unitOfWork = new MysqlUnitOfWork(pool);
  }

  /** Migrates the schema (creating the database if needed), then opens the pool. */
  static async connect(options: MysqlStoreOptions): Promise<MysqlStore> {
    const settings = parseMysqlUrl(options.url);
    const pool = createMysqlPool(settings, options.poolSize, options.maxWaiting);
    await migrateDatabase(settings).catch(async (error: unknown) => {
      await pool.end();
      throw error;
    });
    return new MysqlStore(pool, options.poolSize);
  }

  /**
   * Opens every connection of the pool and prepares its session, which the pool would otherwise
   * do for the first requests of a load, one handshake at a time, while they wait.
   */
  async warm(): Promise<void> {
    const taken = await Promise.allSettled(
      Array.from({ length: this.poolSize }, () => this.pool.getConnection()),
    );
    const connections = taken.flatMap((each) => (each.status === 'fulfilled' ? [each.value] : []));
    try {
      await Promise.all(connections.map((connection) => prepareSession(connection)));
    } finally {
      for (const connection of connections) connection.release();
    }
    const refused = taken.find((each) => each.status === 'rejected');
    if (refused) throw refused.reason;
  }

  /** Connections busy and callers waiting for one, for the metrics. */
  poolUsage(): { size: number; inUse: number; waiting: number } {
    // mysql2 keeps these counts private; its promise pool wraps the callback pool that has them.
    const pool = (this.pool as unknown as { pool: CallbackPoolInternals }).pool;
    return {
      size: this.poolSize,
      inUse: pool._allConnections.length - pool._freeConnections.length,
      waiting: pool._connectionQueue.length,
    };
  }

  /** Resolves when the server answers; DependencyUnavailableError otherwise. */
  async ping(): Promise<void> {
    await this.queryable.select('SELECT 1');
  }

  /** Ends the pool once its connections are back; later calls fail as "database unavailable". */
  async close(): Promise<void> {
    await this.pool.end();
  }
}
