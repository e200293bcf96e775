import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { translateMysqlError } from './mysql-errors';

/**
 * Where a repository's statements go: the pool (each statement commits on its own) or the
 * connection of an open transaction. Errors come out already translated (mysql-errors.ts).
 */
export interface Queryable {
  select<T extends RowDataPacket>(sql: string, values?: unknown[]): Promise<T[]>;
  write(sql: string, values?: unknown[]): Promise<ResultSetHeader>;
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

async function write(
  client: Client,
  sql: string,
  values: unknown[] | undefined,
): Promise<ResultSetHeader> {
  try {
    const [result] = await client.query<ResultSetHeader>(sql, values);
    return result;
  } catch (error) {
    throw translateMysqlError(error);
  }
}

export class PoolQueryable implements Queryable {
  constructor(private readonly pool: Pool) {}

  select<T extends RowDataPacket>(sql: string, values?: unknown[]): Promise<T[]> {
    return select<T>(this.pool, sql, values);
  }

  write(sql: string, values?: unknown[]): Promise<ResultSetHeader> {
    return write(this.pool, sql, values);
  }

  atomically<T>(work: (queryable: Queryable) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }
}

class TransactionQueryable implements Queryable {
  constructor(private readonly connection: PoolConnection) {}

  select<T extends RowDataPacket>(sql: string, values?: unknown[]): Promise<T[]> {
    return select<T>(this.connection, sql, values);
  }

  write(sql: string, values?: unknown[]): Promise<ResultSetHeader> {
    return write(this.connection, sql, values);
  }

  atomically<T>(work: (queryable: Queryable) => Promise<T>): Promise<T> {
    return work(this);
  }
}

/**
 * Connections whose session already reads committed data. READ COMMITTED takes no gap locks on
 * locking reads, so a lock on an absent id or a unique-key probe does not block inserts nearby;
 * correctness rests on the explicit row locks (FOR UPDATE), not on snapshots.
 */
const readCommittedSessions = new WeakSet<object>();

async function prepareSession(connection: PoolConnection): Promise<void> {
  if (readCommittedSessions.has(connection.connection)) return;
  await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
  readCommittedSessions.add(connection.connection);
}

/**
 * One attempt at a transaction on a connection of its own: BEGIN, work, COMMIT; ROLLBACK when
 * anything throws. A connection that cannot even roll back is destroyed, never handed back.
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
  try {
    await prepareSession(connection);
    await connection.beginTransaction();
    const result = await work(new TransactionQueryable(connection));
    await connection.commit();
    connection.release();
    return result;
  } catch (error) {
    await connection.rollback().then(
      () => connection.release(),
      () => connection.destroy(),
    );
    throw translateMysqlError(error);
  }
}
