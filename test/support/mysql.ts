import { randomBytes } from 'node:crypto';
import {
  createConnection,
  type Connection,
  type Pool,
  type PoolConnection,
  type RowDataPacket,
} from 'mysql2/promise';
import { idFromBinary, idToBinary } from '../../src/adapters/persistence/mysql/binary-id';

/** The server integration tests use: a URL without a database; each test file makes its own. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306';

export interface TestDatabase {
  readonly name: string;
  /** TEST_DATABASE_URL naming this database. */
  readonly url: string;
  /**
   * One statement on this database, on a connection of the test's own (dates in UTC). Ids go in
   * and come out as strings, as the service's API shows them (see asStored).
   */
  query<T extends RowDataPacket = RowDataPacket>(sql: string, values?: unknown[]): Promise<T[]>;
  /** Deletes every row of the service's tables, children first; the schema stays. */
  clear(): Promise<void>;
  /** Drops the database and closes the test's connection. */
  drop(): Promise<void>;
}

/** Every table the service stores rows in, children before their parents. */
export const SERVICE_TABLES_CHILDREN_FIRST = [
  'inventory_ledger',
  'wallet_ledger',
  'order_items',
  'orders',
  'products',
  'customers',
];

/** A name no other test file uses: `test_<label>_<random>`, within MySQL's 64 characters. */
export function uniqueDatabaseName(label: string): string {
  const safeLabel = label.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40);
  return `test_${safeLabel}_${randomBytes(6).toString('hex')}`;
}

export function databaseUrl(name: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

function connect(database?: string): Promise<Connection> {
  const uri = database ? databaseUrl(database) : TEST_DATABASE_URL;
  return createConnection({ uri, timezone: 'Z', dateStrings: false });
}

/** Runs `work` on a connection to the server (no database selected), then closes it. */
export async function withServerConnection<T>(work: (c: Connection) => Promise<T>): Promise<T> {
  const connection = await connect();
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

export async function databaseExists(name: string): Promise<boolean> {
  return withServerConnection(async (connection) => {
    const [rows] = await connection.query<RowDataPacket[]>(
      'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [name],
    );
    return rows.length > 0;
  });
}

export async function dropDatabase(name: string): Promise<void> {
  await withServerConnection((connection) =>
    connection.query('DROP DATABASE IF EXISTS ??', [name]),
  );
}

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/**
 * Values as the store holds them: ids (the only UUIDs a test sends) as their BINARY(16) bytes,
 * inside arrays (IN lists, multi-row VALUES) and objects (`SET ?`) too.
 */
function asStored(value: unknown): unknown {
  if (typeof value === 'string' && CANONICAL_UUID.test(value)) return idToBinary(value);
  if (Array.isArray(value)) return value.map(asStored);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, asStored(v)]));
  }
  return value;
}

/** A row as a test reads it: ids (the store's only binary columns) as their strings. */
function asRead<T extends RowDataPacket>(row: T): T {
  const columns = row as Record<string, unknown>;
  for (const [column, value] of Object.entries(columns)) {
    if (Buffer.isBuffer(value)) columns[column] = idFromBinary(value);
  }
  return row;
}

/**
 * A fresh, empty database for one test file (the store under test creates its tables). Fails
 * when the server does not answer: integration tests never skip.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = uniqueDatabaseName(label);
  await withServerConnection((connection) =>
    connection.query('CREATE DATABASE ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [name]),
  );
  let own: Promise<Connection> | null = null;
  const ownConnection = (): Promise<Connection> => (own ??= connect(name));

  const query = async <T extends RowDataPacket = RowDataPacket>(
    sql: string,
    values?: unknown[],
  ): Promise<T[]> => {
    const [rows] = await (
      await ownConnection()
    ).query<T[]>(sql, values === undefined ? undefined : (asStored(values) as unknown[]));
    return Array.isArray(rows) ? rows.map((row) => asRead(row)) : rows;
  };

  return {
    name,
    url: databaseUrl(name),
    query,
    clear: async () => {
      for (const table of SERVICE_TABLES_CHILDREN_FIRST) await query('DELETE FROM ??', [table]);
    },
    drop: async () => {
      if (own) await (await own).end();
      await dropDatabase(name);
    },
  };
}

/**
 * Calls `record` with the SQL of every query sent on the connections the pool hands out from now
 * on, so that a test can check what a transaction sent (undone by jest.restoreAllMocks).
 */
export function recordQueries(pool: Pool, record: (sql: string) => void): void {
  const getConnection = pool.getConnection.bind(pool);
  jest.spyOn(pool, 'getConnection').mockImplementation(async () => {
    const connection: PoolConnection = await getConnection();
    const query = connection.query.bind(connection) as (...args: unknown[]) => unknown;
    (connection as unknown as { query: unknown }).query = (sql: unknown, ...rest: unknown[]) => {
      if (typeof sql === 'string') record(sql);
      return query(sql, ...rest);
    };
    return connection;
  });
}
