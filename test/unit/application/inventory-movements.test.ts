import { ADMIN } from '../../support/tokens';
import { MemoryStore } from '../../../src/adapters/persistence/memory/memory-store';
import { CreateCustomer } from '../../../src/application/customers/create-customer';
import { FailDeadLetteredOrder } from '../../../src/application/orders/fail-dead-lettered-order';
import { PlaceOrder } from '../../../src/application/orders/place-order';
import { ProcessOrderJobs } from '../../../src/application/orders/process-order-jobs';
import { RequestCancellation } from '../../../src/application/orders/request-cancellation';
import { TOKENS } from '../../../src/application/ports/tokens';
import { CreateProduct } from '../../../src/application/products/create-product';
import { UpdateProduct } from '../../../src/application/products/update-product';
import type { InventoryMovement } from '../../../src/domain/product/inventory-movement';
import { NotFoundError } from '../../../src/domain/shared/domain-error';
import {
  customerId,
  productId,
  type OrderId,
  type ProductId,
} from '../../../src/domain/shared/ids';
import { useCaseHarness, type Harness } from '../../support/use-case-harness';

/** Stock movements as the use cases wrote them, without their time. */
type Moved = Omit<InventoryMovement, 'createdAt'>;

describe('stock movements written by the use cases', () => {
  let h: Harness;
  let store: MemoryStore;
  let shopper: string;
  let lamp: ProductId;
  let bulb: ProductId;

  beforeEach(async () => {
    h = await useCaseHarness();
    // A store of the test's own, so that it can read the ledger the ports only append to.
    store = new MemoryStore();
    h.container.rebindSync(TOKENS.UnitOfWork).toConstantValue(store.unitOfWork);
    h.container.rebindSync(TOKENS.CustomerRepository).toConstantValue(store.customers);
    h.container.rebindSync(TOKENS.ProductRepository).toConstantValue(store.products);
    h.container.rebindSync(TOKENS.OrderRepository).toConstantValue(store.orders);
    shopper = (
      await h
        .get(CreateCustomer)
        .execute(ADMIN, { name: 'Ada', email: 'ada@example.com', balance: 10_000 })
    ).id;
    lamp = (await h.get(CreateProduct).execute(ADMIN, { name: 'Lamp', price: 300, stock: 5 })).id;
    bulb = (await h.get(CreateProduct).execute(ADMIN, { name: 'Bulb', price: 20, stock: 0 })).id;
  });
  afterEach(() => h.close());

  const movements = (): Moved[] =>
    store.tables.inventory.map(({ productId, orderId, kind, quantity }) => ({
      productId,
      orderId,
      kind,
      quantity,
    }));
  const since = (count: number): Moved[] => movements().slice(count);
  const place = async (items: [ProductId, number][]): Promise<OrderId> =>
    (
      await h.get(PlaceOrder).execute(ADMIN, {
        customerId: customerId(shopper),
        items: items.map(([id, quantity]) => ({ productId: id, quantity })),
        idempotencyKey: null,
      })
    ).order.id;

  /** The audit's two stock rules, on the embedded store. */
  function expectStockToMatchItsMovements(): void {
    for (const product of store.tables.products.values()) {
      const own = store.tables.inventory.filter((m) => m.productId === product.id);
      expect({ id: product.id, stock: own.reduce((sum, m) => sum + m.quantity, 0) }).toEqual({
        id: product.id,
        stock: product.stock,
      });
      const completed = [...store.tables.orders.values()]
        .filter((order) => order.status === 'COMPLETED')
        .flatMap((order) => order.items)
        .filter((item) => item.productId === product.id)
        .reduce((sum, item) => sum + item.quantity, 0);
      const byHand = own
        .filter((m) => m.kind === 'INITIAL' || m.kind === 'ADJUSTMENT')
        .reduce((sum, m) => sum + m.quantity, 0);
      expect(byHand - completed).toBe(product.stock);
    }
  }

  it('records the initial stock of every new product, with the product, even none', async () => {
    expect(movements()).toEqual([
      { productId: lamp, orderId: null, kind: 'INITIAL', quantity: 5 },
      { productId: bulb, orderId: null, kind: 'INITIAL', quantity: 0 },
    ]);
    expect(store.tables.inventory[0]?.createdAt).toEqual(
      store.tables.products.get(lamp)?.createdAt,
    );
  });

  it('records a PATCH that changes stock as a signed ADJUSTMENT, and one that does not as nothing', async () => {
    await h.get(UpdateProduct).execute(ADMIN, lamp, { stock: 12 });
    await h.get(UpdateProduct).execute(ADMIN, lamp, { stock: 9, price: 310 });
    await h.get(UpdateProduct).execute(ADMIN, lamp, { price: 320, name: 'Desk lamp' });
    await h.get(UpdateProduct).execute(ADMIN, lamp, { stock: 9 });
    await expect(
      h.get(UpdateProduct).execute(ADMIN, productId('nothing'), { stock: 3 }),
    ).rejects.toThrow(NotFoundError);

    expect(since(2)).toEqual([
      { productId: lamp, orderId: null, kind: 'ADJUSTMENT', quantity: 7 },
      { productId: lamp, orderId: null, kind: 'ADJUSTMENT', quantity: -3 },
    ]);
    expectStockToMatchItsMovements();
  });

  it('records one ORDER movement of -quantity per item when an order completes, once', async () => {
    await h.get(UpdateProduct).execute(ADMIN, bulb, { stock: 10 });
    const order = await place([
      [lamp, 2],
      [bulb, 4],
    ]);

    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: order }]);
    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: order }]);

    expect(since(3)).toEqual([
      { productId: lamp, orderId: order, kind: 'ORDER', quantity: -2 },
      { productId: bulb, orderId: order, kind: 'ORDER', quantity: -4 },
    ]);
    expectStockToMatchItsMovements();
  });

  it('records one ORDER_CANCEL of +quantity per item when a completed order is cancelled, once', async () => {
    const order = await place([[lamp, 3]]);
    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: order }]);
    await h.get(RequestCancellation).execute(ADMIN, order);

    await Promise.all([
      h.get(ProcessOrderJobs).execute([{ kind: 'CANCEL', orderId: order }]),
      h.get(ProcessOrderJobs).execute([{ kind: 'CANCEL', orderId: order }]),
    ]);

    expect(since(2)).toEqual([
      { productId: lamp, orderId: order, kind: 'ORDER', quantity: -3 },
      { productId: lamp, orderId: order, kind: 'ORDER_CANCEL', quantity: 3 },
    ]);
    expect(store.tables.products.get(lamp)?.stock).toBe(5);
    expectStockToMatchItsMovements();
  });

  it('records nothing for failed orders and for orders cancelled while PENDING', async () => {
    const tooMany = await place([[lamp, 6]]);
    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: tooMany }]);
    const dead = await place([[lamp, 1]]);
    await h.get(FailDeadLetteredOrder).execute(dead);
    const withdrawn = await place([[lamp, 1]]);
    await h.get(RequestCancellation).execute(ADMIN, withdrawn);
    await h.get(ProcessOrderJobs).execute([{ kind: 'CANCEL', orderId: withdrawn }]);
    await h.get(ProcessOrderJobs).execute([{ kind: 'PLACE', orderId: withdrawn }]);

    expect(since(2)).toEqual([]);
    expect(store.tables.products.get(lamp)?.stock).toBe(5);
    expectStockToMatchItsMovements();
  });
});
