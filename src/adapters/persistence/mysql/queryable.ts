import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { translateMysqlError } from './mysql-errors';

/**
 * Where a repository's statements go: the pool (each statement commits on its own) or the
 * connection of an open transaction. Errors come out already translated (mysql-errors.ts).
 */
export interface Queryable {
  select<T extends RowDataPacket>(sql: string, values?: unknown[]): Promise<T[]>;
  /**
   * Resolves once the statement ran, or, in a transaction, once it is queued to go just before the
   * next select or the COMMIT, where its error then surfaces.
   */
  write(sql: string, values?: unknown[]): Promise<void>;
  /** Runs `work` so that its statements commit together: in the open transaction, or a new one. */
  atomically<T>(work: (queryable: Queryable) => Promise<T>): Promise<T>;
}

type Client = Pick<Pool, 'query'>;

async function select<T extends RowDataPacket>(
  client: Client,
  sql: string,
  values: unknown[] | undefined,
): Promise<T[]> {
  try {
    const [rows] = await client.query<T[]>(sql, values);
    return rows;
  } catch (error) {
    throw translateMysqlError(error);
  }
}

async function write(client: Client, sql: string, values: unknown[] | undefined): Promise<void> {
  try {
    await client.query<ResultSetHeader>(sql, values);
  } catch (error) {
    throw translateMysqlError(error);
  }
}

export class PoolQueryable implements Queryable {
  constructor(private readonly pool: Pool) {}

  select<T extends RowDataPacket>(sql: string, values?: unknown[]): Promise<T[]> {
    return select<T>(this.pool, sql, values);
  }

  async write(sql: string, values?: unknown[]): Promise<void> {
    await write(this.pool, sql, values);
  }

  atomically<T>(work: (queryable: Queryable) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }
}

interface Statement {
  sql: string;
  values: unknown[];
}

const START: Statement = { sql: 'START TRANSACTION', values: [] };
const COMMIT: Statement = { sql: 'COMMIT', values: [] };

/**
 * A transaction's statements, one to a query (the pool takes no more: mysql-connection.ts), in the
 * order they were asked for, which keeps lock order. START TRANSACTION waits for the first
 * statement, so that a transaction that does nothing sends nothing; writes wait for the next read
 * or the COMMIT (writes return nothing that a caller reads), so a caller never waits on one. Once
 * a statement fails nothing more is sent: every later read and the COMMIT fail with it, and the
 * transaction is rolled back.
 */
class TransactionQueryable implements Queryable {
  private begun = false;
  private writes: Statement[] = [];
  /** Settles when every statement sent so far has been answered. */
  private sent: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;

  constructor(private readonly connection: PoolConnection) {}

  select<T extends RowDataPacket>(sql: string, values?: unknown[]): Promise<T[]> {
    return this.send([...this.takeQueued(), { sql, values: values ?? [] }]) as Promise<T[]>;
  }

  async write(sql: string, values?: unknown[]): Promise<void> {
    this.writes.push({ sql, values: values ?? [] });
  }

  atomically<T>(work: (queryable: Queryable) => Promise<T>): Promise<T> {
    return work(this);
  }

  /** Sends what is queued and COMMIT; nothing at all when the transaction never did anything. */
  async commit(): Promise<void> {
    if (!this.begun && this.writes.length === 0) return;
    await this.send([...this.takeQueued(), COMMIT]);
  }

  /** Sends nothing more; resolves once the statement in flight, if any, has been answered. */
  stop(): Promise<void> {
    this.failure ??= { error: new Error('The transaction was abandoned') };
    return this.sent;
  }

  private takeQueued(): Statement[] {
    const statements = [...(this.begun ? [] : [START]), ...this.writes];
    this.begun = true;
    this.writes = [];
    return statements;
  }

  /** Each statement after the ones sent before it; answers the last one's rows. */
  private send(statements: Statement[]): Promise<unknown> {
    const answered = this.sent.then(async () => {
      let rows: unknown;
      for (const statement of statements) rows = await this.query(statement);
      return rows;
    });
    // The caller hears of a failure through `answered`, later statements through `failure`.
    this.sent = answered.then(
      () => undefined,
      () => undefined,
    );
    return answered;
  }

  private async query({ sql, values }: Statement): Promise<unknown> {
    if (this.failure) throw this.failure.error;
    try {
      const [rows] = await this.connection.query(sql, values);
      return rows;
    } catch (error) {
      this.failure = { error: translateMysqlError(error) };
      throw this.failure.error;
    }
  }
}

/**
 * Connections whose session already reads committed data. READ COMMITTED takes no gap locks on
 * locking reads, so a lock on an absent id or a unique-key probe does not block inserts nearby;
 * correctness rests on the explicit row locks (FOR UPDATE), not on snapshots.
 */
const readCommittedSessions = new WeakSet<object>();

export async function prepareSession(connection: PoolConnection): Promise<void> {
  if (readCommittedSessions.has(connection.connection)) return;
  await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
  readCommittedSessions.add(connection.connection);
}

/**
 * One attempt at a transaction on a connection of its own: work, then COMMIT (see
 * TransactionQueryable); ROLLBACK when anything throws, after the statement in flight, if any, and
 * with nothing sent after it. A connection that cannot even roll back is destroyed, never handed
 * back.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (queryable: Queryable) => Promise<T>,
): Promise<T> {
  let connection: PoolConnection;
  try {
    connection = await pool.getConnection();
  } catch (error) {
    throw translateMysqlError(error);
  }
  const transaction = new TransactionQueryable(connection);
  try {
    await prepareSession(connection);
    const result = await work(transaction);
    await transaction.commit();
    connection.release();
    return result;
  } catch (error) {
    await transaction.stop();
    await connection.rollback().then(
      () => connection.release(),
      () => connection.destroy(),
    );
    throw translateMysqlError(error);
  }
}
