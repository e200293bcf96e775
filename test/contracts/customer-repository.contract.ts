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

    describe('lockMany', () => {
      it('reads the customers under lock, once each, in ascending id order', async () => {
        const asked = [
          await insertCustomer(store()),
          await insertCustomer(store(), { balance: 0 }),
          await insertCustomer(store()),
        ];
        await insertCustomer(store());
        const absent = customerId(randomUUID());
        const ascending = asked.sort((x, y) => (x.id < y.id ? -1 : 1));
        const [low, middle, high] = ascending.map((customer) => customer.id);

        const locked = await store().unitOfWork.run((tx) =>
          tx.customers.lockMany([high!, absent, middle!, high!, low!, middle!]),
        );

        expect(locked).toStrictEqual(ascending);
      });

      it('answers [] for no ids, or only ids it does not hold', async () => {
        await insertCustomer(store());

        const locked = await store().unitOfWork.run(async (tx) => ({
          none: await tx.customers.lockMany([]),
          absent: await tx.customers.lockMany([customerId(randomUUID())]),
        }));

        expect(locked).toEqual({ none: [], absent: [] });
      });

      it('serializes concurrent transactions that lock the same customers, named in any order', async () => {
        const x = await insertCustomer(store(), { balance: 0 });
        const y = await insertCustomer(store(), { balance: 0 });
        const namings = [
          [x.id, y.id],
          [y.id, x.id],
        ];

        await Promise.all(
          Array.from({ length: 8 }, (_, index) =>
            store().unitOfWork.run(async (tx) => {
              const locked = await tx.customers.lockMany(namings[index % 2]!);
              await tx.customers.updateMany(
                locked.map((customer) => ({ ...customer, balance: customer.balance + 3 })),
              );
            }),
          ),
        );

        expect((await store().customers.findById(x.id))?.balance).toBe(24);
        expect((await store().customers.findById(y.id))?.balance).toBe(24);
      });
    });

    describe('updateMany', () => {
      it('writes the balance and updatedAt of several customers in one call, and nothing else', async () => {
        const a = await insertCustomer(store(), { balance: 500 });
        const b = await insertCustomer(store(), { balance: 0 });
        const untouched = await insertCustomer(store(), { balance: 700 });

        await store().customers.updateMany([
          {
            ...a,
            name: 'Renamed',
            email: `renamed.${randomUUID()}@example.com`,
            balance: 0,
            createdAt: at(999_999),
            updatedAt: at(77_777),
          },
          { ...b, balance: Number.MAX_SAFE_INTEGER, updatedAt: at(88_888) },
        ]);

        expect(await store().customers.findById(a.id)).toStrictEqual({
          ...a,
          balance: 0,
          updatedAt: at(77_777),
        });
        expect(await store().customers.findById(b.id)).toStrictEqual({
          ...b,
          balance: Number.MAX_SAFE_INTEGER,
          updatedAt: at(88_888),
        });
        expect(await store().customers.findById(untouched.id)).toStrictEqual(untouched);
      });

      it('writes nothing for a customer it does not hold, and still writes the others', async () => {
        const customer = await insertCustomer(store(), { balance: 10 });
        const ghost = aCustomer();

        await store().customers.updateMany([ghost, { ...customer, balance: 11 }]);

        expect(await store().customers.findById(ghost.id)).toBeNull();
        expect((await store().customers.findById(customer.id))?.balance).toBe(11);
      });

      it('refuses a list with a negative balance and writes none of it', async () => {
        const a = await insertCustomer(store(), { balance: 5 });
        const b = await insertCustomer(store(), { balance: 5 });

        await expect(
          store().customers.updateMany([
            { ...a, balance: 4, updatedAt: at(60_000) },
            { ...b, balance: -1, updatedAt: at(60_000) },
          ]),
        ).rejects.toThrow();

        expect(await store().customers.findById(a.id)).toStrictEqual(a);
        expect(await store().customers.findById(b.id)).toStrictEqual(b);
      });

      it('changes nothing, and does not fail, for an empty list', async () => {
        const customer = await insertCustomer(store());

        await store().customers.updateMany([]);
        await store().unitOfWork.run((tx) => tx.customers.updateMany([]));

        expect(await store().customers.findById(customer.id)).toStrictEqual(customer);
      });
    });
  });
}
