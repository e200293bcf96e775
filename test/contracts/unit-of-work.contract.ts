import {
  aCustomer,
  aProduct,
  anOrder,
  at,
  insertCustomer,
  insertOrders,
  insertProducts,
  lineOf,
} from './store-builders';
import { useStore, type MakeStore } from './store-under-test';

export function unitOfWorkContract(makeStore: MakeStore): void {
  describe('UnitOfWork contract', () => {
    const store = useStore(makeStore);

    it('commits what the work wrote and resolves with what it returned', async () => {
      const customer = aCustomer();
      const product = aProduct();

      const result = await store().unitOfWork.run(async (tx) => {
        await tx.customers.insert(customer);
        await tx.products.insert(product);
        await tx.ledger.append({
          customerId: customer.id,
          orderId: null,
          kind: 'OPENING',
          amount: customer.balance,
          createdAt: customer.createdAt,
        });
        return 'done';
      });

      expect(result).toBe('done');
      expect(await store().customers.findById(customer.id)).toStrictEqual(customer);
      expect(await store().products.findById(product.id)).toStrictEqual(product);
      expect(await store().ledgerEntries(customer.id)).toHaveLength(1);
    });

    it('rolls everything back when the work throws, and rejects with that error', async () => {
      const [product] = await insertProducts(store(), 1);
      const customer = aCustomer();
      const failure = new Error('the work failed');

      const outcome = store().unitOfWork.run(async (tx) => {
        await tx.customers.insert(customer);
        await tx.products.update({ ...product!, stock: 0, updatedAt: at(50_000) });
        await tx.ledger.append({
          customerId: customer.id,
          orderId: null,
          kind: 'OPENING',
          amount: 1,
          createdAt: at(0),
        });
        throw failure;
      });

      await expect(outcome).rejects.toBe(failure);
      expect(await store().customers.findById(customer.id)).toBeNull();
      expect(await store().products.findById(product!.id)).toStrictEqual(product);
      expect(await store().ledgerEntries(customer.id)).toEqual([]);
    });

    it('sees its own writes inside, while nobody outside sees them before commit', async () => {
      const product = aProduct();
      const [existing] = await insertProducts(store(), 1);
      const seen: unknown[] = [];

      await store().unitOfWork.run(async (tx) => {
        await tx.products.insert(product);
        await tx.products.update({ ...existing!, stock: 1 });
        seen.push(await tx.products.findById(product.id));
        seen.push((await tx.products.lockMany([existing!.id]))[0]?.stock);
        seen.push(await store().products.findById(product.id));
        seen.push((await store().products.findById(existing!.id))?.stock);
      });

      expect(seen).toEqual([product, 1, null, existing!.stock]);
      expect(await store().products.findById(product.id)).toStrictEqual(product);
    });

    it('fails the transaction when a write breaks a CHECK, and writes nothing of it', async () => {
      const [product] = await insertProducts(store(), 1, { stock: 2 });
      const customer = await insertCustomer(store(), { balance: 3 });
      const newcomer = aProduct();

      await expect(
        store().unitOfWork.run(async (tx) => {
          await tx.products.insert(newcomer);
          await tx.customers.update({ ...customer, balance: 0 });
          await tx.products.update({ ...product!, stock: -1 });
        }),
      ).rejects.toThrow();
      await expect(
        store().unitOfWork.run(async (tx) => {
          await tx.products.update({ ...product!, stock: 0 });
          await tx.customers.update({ ...customer, balance: -1 });
        }),
      ).rejects.toThrow();

      expect(await store().products.findById(newcomer.id)).toBeNull();
      expect(await store().products.findById(product!.id)).toStrictEqual(product);
      expect(await store().customers.findById(customer.id)).toStrictEqual(customer);
    });

    it('serializes concurrent transactions that lock the same product', async () => {
      const [product] = await insertProducts(store(), 1, { stock: 100 });

      await Promise.all(
        Array.from({ length: 20 }, () =>
          store().unitOfWork.run(async (tx) => {
            const [locked] = await tx.products.lockMany([product!.id]);
            await tx.products.update({ ...locked!, stock: locked!.stock - 1 });
          }),
        ),
      );

      expect((await store().products.findById(product!.id))?.stock).toBe(80);
    });

    it('serializes concurrent transactions that lock the same customer', async () => {
      const customer = await insertCustomer(store(), { balance: 0 });

      await Promise.all(
        Array.from({ length: 10 }, () =>
          store().unitOfWork.run(async (tx) => {
            const locked = await tx.customers.lockById(customer.id);
            await tx.customers.update({ ...locked!, balance: locked!.balance + 7 });
          }),
        ),
      );

      expect((await store().customers.findById(customer.id))?.balance).toBe(70);
    });

    it('lets only one of several concurrent transactions settle the same locked order', async () => {
      const customer = await insertCustomer(store());
      const [product] = await insertProducts(store(), 1);
      const order = anOrder(customer.id, [lineOf(product!.id)]);
      await insertOrders(store(), [order]);
      let settled = 0;

      await Promise.all(
        Array.from({ length: 8 }, () =>
          store().unitOfWork.run(async (tx) => {
            const locked = await tx.orders.lockById(order.id);
            if (locked?.status !== 'PENDING') return;
            await tx.orders.update({ ...locked, status: 'COMPLETED', total: 0 });
            settled += 1;
          }),
        ),
      );

      expect(settled).toBe(1);
      expect((await store().orders.findById(order.id))?.status).toBe('COMPLETED');
    });

    it('keeps working after many failed transactions', async () => {
      const failures = Array.from({ length: 12 }, (_, index) =>
        store().unitOfWork.run(async (tx) => {
          await tx.products.insert(aProduct());
          throw new Error(`failure ${index}`);
        }),
      );
      await Promise.allSettled(failures);

      const product = aProduct();
      await store().unitOfWork.run((tx) => tx.products.insert(product));

      expect(await store().products.findById(product.id)).toStrictEqual(product);
      expect((await store().products.list({ limit: 20, after: null })).items).toHaveLength(1);
    });
  });
}
