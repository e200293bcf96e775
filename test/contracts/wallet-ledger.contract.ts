import { randomUUID } from 'node:crypto';
import type { WalletEntry } from '../../src/domain/customer/wallet-entry';
import { customerId, orderId, type CustomerId, type OrderId } from '../../src/domain/shared/ids';
import {
  anOrder,
  at,
  insertCustomer,
  insertOrders,
  insertProducts,
  lineOf,
} from './store-builders';
import { useStore, type MakeStore } from './store-under-test';

const entry = (
  customer: CustomerId,
  kind: WalletEntry['kind'],
  amount: number,
  order: OrderId | null = null,
  createdAt = at(1_234),
): WalletEntry => ({ customerId: customer, orderId: order, kind, amount, createdAt });

export function walletLedgerContract(makeStore: MakeStore): void {
  describe('WalletLedger contract', () => {
    const store = useStore(makeStore);

    async function aCustomerWithOrder(): Promise<{ customer: CustomerId; order: OrderId }> {
      const customer = await insertCustomer(store());
      const [product] = await insertProducts(store(), 1);
      const order = anOrder(customer.id, [lineOf(product!.id)]);
      await insertOrders(store(), [order]);
      return { customer: customer.id, order: order.id };
    }

    it('appends entries and keeps them as given, dates to the millisecond', async () => {
      const { customer, order } = await aCustomerWithOrder();
      const entries = [
        entry(customer, 'OPENING', 10_000, null, at(1)),
        entry(customer, 'DEPOSIT', Number.MAX_SAFE_INTEGER - 10_000, null, at(22)),
        entry(customer, 'DEPOSIT', 1, null, at(333)),
        entry(customer, 'ORDER_DEBIT', -2_599, order, at(4_444)),
        entry(customer, 'ORDER_REFUND', 2_599, order, at(55_555)),
      ];

      for (const item of entries) await store().ledger.append(item);

      expect(await store().ledgerEntries(customer)).toStrictEqual(entries);
    });

    it('refuses a second debit or a second refund for the same order', async () => {
      const { customer, order } = await aCustomerWithOrder();
      const debit = entry(customer, 'ORDER_DEBIT', -100, order);
      const refund = entry(customer, 'ORDER_REFUND', 100, order);
      await store().ledger.append(debit);
      await store().ledger.append(refund);

      await expect(store().ledger.append({ ...debit, amount: -1 })).rejects.toThrow();
      await expect(store().ledger.append({ ...refund, amount: 1 })).rejects.toThrow();

      expect(await store().ledgerEntries(customer)).toStrictEqual([debit, refund]);
    });

    it('accepts one debit for each of several orders', async () => {
      const first = await aCustomerWithOrder();
      const [product] = await insertProducts(store(), 1);
      const second = anOrder(first.customer, [lineOf(product!.id)]);
      await insertOrders(store(), [second]);

      await store().ledger.append(entry(first.customer, 'ORDER_DEBIT', -1, first.order));
      await store().ledger.append(entry(first.customer, 'ORDER_DEBIT', -2, second.id));

      expect((await store().ledgerEntries(first.customer)).map((e) => e.amount)).toEqual([-1, -2]);
    });

    it('refuses an entry for a customer or an order it does not hold', async () => {
      const { customer } = await aCustomerWithOrder();

      await expect(
        store().ledger.append(entry(customerId(randomUUID()), 'DEPOSIT', 5)),
      ).rejects.toThrow();
      await expect(
        store().ledger.append(entry(customer, 'ORDER_DEBIT', -5, orderId(randomUUID()))),
      ).rejects.toThrow();

      expect(await store().ledgerEntries(customer)).toEqual([]);
    });

    it('sums what was credited to a customer: its OPENING and DEPOSIT entries only', async () => {
      const { customer, order } = await aCustomerWithOrder();
      const other = await insertCustomer(store());
      await store().ledger.append(entry(customer, 'OPENING', 10_000));
      await store().ledger.append(entry(customer, 'DEPOSIT', 250));
      await store().ledger.append(entry(customer, 'ORDER_DEBIT', -2_599, order));
      await store().ledger.append(entry(customer, 'ORDER_REFUND', 2_599, order));
      await store().ledger.append(entry(customer, 'DEPOSIT', 1));
      await store().ledger.append(entry(other.id, 'DEPOSIT', 7_000));

      expect(await store().ledger.creditedTotal(customer)).toBe(10_251);
      expect(await store().ledger.creditedTotal(other.id)).toBe(7_000);
    });

    it('sums to 0 for a customer without credits, or one it does not hold', async () => {
      const { customer, order } = await aCustomerWithOrder();
      await store().ledger.append(entry(customer, 'ORDER_DEBIT', -5, order));

      expect(await store().ledger.creditedTotal(customer)).toBe(0);
      expect(await store().ledger.creditedTotal(customerId(randomUUID()))).toBe(0);
    });

    it('sums up to 2^53 - 1 exactly, as a number', async () => {
      const { customer } = await aCustomerWithOrder();
      await store().ledger.append(entry(customer, 'OPENING', Number.MAX_SAFE_INTEGER - 10));
      await store().ledger.append(entry(customer, 'DEPOSIT', 9));
      await store().ledger.append(entry(customer, 'DEPOSIT', 1));

      expect(await store().ledger.creditedTotal(customer)).toBe(Number.MAX_SAFE_INTEGER);
    });

    it('sums, in a transaction, its own entries; outside, only committed ones', async () => {
      const { customer } = await aCustomerWithOrder();
      await store().ledger.append(entry(customer, 'OPENING', 100));
      let seen: { inside: number; outside: number } | undefined;

      await store().unitOfWork.run(async (tx) => {
        await tx.customers.lockById(customer);
        await tx.ledger.append(entry(customer, 'DEPOSIT', 20));
        seen = {
          inside: await tx.ledger.creditedTotal(customer),
          outside: await store().ledger.creditedTotal(customer),
        };
      });

      expect(seen).toEqual({ inside: 120, outside: 100 });
      expect(await store().ledger.creditedTotal(customer)).toBe(120);
    });

    it('sums, under the customer lock, every deposit committed before the lock was granted', async () => {
      const { customer } = await aCustomerWithOrder();
      await store().ledger.append(entry(customer, 'OPENING', 100));
      const depositOne = () =>
        store().unitOfWork.run(async (tx) => {
          await tx.customers.lockById(customer);
          const before = await tx.ledger.creditedTotal(customer);
          await tx.ledger.append(entry(customer, 'DEPOSIT', 1));
          return before;
        });

      const seen = await Promise.all([depositOne(), depositOne(), depositOne()]);

      expect([...seen].sort((x, y) => x - y)).toEqual([100, 101, 102]);
      expect(await store().ledger.creditedTotal(customer)).toBe(103);
    });

    it('fails the whole transaction on a duplicate debit, so the balance is not debited twice', async () => {
      const { customer, order } = await aCustomerWithOrder();
      const debit = entry(customer, 'ORDER_DEBIT', -100, order);
      await store().ledger.append(debit);
      const before = await store().customers.findById(customer);

      await expect(
        store().unitOfWork.run(async (tx) => {
          const locked = await tx.customers.lockById(customer);
          await tx.customers.update({ ...locked!, balance: locked!.balance - 100 });
          await tx.ledger.append(debit);
        }),
      ).rejects.toThrow();

      expect(await store().customers.findById(customer)).toStrictEqual(before);
      expect(await store().ledgerEntries(customer)).toStrictEqual([debit]);
    });

    describe('appendMany', () => {
      it('appends several entries in one call and keeps them as given', async () => {
        const { customer, order } = await aCustomerWithOrder();
        const other = await aCustomerWithOrder();
        const entries = [
          entry(customer, 'OPENING', 10_000, null, at(1)),
          entry(other.customer, 'DEPOSIT', 7, null, at(2)),
          entry(customer, 'ORDER_DEBIT', -2_599, order, at(3)),
          entry(other.customer, 'ORDER_DEBIT', -1, other.order, at(4)),
          entry(customer, 'ORDER_REFUND', 2_599, order, at(5)),
          entry(customer, 'DEPOSIT', 1, null, at(6)),
        ];

        await store().ledger.appendMany(entries);

        expect(await store().ledgerEntries(customer)).toStrictEqual(
          entries.filter((e) => e.customerId === customer),
        );
        expect(await store().ledgerEntries(other.customer)).toStrictEqual([entries[1], entries[3]]);
      });

      it('refuses a list that repeats an order and kind within itself, appending none of it', async () => {
        const { customer, order } = await aCustomerWithOrder();

        await expect(
          store().ledger.appendMany([
            entry(customer, 'DEPOSIT', 5),
            entry(customer, 'ORDER_DEBIT', -100, order),
            entry(customer, 'ORDER_DEBIT', -1, order),
          ]),
        ).rejects.toThrow();

        expect(await store().ledgerEntries(customer)).toEqual([]);
      });

      it('refuses a list with an order and kind already stored, appending none of it', async () => {
        const { customer, order } = await aCustomerWithOrder();
        const debit = entry(customer, 'ORDER_DEBIT', -100, order);
        await store().ledger.append(debit);

        await expect(
          store().ledger.appendMany([
            entry(customer, 'DEPOSIT', 5),
            entry(customer, 'ORDER_REFUND', 100, order),
            { ...debit, amount: -1 },
          ]),
        ).rejects.toThrow();

        expect(await store().ledgerEntries(customer)).toStrictEqual([debit]);
      });

      it('appends nothing, and does not fail, for an empty list', async () => {
        const { customer } = await aCustomerWithOrder();

        await store().ledger.appendMany([]);
        await store().unitOfWork.run((tx) => tx.ledger.appendMany([]));

        expect(await store().ledgerEntries(customer)).toEqual([]);
      });
    });
  });
}
