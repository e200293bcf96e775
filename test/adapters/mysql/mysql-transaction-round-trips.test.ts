import type { Pool, RowDataPacket } from 'mysql2/promise';
import {
  createMysqlPool,
  parseMysqlUrl,
} from '../../../src/adapters/persistence/mysql/mysql-connection';
import { inTransaction } from '../../../src/adapters/persistence/mysql/queryable';
import { createTestDatabase, recordQueries, type TestDatabase } from '../../support/mysql';

interface ValueRow extends RowDataPacket {
  v: number;
}

/**
 * The transaction queryable sends one statement per query and holds writes back until a read or
 * the COMMIT needs them, without changing what a transaction does: these tests record the queries
 * each transaction sends and check both.
 */
describe('MySQL transaction round trips', () => {
  let database: TestDatabase;
  let pool: Pool;
  let sent: string[];

  beforeAll(async () => {
    database = await createTestDatabase('round_trips');
    await database.query('CREATE TABLE probe (v INT NOT NULL PRIMARY KEY) ENGINE=InnoDB');
    pool = createMysqlPool(parseMysqlUrl(database.url), 2);
    recordQueries(pool, (sql) => {
      if (!sql.startsWith('SET SESSION')) sent.push(sql);
    });
  });

  beforeEach(async () => {
    sent = [];
    await database.query('DELETE FROM probe');
    await database.query('INSERT INTO probe (v) VALUES (1), (2)');
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const values = async () =>
    (await database.query<ValueRow>('SELECT v FROM probe ORDER BY v')).map((row) => row.v);

  it('sends one statement per query, in the order asked for, writes before the read after them', async () => {
    const [one, two] = await inTransaction(pool, async (tx) => {
      await tx.write('INSERT INTO probe (v) VALUES (?)', [3]);
      return Promise.all([
        tx.select<ValueRow>('SELECT v FROM probe WHERE v = ? FOR UPDATE', [1]),
        tx.select<ValueRow>('SELECT v FROM probe WHERE v >= ? ORDER BY v FOR UPDATE', [2]),
      ]);
    });

    expect(one.map((row) => row.v)).toEqual([1]);
    expect(two.map((row) => row.v)).toEqual([2, 3]);
    expect(sent).toEqual([
      'START TRANSACTION',
      'INSERT INTO probe (v) VALUES (?)',
      'SELECT v FROM probe WHERE v = ? FOR UPDATE',
      'SELECT v FROM probe WHERE v >= ? ORDER BY v FOR UPDATE',
      'COMMIT',
    ]);
  });

  it('holds writes that no read follows, and the START TRANSACTION, back until the COMMIT', async () => {
    let sentBeforeCommit: string[] = [];
    await inTransaction(pool, async (tx) => {
      await tx.write('INSERT INTO probe (v) VALUES (?)', [3]);
      await tx.write('DELETE FROM probe WHERE v = ?', [1]);
      sentBeforeCommit = [...sent];
    });

    expect(sentBeforeCommit).toEqual([]);
    expect(sent).toEqual([
      'START TRANSACTION',
      'INSERT INTO probe (v) VALUES (?)',
      'DELETE FROM probe WHERE v = ?',
      'COMMIT',
    ]);
    expect(await values()).toEqual([2, 3]);
  });

  it('sends nothing for a transaction that did nothing', async () => {
    await inTransaction(pool, async () => undefined);

    expect(sent).toEqual([]);
  });

  it('sends nothing after a statement that fails, fails the reads after it, and rolls back', async () => {
    const reads: Promise<ValueRow[]>[] = [];
    const run = inTransaction(pool, async (tx) => {
      await tx.write('INSERT INTO probe (v) VALUES (?)', [3]);
      reads.push(
        tx.select<ValueRow>('SELECT v FROM probe WHERE v = ?', [1]),
        tx.select<ValueRow>('SELECT v FROM no_such_table'),
        tx.select<ValueRow>('SELECT v FROM probe WHERE v >= ?', [2]),
      );
      await Promise.all(reads);
    });

    await expect(run).rejects.toThrow(/no_such_table/);
    const outcomes = await Promise.allSettled(reads);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
    ]);
    expect(sent).not.toContain('SELECT v FROM probe WHERE v >= ?');
    expect(await values()).toEqual([1, 2]);
  });

  it('does not commit when the work goes on after a failed read', async () => {
    const run = inTransaction(pool, async (tx) => {
      await tx.write('INSERT INTO probe (v) VALUES (?)', [3]);
      await tx.select('SELECT v FROM no_such_table').catch(() => []);
      await tx.write('INSERT INTO probe (v) VALUES (?)', [4]);
    });

    await expect(run).rejects.toThrow(/no_such_table/);
    expect(sent).not.toContain('COMMIT');
    expect(await values()).toEqual([1, 2]);
  });

  it('sends nothing after the ROLLBACK of work that threw with statements still to send', async () => {
    const reads: Promise<ValueRow[]>[] = [];
    const run = inTransaction(pool, async (tx) => {
      reads.push(tx.select<ValueRow>('SELECT v FROM probe WHERE v = ? FOR UPDATE', [1]));
      await tx.write('INSERT INTO probe (v) VALUES (?)', [3]);
      reads.push(tx.select<ValueRow>('SELECT v FROM probe WHERE v = ? FOR UPDATE', [2]));
      throw new Error('the work failed');
    });

    await expect(run).rejects.toThrow('the work failed');
    await Promise.allSettled(reads);
    expect(await values()).toEqual([1, 2]);
  });
});
