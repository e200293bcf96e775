import { MysqlStore } from '../../../src/adapters/persistence/mysql/mysql-store';
import { createTestDatabase, type TestDatabase } from '../../support/mysql';

describe('MysqlStore.poolUsage (the pool gauges of /metrics)', () => {
  let database: TestDatabase;
  let store: MysqlStore;

  beforeAll(async () => {
    database = await createTestDatabase('pool_usage');
    store = await MysqlStore.connect({ url: database.url, poolSize: 1, maxWaiting: 10 });
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('counts the connection a transaction holds and the callers waiting behind it', async () => {
    expect(store.poolUsage()).toEqual({ size: 1, inUse: 0, waiting: 0 });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const transaction = store.unitOfWork.run(async () => {
      entered();
      await held;
    });
    await inside;
    const waiting = store.ping();

    expect(store.poolUsage()).toEqual({ size: 1, inUse: 1, waiting: 1 });
    release();
    await Promise.all([transaction, waiting]);
    expect(store.poolUsage()).toEqual({ size: 1, inUse: 0, waiting: 0 });
  });
});
