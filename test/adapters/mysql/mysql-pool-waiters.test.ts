import { OverloadedError } from '../../../src/application/errors';
import { MysqlStore } from '../../../src/adapters/persistence/mysql/mysql-store';
import { createTestDatabase, type TestDatabase } from '../../support/mysql';

/** The pool's bound on callers waiting for a connection, on the real driver. */
describe('MysqlStore with every connection taken', () => {
  let database: TestDatabase;
  let store: MysqlStore;

  beforeAll(async () => {
    database = await createTestDatabase('pool_waiters');
    store = await MysqlStore.connect({ url: database.url, poolSize: 1, maxWaiting: 1 });
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('lets callers wait up to its bound, refuses the next with OverloadedError, and serves again', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const transaction = store.unitOfWork.run(async () => {
      holding();
      await released;
    });
    await held;

    const waiting = store.ping();
    await expect(store.ping()).rejects.toBeInstanceOf(OverloadedError);
    await expect(store.unitOfWork.run(async () => 'never')).rejects.toBeInstanceOf(OverloadedError);

    release();
    await transaction;
    await expect(waiting).resolves.toBeUndefined();
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
