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

/** Each ledger's secondary indexes, as `name(column, …)`. */
async function ledgerIndexes(database: string): Promise<Record<string, string[]>> {
  return withServerConnection(async (connection) => {
    const [rows] = await connection.query<RowDataPacket[]>(
      `SELECT TABLE_NAME AS tableName, INDEX_NAME AS indexName,
              GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX SEPARATOR ', ') AS columns
       FROM information_schema.STATISTICS
       WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN ('wallet_ledger', 'inventory_ledger')
         AND INDEX_NAME <> 'PRIMARY'
       GROUP BY TABLE_NAME, INDEX_NAME
       ORDER BY TABLE_NAME, INDEX_NAME`,
      [database],
    );
    const indexes: Record<string, string[]> = {};
    for (const row of rows) {
      (indexes[String(row.tableName)] ??= []).push(`${row.indexName}(${row.columns})`);
    }
    return indexes;
  });
}

const LEDGER_INDEXES = {
  inventory_ledger: [
    'idx_inventory_ledger_product_kind(product_id, kind, id, quantity)',
    'uq_inventory_ledger_order_product_kind(order_id, product_id, kind)',
  ],
  wallet_ledger: [
    'idx_wallet_ledger_customer_kind(customer_id, kind, id, amount)',
    'uq_wallet_ledger_order_kind(order_id, kind)',
  ],
};

/** Every foreign key, as `table.constraint → referenced table`. */
async function foreignKeys(database: string): Promise<string[]> {
  return withServerConnection(async (connection) => {
    const [rows] = await connection.query<RowDataPacket[]>(
      `SELECT TABLE_NAME AS tableName, CONSTRAINT_NAME AS name, REFERENCED_TABLE_NAME AS parent
       FROM information_schema.REFERENTIAL_CONSTRAINTS
       WHERE CONSTRAINT_SCHEMA = ? ORDER BY TABLE_NAME, CONSTRAINT_NAME`,
      [database],
    );
    return rows.map((row) => `${row.tableName}.${row.name} → ${row.parent}`);
  });
}

const FOREIGN_KEYS = [
  'inventory_ledger.fk_inventory_ledger_order → orders',
  'inventory_ledger.fk_inventory_ledger_product → products',
  'order_items.fk_order_items_order → orders',
  'wallet_ledger.fk_wallet_ledger_customer → customers',
  'wallet_ledger.fk_wallet_ledger_order → orders',
];

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

  it("answers the ledgers' credit and supply sums from an index alone", async () => {
    const name = freshDatabase('migrate_sums');
    await migrateDatabase(parseMysqlUrl(databaseUrl(name)));

    expect(await ledgerIndexes(name)).toEqual(LEDGER_INDEXES);
    const plans = await withServerConnection(async (connection) => {
      await connection.query('USE ??', [name]);
      const explain = async (sql: string, values: unknown[]) => {
        const [[plan]] = await connection.query<RowDataPacket[]>(`EXPLAIN ${sql}`, values);
        return { key: plan?.key, coveredByIndex: String(plan?.Extra).includes('Using index') };
      };
      return [
        await explain(
          'SELECT SUM(amount) FROM wallet_ledger WHERE customer_id = ? AND kind IN (?)',
          [Buffer.alloc(16), ['OPENING', 'DEPOSIT']],
        ),
        await explain(
          'SELECT SUM(quantity) FROM inventory_ledger WHERE product_id = ? AND kind IN (?)',
          [Buffer.alloc(16), ['INITIAL', 'ADJUSTMENT']],
        ),
      ];
    });
    expect(plans).toEqual([
      { key: 'idx_wallet_ledger_customer_kind', coveredByIndex: true },
      { key: 'idx_inventory_ledger_product_kind', coveredByIndex: true },
    ]);
  });

  it('lets 0003 run again after a run that altered one ledger and recorded nothing', async () => {
    const name = freshDatabase('migrate_0003_again');
    const settings = parseMysqlUrl(databaseUrl(name));
    await migrateDatabase(settings);
    await withServerConnection(async (connection) => {
      await connection.query('USE ??', [name]);
      await connection.query(
        'ALTER TABLE inventory_ledger ADD KEY idx_inventory_ledger_product (product_id, id), DROP KEY idx_inventory_ledger_product_kind',
      );
      await connection.query(
        "DELETE FROM schema_migrations WHERE name = '0003-ledger-credit-indexes'",
      );
    });

    expect(await migrateDatabase(settings)).toEqual(['0003-ledger-credit-indexes']);
    expect(await ledgerIndexes(name)).toEqual({
      ...LEDGER_INDEXES,
      inventory_ledger: [
        'idx_inventory_ledger_product_kind(product_id, kind, quantity)',
        'uq_inventory_ledger_order_product_kind(order_id, product_id, kind)',
      ],
    });
  });

  it('leaves order inserts no foreign key to customers or products, and the others in place', async () => {
    const name = freshDatabase('migrate_0004');
    await migrateDatabase(parseMysqlUrl(databaseUrl(name)));

    expect(await foreignKeys(name)).toEqual(FOREIGN_KEYS);
  });

  it('lets 0004 run again after a run that dropped one foreign key and recorded nothing', async () => {
    const name = freshDatabase('migrate_0004_again');
    const settings = parseMysqlUrl(databaseUrl(name));
    await migrateDatabase(settings);
    await withServerConnection(async (connection) => {
      await connection.query('USE ??', [name]);
      await connection.query(
        'ALTER TABLE order_items ADD CONSTRAINT fk_order_items_product FOREIGN KEY (product_id) REFERENCES products (id)',
      );
      await connection.query(
        "DELETE FROM schema_migrations WHERE name = '0004-no-parent-locks-on-order-insert'",
      );
    });

    expect(await migrateDatabase(settings)).toEqual(['0004-no-parent-locks-on-order-insert']);
    expect(await foreignKeys(name)).toEqual(FOREIGN_KEYS);
  });

  it('lets several processes start at once: each migration runs exactly once', async () => {
    const name = freshDatabase('migrate_race');
    const settings = parseMysqlUrl(databaseUrl(name));

    const runs = await Promise.all([1, 2, 3].map(() => migrateDatabase(settings)));

    expect(runs.flat().sort()).toEqual(ALL);
    expect(await recordedMigrations(name)).toEqual(ALL);
  });
});
