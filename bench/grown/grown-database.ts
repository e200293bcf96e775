import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { MIGRATIONS } from '../../src/adapters/persistence/mysql/migrations';
import { OwnMariadb } from '../../test/faults/support/servers';
import { LOCAL_SERVERS, type Servers } from '../service/environment';
import { runCommand } from '../service/service-process';
import { createHistoryShop, HistoryLoader, HistoryMix, openServiceWriters } from './history-loader';

/** The database the history is loaded into, on the bench's own server. */
export const GROWN_DATABASE = 'grown';

/** Changes whenever the loader writes other rows: a cached history of an older loader is stale. */
const LOADER_VERSION = 1;

const MIB = 1024 * 1024;

/** The loader's server gets a pool that holds the whole history, so that loading stays fast. */
const LOADING_BUFFER_POOL = '2G';

export interface TableSize {
  rows: number;
  dataBytes: number;
  indexBytes: number;
}

/** A database's size as information_schema reports it (after ANALYZE TABLE). */
export interface DatabaseSize {
  bytes: number;
  tables: Record<string, TableSize>;
}

export interface HistoryReport {
  orders: number;
  /** Of the grown database when the history was loaded, before any scenario ran on it. */
  size: DatabaseSize;
  bytesPerOrder: number;
  bufferPoolBytes: number;
  /** size.bytes ÷ the buffer pool the scenarios run with. */
  multiple: number;
  /** How long loading took when it was loaded (not when taken from the cache). */
  loadMs: number;
  ordersPerSecond: number;
  /** This run took the loaded data directory from bench/tmp/grown (see cacheKey). */
  fromCache: boolean;
  /** The schema's migrations, the loader's version and the target size, hashed. */
  cacheKey: string;
}

export interface HistoryPlan {
  /** The grown database is at least this many times the scenarios' buffer pool. */
  multiple: number;
  bufferPoolMb: number;
  customers: number;
  products: number;
  /** Orders placed, then settled, per round; the database is measured after each. */
  roundSize: number;
}

export const DEFAULT_HISTORY_PLAN: Omit<HistoryPlan, 'multiple' | 'bufferPoolMb'> = {
  customers: 2000,
  products: 500,
  roundSize: 20_000,
};

const log = (line: string) => process.stdout.write(`${line}\n`);

interface SizeRow extends RowDataPacket {
  table_name: string;
  table_rows: number;
  data_length: number;
  index_length: number;
}

/** ANALYZE TABLE first: information_schema's InnoDB sizes are the persistent statistics'. */
export async function measureDatabase(mysqlUrl: string, database: string): Promise<DatabaseSize> {
  const connection = await createConnection({ uri: mysqlUrl });
  try {
    const [tables] = await connection.query<SizeRow[]>(
      `SELECT table_name AS table_name FROM information_schema.TABLES
       WHERE table_schema = ? AND engine = 'InnoDB'`,
      [database],
    );
    for (const { table_name } of tables) {
      await connection.query('ANALYZE TABLE ??.??', [database, table_name]);
    }
    const [rows] = await connection.query<SizeRow[]>(
      `SELECT table_name AS table_name, table_rows AS table_rows,
              data_length AS data_length, index_length AS index_length
       FROM information_schema.TABLES WHERE table_schema = ? AND engine = 'InnoDB'`,
      [database],
    );
    const sizes: Record<string, TableSize> = {};
    let bytes = 0;
    for (const row of rows) {
      sizes[row.table_name] = {
        rows: Number(row.table_rows),
        dataBytes: Number(row.data_length),
        indexBytes: Number(row.index_length),
      };
      bytes += Number(row.data_length) + Number(row.index_length);
    }
    return { bytes, tables: sizes };
  } finally {
    await connection.end();
  }
}

async function countOrders(mysqlUrl: string, database: string): Promise<number> {
  const connection = await createConnection({ uri: mysqlUrl });
  try {
    const [[row]] = await connection.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM ??.orders', [
      database,
    ]);
    return Number(row?.n);
  } finally {
    await connection.end();
  }
}

const serverUrl = (server: OwnMariadb) => `mysql://root@127.0.0.1:${server.port}`;

/**
 * Loads rounds of history through the service's own code until the database holds `targetBytes`,
 * on a server of its own under `dir`, then stops that server cleanly: its data directory is then
 * a grown database that any later run can start on.
 */
