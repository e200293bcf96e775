import type { RowDataPacket } from 'mysql2/promise';
import { migrateDatabase } from '../../../src/adapters/persistence/mysql/migrate';
import { MIGRATIONS } from '../../../src/adapters/persistence/mysql/migrations';
import { parseMysqlUrl } from '../../../src/adapters/persistence/mysql/mysql-connection';
import { MysqlStore } from '../../../src/adapters/persistence/mysql/mysql-store';
import {
  databaseExists,
  databaseUrl,
  dropDatabase,
  uniqueDatabaseName,
  withServerConnection,
} from '../../support/mysql';

const ALL = MIGRATIONS.map((migration) => migration.name);

async function tablesOf(database: string): Promise<string[]> {
  return withServerConnection(async (connection) => {
    const [rows] = await connection.query<RowDataPacket[]>(
      'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [database],
    );
    return rows.map((row) => String(row.name)).sort();
  });
}

async function recordedMigrations(database: string): Promise<string[]> {
  return withServerConnection(async (connection) => {
    const [rows] = await connection.query<RowDataPacket[]>(
      'SELECT name FROM ??.schema_migrations ORDER BY name',
      [database],
    );
    return rows.map((row) => String(row.name));
  });
}

describe('MySQL migrations', () => {
  const databases: string[] = [];
  const freshDatabase = (label: string): string => {
    const name = uniqueDatabaseName(label);
    databases.push(name);
    return name;
  };

  afterAll(async () => {
    for (const name of databases) await dropDatabase(name);
  });

  it('creates the database named in the URL when it is missing, then its tables', async () => {
    const name = freshDatabase('migrate_create');
    expect(await databaseExists(name)).toBe(false);

    const applied = await migrateDatabase(parseMysqlUrl(databaseUrl(name)));

    expect(applied).toEqual(ALL);
    expect(await tablesOf(name)).toEqual([
      'customers',
      'inventory_ledger',
      'order_items',
      'orders',
      'products',
      'schema_migrations',
      'wallet_ledger',
    ]);
    expect(await recordedMigrations(name)).toEqual(ALL);
  });

  it('runs nothing the second time, and a store connects to the migrated database', async () => {
    const name = freshDatabase('migrate_twice');
    const settings = parseMysqlUrl(databaseUrl(name));
    await migrateDatabase(settings);

    expect(await migrateDatabase(settings)).toEqual([]);
    const store = await MysqlStore.connect({ url: databaseUrl(name), poolSize: 1 });
    await store.close();
    expect(await recordedMigrations(name)).toEqual(ALL);
  });

  it('lets several processes start at once: each migration runs exactly once', async () => {
    const name = freshDatabase('migrate_race');
    const settings = parseMysqlUrl(databaseUrl(name));

    const runs = await Promise.all([1, 2, 3].map(() => migrateDatabase(settings)));

    expect(runs.flat().sort()).toEqual(ALL);
    expect(await recordedMigrations(name)).toEqual(ALL);
  });
});
