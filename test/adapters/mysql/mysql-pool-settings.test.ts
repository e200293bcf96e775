import type { Pool } from 'mysql2/promise';
import {
  createMysqlPool,
  parseMysqlUrl,
} from '../../../src/adapters/persistence/mysql/mysql-connection';
import { inTransaction } from '../../../src/adapters/persistence/mysql/queryable';
import { createTestDatabase, type TestDatabase } from '../../support/mysql';

/**
 * A value spliced into SQL by mistake must not be able to stack a statement behind the one it was
 * meant for: the pool refuses more than one statement per query, inside a transaction too.
 */
describe('the MySQL pool', () => {
  let database: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    database = await createTestDatabase('pool_settings');
    await database.query('CREATE TABLE probe (v INT NOT NULL PRIMARY KEY) ENGINE=InnoDB');
    pool = createMysqlPool(parseMysqlUrl(database.url), 1);
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('runs one statement per query', async () => {
    await expect(pool.query('SELECT 1 AS one')).resolves.toEqual([[{ one: 1 }], expect.anything()]);
  });

  it('refuses a query of two statements', async () => {
    await expect(pool.query('SELECT 1; SELECT 2')).rejects.toMatchObject({
      code: 'ER_PARSE_ERROR',
    });
  });

  it('refuses a stacked statement in a transaction, and runs neither', async () => {
    const run = inTransaction(pool, (tx) =>
      tx.select('SELECT v FROM probe WHERE v = 1; INSERT INTO probe (v) VALUES (1)'),
    );

    await expect(run).rejects.toMatchObject({ code: 'ER_PARSE_ERROR' });
    expect(await database.query('SELECT v FROM probe')).toEqual([]);
  });
});
