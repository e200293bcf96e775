import type { Pool } from 'mysql2/promise';
import {
  createMysqlPool,
  parseMysqlUrl,
} from '../../src/adapters/persistence/mysql/mysql-connection';
import { MysqlStore } from '../../src/adapters/persistence/mysql/mysql-store';
import { createTestDatabase, recordQueries } from './mysql';

/** A test database with a store for setup and a pool whose queries are recorded. */
export interface RecordedMysql {
  /** For arranging and checking rows; its queries are not recorded. */
  store: MysqlStore;
  /** For the transactions under test. */
  pool: Pool;
  /** The SQL sent on the pool's connections since the last clear(), session setup left out. */
  readonly sent: string[];
  clear(): void;
  close(): Promise<void>;
}

export async function recordedMysql(label: string): Promise<RecordedMysql> {
  const database = await createTestDatabase(label);
  const store = await MysqlStore.connect({ url: database.url, poolSize: 2 });
  const pool = createMysqlPool(parseMysqlUrl(database.url), 2);
  const sent: string[] = [];
  recordQueries(pool, (sql) => {
    if (!sql.startsWith('SET SESSION')) sent.push(sql);
  });
  return {
    store,
    pool,
    sent,
    clear: () => {
      sent.length = 0;
    },
    async close() {
      jest.restoreAllMocks();
      await pool.end();
      await store.close();
      await database.drop();
    },
  };
}
