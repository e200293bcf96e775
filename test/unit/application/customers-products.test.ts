import { CreateCustomer } from '../../../src/application/customers/create-customer';
import { DepositFunds } from '../../../src/application/customers/deposit-funds';
import { GetCustomer } from '../../../src/application/customers/get-customer';
import { ListCustomerOrders } from '../../../src/application/customers/list-customer-orders';
import type { ProductCache } from '../../../src/application/ports/product-cache';
import { TOKENS } from '../../../src/application/ports/tokens';
import { CreateProduct } from '../../../src/application/products/create-product';
import { GetProduct } from '../../../src/application/products/get-product';
import { ListProducts } from '../../../src/application/products/list-products';
import { UpdateProduct } from '../../../src/application/products/update-product';
import { EmailTakenError } from '../../../src/domain/customer/customer.errors';
import { NotFoundError } from '../../../src/domain/shared/domain-error';
import { customerId, productId } from '../../../src/domain/shared/ids';
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
      .execute({ name: 'Ada', email: 'ada@example.com', balance: 10 });
    await expect(
      h.get(CreateCustomer).execute({ name: 'Other', email: 'ADA@example.com', balance: 0 }),
    ).rejects.toBeInstanceOf(EmailTakenError);
    await Promise.all(
      Array.from({ length: 20 }, () =>
        h.get(DepositFunds).execute({ customerId: ada.id, amount: 5 }),
      ),
    );
    expect((await h.get(GetCustomer).execute(ada.id)).balance).toBe(110);
  });

  it('answers NotFound for unknown customers, products and their lists', async () => {
    await expect(h.get(GetCustomer).execute(customerId('x'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      h.get(DepositFunds).execute({ customerId: customerId('x'), amount: 1 }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      h.get(ListCustomerOrders).execute(customerId('x'), { limit: 10, after: null }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(h.get(GetProduct).execute(productId('x'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(h.get(UpdateProduct).execute(productId('x'), { stock: 1 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('patches a product and the cached read shows it at once', async () => {
    const p = await h.get(CreateProduct).execute({ name: 'Lamp', price: 100, stock: 1 });
    expect((await h.get(GetProduct).execute(p.id)).stock).toBe(1);
    await h.get(UpdateProduct).execute(p.id, { stock: 7, price: 120 });
    expect(await h.get(GetProduct).execute(p.id)).toMatchObject({
      stock: 7,
      price: 120,
      name: 'Lamp',
    });
  });

  it('reads products from the store when the cache fails', async () => {
    const broken: ProductCache = {
      get: () => Promise.reject(new Error('cache down')),
      set: () => Promise.reject(new Error('cache down')),
      invalidate: () => Promise.reject(new Error('cache down')),
    };
    h.container.rebindSync(TOKENS.ProductCache).toConstantValue(broken);
    const p = await h.get(CreateProduct).execute({ name: 'Lamp', price: 100, stock: 1 });
    expect(await h.get(GetProduct).execute(p.id)).toEqual(p);
    expect((await h.get(UpdateProduct).execute(p.id, { stock: 2 })).stock).toBe(2);
  });

  it('lists products newest first across pages without duplicates', async () => {
    for (let i = 0; i < 5; i += 1) {
      await h.get(CreateProduct).execute({ name: `P${i}`, price: i, stock: i });
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
