import { DependencyUnavailableError } from '../../../src/application/errors';
import { MysqlStore } from '../../../src/adapters/persistence/mysql/mysql-store';
import { aCustomer } from '../../contracts/store-builders';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../../support/mysql';
import { closedPort, startTcpProxy, type TcpProxy } from './tcp-proxy';

function throughProxy(databaseUrl: string, proxy: TcpProxy): string {
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return url.toString();
}

describe('MysqlStore when the database does not answer', () => {
  it('fails to connect with DependencyUnavailableError when nothing listens', async () => {
    const url = `mysql://root@127.0.0.1:${await closedPort()}/never_created`;

    await expect(MysqlStore.connect({ url, poolSize: 2 })).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
  });

  describe('a store whose server goes away', () => {
    let database: TestDatabase;
    let proxy: TcpProxy;
    let store: MysqlStore;

    beforeAll(async () => {
      database = await createTestDatabase('connection_lost');
      const server = new URL(TEST_DATABASE_URL);
      proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 3306) });
      store = await MysqlStore.connect({ url: throughProxy(database.url, proxy), poolSize: 2 });
    });

    afterAll(async () => {
      await store?.close();
      await proxy?.cut();
      await database?.drop();
    });

    it('answers DependencyUnavailableError mid-transaction, then for every later call', async () => {
      const customer = aCustomer();
      await store.customers.insert(customer);
      await expect(store.ping()).resolves.toBeUndefined();

      const interrupted = store.unitOfWork.run(async (tx) => {
        const locked = await tx.customers.lockById(customer.id);
        await proxy.cut();
        await tx.customers.update({ ...locked!, balance: 0 });
      });

      await expect(interrupted).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(store.ping()).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(store.customers.findById(customer.id)).rejects.toBeInstanceOf(
        DependencyUnavailableError,
      );
      await expect(
        store.unitOfWork.run((tx) => tx.customers.lockById(customer.id)),
      ).rejects.toBeInstanceOf(DependencyUnavailableError);
      expect((await database.query('SELECT balance FROM customers'))[0]).toEqual({
        balance: customer.balance,
      });
    });
  });

  it('answers DependencyUnavailableError once closed', async () => {
    const database = await createTestDatabase('closed_store');
    const store = await MysqlStore.connect({ url: database.url, poolSize: 2 });
    try {
      await store.close();

      await expect(store.ping()).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(store.products.list({ limit: 1, after: null })).rejects.toBeInstanceOf(
        DependencyUnavailableError,
      );
      await expect(store.unitOfWork.run(async () => 'never')).rejects.toBeInstanceOf(
        DependencyUnavailableError,
      );
    } finally {
      await database.drop();
    }
  });
});
