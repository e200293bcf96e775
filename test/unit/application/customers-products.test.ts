import { ADMIN } from '../../support/tokens';
import { CreateCustomer } from '../../../src/application/customers/create-customer';
import { DepositFunds } from '../../../src/application/customers/deposit-funds';
import { GetCustomer } from '../../../src/application/customers/get-customer';
import { ListCustomerOrders } from '../../../src/application/customers/list-customer-orders';
import { GetOrder } from '../../../src/application/orders/get-order';
import { PlaceOrder } from '../../../src/application/orders/place-order';
import { ProcessOrderJobs } from '../../../src/application/orders/process-order-jobs';
import { RequestCancellation } from '../../../src/application/orders/request-cancellation';
import type { ProductCache } from '../../../src/application/ports/product-cache';
import { TOKENS } from '../../../src/application/ports/tokens';
import { CreateProduct } from '../../../src/application/products/create-product';
import { GetProduct } from '../../../src/application/products/get-product';
import { ListProducts } from '../../../src/application/products/list-products';
import { UpdateProduct } from '../../../src/application/products/update-product';
import { EmailTakenError } from '../../../src/domain/customer/customer.errors';
import { AmountTooLargeError, NotFoundError } from '../../../src/domain/shared/domain-error';
import { customerId, productId, type OrderId } from '../../../src/domain/shared/ids';
import { useCaseHarness, type Harness } from '../../support/use-case-harness';

