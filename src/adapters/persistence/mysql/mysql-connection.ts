import { createPool, type ConnectionOptions, type Pool } from 'mysql2/promise';
import { WAITERS_PER_CONNECTION } from './pool-limits';

/** Where the store lives, read from a `mysql://user:pass@host:3306/db` URL. */
export interface MysqlSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export function parseMysqlUrl(url: string): MysqlSettings {
  const parsed = new URL(url);
  if (parsed.protocol !== 'mysql:') {
    throw new Error('The database URL must start with mysql://');
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) {
    throw new Error('The database URL must name one database: mysql://user:pass@host:3306/db');
  }
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
  };
}

/**
 * Options every connection of the store shares. Dates are written and read as UTC with their
 * milliseconds (DATETIME(3)); BIGINT comes back as a JS number, which holds every amount the
 * domain allows (at most Number.MAX_SAFE_INTEGER).
 */
export function connectionOptions(settings: MysqlSettings, withDatabase = true): ConnectionOptions {
  return {
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: withDatabase ? settings.database : undefined,
    charset: 'UTF8MB4_UNICODE_CI',
    timezone: 'Z',
    dateStrings: false,
    supportBigNumbers: false,
    bigNumberStrings: false,
    connectTimeout: 5000,
    enableKeepAlive: true,
  };
}

/**
 * A pool of `poolSize` connections; past `maxWaiting` callers waiting for one, a caller is
 * refused at once (see mysql-errors.ts) rather than queued without bound.
 */
export function createMysqlPool(
  settings: MysqlSettings,
  poolSize: number,
  maxWaiting = poolSize * WAITERS_PER_CONNECTION,
): Pool {
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new Error(`The MySQL pool size must be a positive integer, got ${poolSize}`);
  }
  return createPool({
    ...connectionOptions(settings),
    connectionLimit: poolSize,
    maxIdle: poolSize,
    waitForConnections: true,
    queueLimit: maxWaiting,
    // One statement per query, so that a value spliced into SQL by mistake cannot stack a second
    // statement (DROP, GRANT…) behind the one it was meant for.
    multipleStatements: false,
  });
}