async function loadHistory(
  dir: string,
  targetBytes: number,
  plan: HistoryPlan,
): Promise<{ orders: number; loadMs: number }> {
  const server = await OwnMariadb.start(dir, { bufferPool: LOADING_BUFFER_POOL });
  try {
    const started = Date.now();
    const writers = await openServiceWriters(`${serverUrl(server)}/${GROWN_DATABASE}`);
    let orders = 0;
    try {
      const shop = await createHistoryShop(writers, plan);
      const mix = new HistoryMix(shop);
      const loader = new HistoryLoader(writers);
      // A day of history per round, from a year and a half ago.
      const first = Date.now() - 540 * 86_400_000;
      for (let round = 0; ; round += 1) {
        const history = Array.from({ length: plan.roundSize }, () => mix.next());
        await loader.load(history, { placedAt: new Date(first + round * 86_400_000) });
        orders += history.length;
        const { bytes } = await measureDatabase(serverUrl(server), GROWN_DATABASE);
        const seconds = (Date.now() - started) / 1000;
        log(
          `  ${orders.toLocaleString('en-US')} orders, ${(bytes / MIB).toFixed(0)} MiB of ` +
            `${(targetBytes / MIB).toFixed(0)} MiB, ${Math.round(orders / seconds)} orders/s`,
        );
        if (bytes >= targetBytes) break;
      }
    } finally {
      await writers.close();
    }
    return { orders, loadMs: Date.now() - started };
  } finally {
    await server.stop('SIGTERM');
  }
}

export interface GrownServer {
  server: OwnMariadb;
  /** The bench's own MariaDB, with the shared Redis and RabbitMQ. */
  servers: Servers;
  history: HistoryReport;
  /** Stops the server and deletes its copy of the data. */
  stop(): Promise<void>;
}

/**
 * A MariaDB of the bench's own with a small buffer pool, on a copy of a data directory holding a
 * grown database: loaded by this run, or by an earlier one with the same schema, loader and size
 * (kept in bench/tmp/grown/). Never the shared server.
 */
export async function startGrownServer(
  root: string,
  runId: string,
  plan: HistoryPlan,
): Promise<GrownServer> {
  const bufferPoolBytes = plan.bufferPoolMb * MIB;
  const targetBytes = plan.multiple * bufferPoolBytes;
  const cacheKey = createHash('sha256')
    .update(JSON.stringify([MIGRATIONS.map((m) => m.name), LOADER_VERSION, targetBytes, plan]))
    .digest('hex')
    .slice(0, 12);
  const base = join(root, 'bench', 'tmp', 'grown');
  const cached = join(base, `history-${cacheKey}`);
  const loadedFile = join(cached, 'loaded.json');
  mkdirSync(base, { recursive: true });

  let loaded: { orders: number; loadMs: number };
  const fromCache = existsSync(loadedFile);
  if (fromCache) {
    loaded = JSON.parse(readFileSync(loadedFile, 'utf8')) as typeof loaded;
    log(`grown database: the history loaded earlier (${cached})`);
  } else {
    log(`grown database: loading history to ${(targetBytes / MIB).toFixed(0)} MiB`);
    const building = join(base, `loading-${runId}`);
    rmSync(building, { recursive: true, force: true });
    loaded = await loadHistory(building, targetBytes, plan);
    rmSync(cached, { recursive: true, force: true });
    renameSync(building, cached);
    writeFileSync(loadedFile, `${JSON.stringify(loaded)}\n`);
  }

  const dir = join(base, `run-${runId}`);
  mkdirSync(dir, { recursive: true });
  await runCommand('cp', ['-a', join(cached, 'data'), join(dir, 'data')], root);
  const server = await OwnMariadb.open(dir, { bufferPool: `${plan.bufferPoolMb}M` });
  const url = serverUrl(server);
  const size = await measureDatabase(url, GROWN_DATABASE);
  const orders = await countOrders(url, GROWN_DATABASE);
  return {
    server,
    servers: { ...LOCAL_SERVERS, mysqlUrl: url },
    history: {
      orders,
      size,
      bytesPerOrder: Math.round(size.bytes / orders),
      bufferPoolBytes,
      multiple: Number((size.bytes / bufferPoolBytes).toFixed(1)),
      loadMs: loaded.loadMs,
      ordersPerSecond: Math.round(loaded.orders / (loaded.loadMs / 1000)),
      fromCache,
      cacheKey,
    },
    async stop() {
      await server.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface StatusRow extends RowDataPacket {
  Value: string;
}

/** Pages InnoDB read from disk since the server started: misses of the buffer pool. */
export async function bufferPoolReads(mysqlUrl: string): Promise<number> {
  const connection = await createConnection({ uri: mysqlUrl });
  try {
    const [[row]] = await connection.query<StatusRow[]>(
      "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_reads'",
    );
    return Number(row?.Value);
  } finally {
    await connection.end();
  }
}