describe('customer and product use cases', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await useCaseHarness();
  });
  afterEach(() => h.close());

  it('creates a customer, refuses the same email in another case, deposits atomically', async () => {
    const ada = await h
      .get(CreateCustomer)
      .execute(ADMIN, { name: 'Ada', email: 'ada@example.com', balance: 10 });
    await expect(
      h.get(CreateCustomer).execute(ADMIN, { name: 'Other', email: 'ADA@example.com', balance: 0 }),
    ).rejects.toBeInstanceOf(EmailTakenError);
    await Promise.all(
      Array.from({ length: 20 }, () =>
        h.get(DepositFunds).execute(ADMIN, { customerId: ada.id, amount: 5 }),
      ),
    );
    expect((await h.get(GetCustomer).execute(ADMIN, ada.id)).balance).toBe(110);
  });

  describe('at the top of the number range', () => {
    const MAX = Number.MAX_SAFE_INTEGER;

    /** A customer credited 1000 and a product supplied 10, with an order of 2 × 100 completed. */
    async function afterOneOrder() {
      const customer = await h
        .get(CreateCustomer)
        .execute(ADMIN, { name: 'Rich', email: 'rich@example.com', balance: 1000 });
      const product = await h
        .get(CreateProduct)
        .execute(ADMIN, { name: 'Thing', price: 100, stock: 10 });
      const { order } = await h.get(PlaceOrder).execute(ADMIN, {
        customerId: customer.id,
        items: [{ productId: product.id, quantity: 2 }],
        idempotencyKey: null,
      });
      await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: order.id }]);
      expect((await h.get(GetOrder).execute(ADMIN, order.id)).status).toBe('COMPLETED');
      return { customer: customer.id, product: product.id, order: order.id };
    }

    async function cancel(id: OrderId): Promise<void> {
      await h.get(RequestCancellation).execute(ADMIN, id);
      await h.get(ProcessOrderJobs).execute([{ kind: 'CANCEL', orderId: id }]);
      expect((await h.get(GetOrder).execute(ADMIN, id)).status).toBe('CANCELLED');
    }

    it('refuses a deposit that would take what was ever credited past 2^53 - 1, and changes nothing', async () => {
      const { customer, order } = await afterOneOrder();

      await expect(
        h.get(DepositFunds).execute(ADMIN, { customerId: customer, amount: MAX - 800 }),
      ).rejects.toMatchObject({ code: 'AMOUNT_TOO_LARGE' });
      expect((await h.get(GetCustomer).execute(ADMIN, customer)).balance).toBe(800);

      await h.get(DepositFunds).execute(ADMIN, { customerId: customer, amount: MAX - 1000 });
      await expect(
        h.get(DepositFunds).execute(ADMIN, { customerId: customer, amount: 1 }),
      ).rejects.toBeInstanceOf(AmountTooLargeError);
      expect((await h.get(GetCustomer).execute(ADMIN, customer)).balance).toBe(MAX - 200);

      await cancel(order);
      expect((await h.get(GetCustomer).execute(ADMIN, customer)).balance).toBe(MAX);
    });

    it('refuses a restock that would take what was ever supplied past 2^53 - 1, and changes nothing', async () => {
      const { product, order } = await afterOneOrder();

      await expect(
        h.get(UpdateProduct).execute(ADMIN, product, { stock: MAX, price: 1 }),
      ).rejects.toMatchObject({ code: 'AMOUNT_TOO_LARGE' });
      expect(await h.get(GetProduct).execute(product)).toMatchObject({ stock: 8, price: 100 });

      await h.get(UpdateProduct).execute(ADMIN, product, { stock: MAX - 2 });
      await expect(
        h.get(UpdateProduct).execute(ADMIN, product, { stock: MAX - 1 }),
      ).rejects.toBeInstanceOf(AmountTooLargeError);
      await h.get(UpdateProduct).execute(ADMIN, product, { price: 150 });
      await h.get(UpdateProduct).execute(ADMIN, product, { stock: 5 });
      await h.get(UpdateProduct).execute(ADMIN, product, { stock: MAX - 2 });
      expect((await h.get(GetProduct).execute(product)).stock).toBe(MAX - 2);

      await cancel(order);
      expect((await h.get(GetProduct).execute(product)).stock).toBe(MAX);
    });

    it('counts every deposit of a concurrent burst against the limit', async () => {
      const customer = await h
        .get(CreateCustomer)
        .execute(ADMIN, { name: 'Rich', email: 'rich@example.com', balance: MAX - 10 });

      const outcomes = await Promise.allSettled(
        Array.from({ length: 4 }, () =>
          h.get(DepositFunds).execute(ADMIN, { customerId: customer.id, amount: 4 }),
        ),
      );

      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'rejected',
      ]);
      expect((await h.get(GetCustomer).execute(ADMIN, customer.id)).balance).toBe(MAX - 2);
    });
  });

  it('answers NotFound for unknown customers, products and their lists', async () => {
    await expect(h.get(GetCustomer).execute(ADMIN, customerId('x'))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      h.get(DepositFunds).execute(ADMIN, { customerId: customerId('x'), amount: 1 }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      h.get(ListCustomerOrders).execute(ADMIN, customerId('x'), { limit: 10, after: null }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(h.get(GetProduct).execute(productId('x'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      h.get(UpdateProduct).execute(ADMIN, productId('x'), { stock: 1 }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('patches a product and the cached read shows it at once', async () => {
    const p = await h.get(CreateProduct).execute(ADMIN, { name: 'Lamp', price: 100, stock: 1 });
    expect((await h.get(GetProduct).execute(p.id)).stock).toBe(1);
    await h.get(UpdateProduct).execute(ADMIN, p.id, { stock: 7, price: 120 });
    expect(await h.get(GetProduct).execute(p.id)).toMatchObject({
      stock: 7,
      price: 120,
      name: 'Lamp',
    });
  });

  it('reads products from the store when the cache fails', async () => {
    const broken: ProductCache = {
      ttlMs: 1000,
      get: () => Promise.reject(new Error('cache down')),
      set: () => Promise.reject(new Error('cache down')),
      invalidate: () => Promise.reject(new Error('cache down')),
    };
    h.container.rebindSync(TOKENS.ProductCache).toConstantValue(broken);
    const p = await h.get(CreateProduct).execute(ADMIN, { name: 'Lamp', price: 100, stock: 1 });
    expect(await h.get(GetProduct).execute(p.id)).toEqual(p);
    expect((await h.get(UpdateProduct).execute(ADMIN, p.id, { stock: 2 })).stock).toBe(2);
  });

  it('lists products newest first across pages without duplicates', async () => {
    for (let i = 0; i < 5; i += 1) {
      await h.get(CreateProduct).execute(ADMIN, { name: `P${i}`, price: i, stock: i });
      h.clock.advance(1);
    }
    const first = await h.get(ListProducts).execute({ limit: 2, after: null });
    const second = await h.get(ListProducts).execute({ limit: 2, after: first.next });
    const third = await h.get(ListProducts).execute({ limit: 2, after: second.next });
    expect([...first.items, ...second.items, ...third.items].map((p) => p.name)).toEqual([
      'P4',
      'P3',
      'P2',
      'P1',
      'P0',
    ]);
    expect(third.next).toBeNull();
  });
});
