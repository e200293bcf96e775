import type { Pool } from 'mysql2/promise';
import { ConcurrencyConflictError } from '../../../src/application/errors';
import type { UnitOfWork } from '../../../src/application/ports/unit-of-work';
import {
  createMysqlPool,
  parseMysqlUrl,
} from '../../../src/adapters/persistence/mysql/mysql-connection';
import { MysqlStore } from '../../../src/adapters/persistence/mysql/mysql-store';
import { MysqlUnitOfWork } from '../../../src/adapters/persistence/mysql/mysql-unit-of-work';
import type { Product } from '../../../src/domain/product/product';
import { insertProducts } from '../../contracts/store-builders';
import { createTestDatabase, type TestDatabase } from '../../support/mysql';

/** Resolves for everyone once `parties` callers have arrived; later callers pass straight through. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    arrived += 1;
    if (arrived >= parties) open();
    return opened;
  };
}

/**
 * Two transactions that each lock one product, wait until both hold their first lock, then ask
 * for the other's: InnoDB detects the cycle at once and rolls one back. A re-run of the victim
 * then simply waits for the winner.
 */
async function crossLocks(uow: UnitOfWork, a: Product, b: Product) {
  let attempts = 0;
  const bothHoldOne = barrier(2);
  const lockBoth = (first: Product, second: Product) =>
    uow.run(async (tx) => {
      attempts += 1;
      await tx.products.lockMany([first.id]);
      await bothHoldOne();
      await tx.products.lockMany([second.id]);
      for (const locked of await tx.products.lockMany([a.id, b.id])) {
        await tx.products.update({ ...locked, stock: locked.stock - 1 });
      }
    });
  const outcomes = await Promise.allSettled([lockBoth(a, b), lockBoth(b, a)]);
  return { outcomes, attempts };
}

describe('MysqlUnitOfWork on a deadlock', () => {
  let database: TestDatabase;
  let store: MysqlStore;
  let pool: Pool;

  beforeAll(async () => {
    database = await createTestDatabase('deadlock');
    store = await MysqlStore.connect({ url: database.url, poolSize: 4 });
    pool = createMysqlPool(parseMysqlUrl(database.url), 4);
  });

  afterAll(async () => {
    await pool?.end();
    await store?.close();
    await database?.drop();
  });

  const stocks = async (products: Product[]) =>
    Promise.all(
      products.map(async (product) => (await store.products.findById(product.id))?.stock),
    );

  it('re-runs the victim, so both transactions commit', async () => {
    const [a, b] = await insertProducts(store, 2, { stock: 10 });

    const { outcomes, attempts } = await crossLocks(store.unitOfWork, a!, b!);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(attempts).toBe(3);
    expect(await stocks([a!, b!])).toEqual([8, 8]);
  });

  it('gives up with ConcurrencyConflictError when its attempts are spent, writing nothing', async () => {
    const [a, b] = await insertProducts(store, 2, { stock: 10 });
    const noRetry = new MysqlUnitOfWork(pool, { maxAttempts: 1, baseDelayMs: 1 });

    const { outcomes, attempts } = await crossLocks(noRetry, a!, b!);

    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toBeInstanceOf(ConcurrencyConflictError);
    expect(attempts).toBe(2);
    expect(await stocks([a!, b!])).toEqual([9, 9]);
  });
});
