import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { translateMysqlError } from './mysql-errors';

/**
 * Where a repository's statements go: the pool (each statement commits on its own) or the
 * connection of an open transaction. Errors come out already translated (mysql-errors.ts).
 */
export interface Queryable {
  select<T extends RowDataPacket>(sql: string, values?: unknown[]): Promise<T[]>;
  /**
   * Resolves once the statement ran, or, in a transaction, once it is queued to go with the next
   * select or the COMMIT, where its error then surfaces.
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

interface Reader {
  /** Where the read stands among the statements of its round trip. */
  at: number;
  resolve: (rows: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * A transaction that costs as few round trips as its reads allow, since on a busy machine each
 * round trip costs more than the statement it carries. START TRANSACTION goes with the first
 * statement; writes wait to go with the next read or with the COMMIT (writes return nothing that a
 * caller reads); reads asked for together (before the caller next waits on I/O, as with
 * Promise.all) go together, in the order they were asked for, which keeps lock order. Several
 * statements travel as one multi-statement query; the server stops at the first that fails, every
 * read of that query then fails with it, and the transaction is rolled back.
 */
class TransactionQueryable implements Queryable {
  private begun = false;
  private queued: Statement[] = [];
  private readers: Reader[] = [];
  private flushScheduled = false;

  constructor(private readonly connection: PoolConnection) {}

  select<T extends RowDataPacket>(sql: string, values?: unknown[]): Promise<T[]> {
    return new Promise<unknown>((resolve, reject) => {
      this.readers.push({ at: this.queued.length, resolve, reject });
      this.queued.push({ sql, values: values ?? [] });
      this.scheduleFlush();
    }) as Promise<T[]>;
  }

  async write(sql: string, values?: unknown[]): Promise<void> {
    this.queued.push({ sql, values: values ?? [] });
  }

  atomically<T>(work: (queryable: Queryable) => Promise<T>): Promise<T> {
    return work(this);
  }

  /** Sends what is queued and COMMIT; nothing at all when the transaction never did anything. */
  async commit(): Promise<void> {
    if (!this.begun && this.queued.length === 0) return;
    this.queued.push({ sql: 'COMMIT', values: [] });
    await this.flush();
  }

  /**
   * process.nextTick runs once every promise continuation that needs no I/O has run, so reads
   * asked for in the same turn of the caller's code all make the same round trip.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(() => {
      this.flushScheduled = false;
      this.flush().catch(() => undefined);
    });
  }

  /** Rejects only for the COMMIT's caller; readers hear of a failure through their own promise. */
  private async flush(): Promise<void> {
    if (this.queued.length === 0) return;
    const statements = [
      ...(this.begun ? [] : [{ sql: 'START TRANSACTION', values: [] }]),
      ...this.queued,
    ];
    const offset = statements.length - this.queued.length;
    const readers = this.readers;
    this.begun = true;
    this.queued = [];
    this.readers = [];
    try {
      const [results] = await this.connection.query(
        statements.map((statement) => statement.sql).join(';\n'),
        statements.flatMap((statement) => statement.values),
      );
      for (const reader of readers) {
        reader.resolve(
          statements.length > 1 ? (results as unknown[])[offset + reader.at] : results,
        );
      }
    } catch (error) {
      const translated = translateMysqlError(error);
      for (const reader of readers) reader.reject(translated);
      throw translated;
    }
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
 * One attempt at a transaction on a connection of its own: work, then COMMIT (see
 * TransactionQueryable); ROLLBACK when anything throws. A connection that cannot even roll back is destroyed, never handed back.
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
    const transaction = new TransactionQueryable(connection);
    const result = await work(transaction);
    await transaction.commit();
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
