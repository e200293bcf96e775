import { randomUUID } from 'node:crypto';
import { EmailTakenError } from '../../src/domain/customer/customer.errors';
import { customerId } from '../../src/domain/shared/ids';
import { aCustomer, at, insertCustomer } from './store-builders';
import { useStore, type MakeStore } from './store-under-test';

export function customerRepositoryContract(makeStore: MakeStore): void {
  describe('CustomerRepository contract', () => {
    const store = useStore(makeStore);

    it('reads back what it stored, field for field, dates to the millisecond', async () => {
      const customer = aCustomer({
        name: 'Zoë Ångström 🚀',
        balance: Number.MAX_SAFE_INTEGER,
        createdAt: at(123),
        updatedAt: at(456),
      });
      await store().customers.insert(customer);

      const found = await store().customers.findById(customer.id);

      expect(found).toStrictEqual(customer);
      expect(typeof found?.balance).toBe('number');
    });

    it('keeps a zero balance', async () => {
      const customer = await insertCustomer(store(), { balance: 0 });

      expect(await store().customers.findById(customer.id)).toStrictEqual(customer);
    });

    it('answers null for an id it does not hold, outside and inside a transaction', async () => {
      const absent = customerId(randomUUID());

      expect(await store().customers.findById(absent)).toBeNull();
      expect(await store().unitOfWork.run((tx) => tx.customers.lockById(absent))).toBeNull();
    });

    it('reads a customer under lock inside a transaction', async () => {
      const customer = await insertCustomer(store());

      const locked = await store().unitOfWork.run((tx) => tx.customers.lockById(customer.id));

      expect(locked).toStrictEqual(customer);
    });

    it('refuses a second customer with the same email, and keeps the first', async () => {
      const first = await insertCustomer(store());
      const second = aCustomer({ email: first.email, name: 'Someone else' });

      await expect(store().customers.insert(second)).rejects.toBeInstanceOf(EmailTakenError);

      expect(await store().customers.findById(first.id)).toStrictEqual(first);
      expect(await store().customers.findById(second.id)).toBeNull();
    });

    it('lets exactly one of two concurrent sign-ups with the same email win', async () => {
      const email = `race.${randomUUID()}@example.com`;
      const contenders = [aCustomer({ email }), aCustomer({ email })];

      const outcomes = await Promise.allSettled(
        contenders.map((customer) => store().unitOfWork.run((tx) => tx.customers.insert(customer))),
      );

      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const [rejected] = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(EmailTakenError);
    });

    it('refuses a second customer with the same id, and keeps the first', async () => {
      const first = await insertCustomer(store());

      await expect(
        store().customers.insert(aCustomer({ id: first.id, email: `other.${randomUUID()}@x.io` })),
      ).rejects.toThrow();

      expect(await store().customers.findById(first.id)).toStrictEqual(first);
    });

    it('refuses a negative balance and stores nothing', async () => {
      const customer = aCustomer({ balance: -1 });

      await expect(store().customers.insert(customer)).rejects.toThrow();

      expect(await store().customers.findById(customer.id)).toBeNull();
    });

    it('updates the balance and updatedAt, and nothing else', async () => {
      const customer = await insertCustomer(store(), { balance: 500 });

      await store().customers.update({
        ...customer,
        name: 'Renamed',
        email: `renamed.${randomUUID()}@example.com`,
        balance: 0,
        createdAt: at(999_999),
        updatedAt: at(77_777),
      });

      expect(await store().customers.findById(customer.id)).toStrictEqual({
        ...customer,
        balance: 0,
        updatedAt: at(77_777),
      });
    });

    it('writes nothing when updating a customer it does not hold', async () => {
      const ghost = aCustomer();

      await store().customers.update(ghost);

      expect(await store().customers.findById(ghost.id)).toBeNull();
    });

    it('refuses an update to a negative balance and keeps the old one', async () => {
      const customer = await insertCustomer(store(), { balance: 5 });

      await expect(
        store().unitOfWork.run((tx) => tx.customers.update({ ...customer, balance: -1 })),
      ).rejects.toThrow();

      expect(await store().customers.findById(customer.id)).toStrictEqual(customer);
    });
  });
}
