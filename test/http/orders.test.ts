import { eventually } from '../support/eventually';
import { createTestApp, type TestApp } from '../support/http-app';
import { agent, errorPaths, expectProblem, newCustomer, newProduct, type Agent } from './http-kit';

let testApp: TestApp;
let http: Agent;

beforeAll(async () => {
  testApp = await createTestApp();
  http = agent(testApp.app);
});

afterAll(() => testApp.close());

async function settled(id: string, status: string) {
  return eventually(async () => {
    const response = await http.get(`/orders/${id}`).expect(200);
    expect(response.body.status).toBe(status);
    return response.body;
  });
}

describe('POST /orders', () => {
  it('accepts the order: 202, Location, PENDING with no prices yet, then the worker completes it', async () => {
    const customer = await newCustomer(http, { balance: 1000 });
    const product = await newProduct(http, { price: 150, stock: 10 });

    const response = await http
      .post('/orders')
      .send({ customerId: customer.id, items: [{ productId: product.id, quantity: 2 }] })
      .expect(202);

    expect(response.headers.location).toBe(`/orders/${response.body.id}`);
    expect(response.headers['idempotent-replayed']).toBeUndefined();
    expect(response.body).toEqual({
      id: expect.any(String),
      status: 'PENDING',
      customerId: customer.id,
      items: [{ productId: product.id, quantity: 2, unitPrice: null }],
      total: null,
      failureReason: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });

    const completed = await settled(response.body.id, 'COMPLETED');
    expect(completed).toMatchObject({
      items: [{ productId: product.id, quantity: 2, unitPrice: 150 }],
      total: 300,
      failureReason: null,
    });
    expect(Object.keys(completed).sort()).toEqual(Object.keys(response.body).sort());
    expect((await http.get(`/customers/${customer.id}`)).body.balance).toBe(700);
    await eventually(async () => {
      expect((await http.get(`/products/${product.id}`)).body.stock).toBe(8);
    });
  });

  it('ends FAILED with a documented reason when stock is short', async () => {
    const customer = await newCustomer(http, { balance: 1000 });
    const product = await newProduct(http, { price: 1, stock: 1 });

    const { body } = await http
      .post('/orders')
      .send({ customerId: customer.id, items: [{ productId: product.id, quantity: 2 }] })
      .expect(202);

    expect((await settled(body.id, 'FAILED')).failureReason).toBe('INSUFFICIENT_STOCK');
  });

  describe('validation', () => {
    const line = (productId: string, quantity = 1) => ({ productId, quantity });

    it.each([
      ['no items', { items: [] }, ['items']],
      ['a quantity of 0', { items: [line('p-1', 0)] }, ['items.0.quantity']],
      ['a quantity of 1001', { items: [line('p-1', 1001)] }, ['items.0.quantity']],
      ['a fractional quantity', { items: [line('p-1', 1.5)] }, ['items.0.quantity']],
      [
        'a string quantity',
        { items: [line('p-1'), { productId: 'p-2', quantity: '5' }] },
        ['items.1.quantity'],
      ],
      [
        'a repeated product',
        { items: [line('p-1'), line('p-2'), line('p-1')] },
        ['items.2.productId'],
      ],
      ['an unknown item field', { items: [{ ...line('p-1'), note: 'x' }] }, ['items.0.note']],
      ['an unknown field', { items: [line('p-1')], coupon: 'FREE' }, ['coupon']],
      ['items that are not an array', { items: 'p-1' }, ['items']],
      [
        'a product id that is not a string',
        { items: [{ productId: 7, quantity: 1 }] },
        ['items.0.productId'],
      ],
    ])('answers 422 for %s', async (_case, fields, paths) => {
      const response = await http.post('/orders').send({ customerId: 'c-1', ...fields });

      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(errorPaths(response)).toEqual(paths);
    });

    it('answers 422 for more than 100 items', async () => {
      const items = Array.from({ length: 101 }, (_, i) => line(`p-${i}`));

      const response = await http.post('/orders').send({ customerId: 'c-1', items });

      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(errorPaths(response)).toEqual(['items']);
    });

    it('answers 422 for a missing customerId', async () => {
      const response = await http.post('/orders').send({ items: [line('p-1')] });

      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(errorPaths(response)).toEqual(['customerId']);
    });

    it.each([[''], ['k'.repeat(256)]])('answers 422 for an Idempotency-Key of %#', async (key) => {
      const response = await http
        .post('/orders')
        .set('Idempotency-Key', key)
        .send({ customerId: 'c-1', items: [line('p-1')] });

      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(errorPaths(response)).toEqual(['Idempotency-Key']);
    });
  });

  it('answers 422 UNKNOWN_CUSTOMER for a customer that does not exist', async () => {
    const product = await newProduct(http);

    const response = await http
      .post('/orders')
      .send({ customerId: 'ghost', items: [{ productId: product.id, quantity: 1 }] });

    expectProblem(response, 422, 'UNKNOWN_CUSTOMER');
    expect(errorPaths(response)).toEqual(['customerId']);
  });

  it('answers 422 UNKNOWN_PRODUCT naming each missing product', async () => {
    const customer = await newCustomer(http);
    const product = await newProduct(http);

    const response = await http.post('/orders').send({
      customerId: customer.id,
      items: [
        { productId: product.id, quantity: 1 },
        { productId: 'ghost', quantity: 1 },
      ],
    });

    expectProblem(response, 422, 'UNKNOWN_PRODUCT');
    expect(errorPaths(response)).toEqual(['items.1.productId']);
  });
});

describe('idempotency', () => {
  let customerId: string;
  let productId: string;

  beforeAll(async () => {
    customerId = (await newCustomer(http, { balance: 100_000 })).id;
    productId = (await newProduct(http, { price: 1, stock: 1000 })).id;
  });

  const order = (quantity = 1) => ({ customerId, items: [{ productId, quantity }] });
  const ordersOfCustomer = async () =>
    (await http.get(`/customers/${customerId}/orders?limit=100`).expect(200)).body.data as {
      id: string;
    }[];

  it('answers the same order, marked as replayed, for the same key and body', async () => {
    const first = await http.post('/orders').set('Idempotency-Key', 'key-same').send(order());
    const again = await http.post('/orders').set('Idempotency-Key', 'key-same').send(order());

    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBe(`/orders/${first.body.id}`);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body', async () => {
    await http.post('/orders').set('Idempotency-Key', 'key-reused').send(order(1)).expect(202);

    const response = await http.post('/orders').set('Idempotency-Key', 'key-reused').send(order(2));

    expectProblem(response, 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('makes exactly one order from concurrent requests with the same key', async () => {
    const before = (await ordersOfCustomer()).length;

    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        http.post('/orders').set('Idempotency-Key', 'key-concurrent').send(order(3)),
      ),
    );

    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(202));
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(7);
    expect((await ordersOfCustomer()).length).toBe(before + 1);
  });

  it('makes separate orders without a key', async () => {
    const a = await http.post('/orders').send(order()).expect(202);
    const b = await http.post('/orders').send(order()).expect(202);

    expect(a.body.id).not.toBe(b.body.id);
  });
});

describe('GET /orders/:id', () => {
  it('answers 404 NOT_FOUND for an unknown order', async () => {
    expectProblem(await http.get('/orders/does-not-exist'), 404, 'NOT_FOUND');
  });
});

describe('POST /orders/:id/cancel', () => {
  async function placedOrder(stock = 10) {
    const customer = await newCustomer(http, { balance: 1000 });
    const product = await newProduct(http, { price: 100, stock });
    const { body } = await http
      .post('/orders')
      .send({ customerId: customer.id, items: [{ productId: product.id, quantity: 2 }] })
      .expect(202);
    return { orderId: body.id as string, customer, product };
  }

  it('answers 202 with the order and cancels a completed order, refunding it', async () => {
    const { orderId, customer, product } = await placedOrder();
    await settled(orderId, 'COMPLETED');

    const response = await http.post(`/orders/${orderId}/cancel`).expect(202);

    expect(response.body).toMatchObject({ id: orderId, customerId: customer.id });
    expect(response.headers.location).toBe(`/orders/${orderId}`);
    expect(response.body).not.toHaveProperty('cancelRequestedAt');
    await settled(orderId, 'CANCELLED');
    expect((await http.get(`/customers/${customer.id}`)).body.balance).toBe(1000);
    await eventually(async () => {
      expect((await http.get(`/products/${product.id}`)).body.stock).toBe(10);
    });
  });

  it('answers 409 ORDER_NOT_CANCELLABLE for a CANCELLED order', async () => {
    const { orderId } = await placedOrder();
    await http.post(`/orders/${orderId}/cancel`).expect(202);
    await settled(orderId, 'CANCELLED');

    expectProblem(await http.post(`/orders/${orderId}/cancel`), 409, 'ORDER_NOT_CANCELLABLE');
  });

  it('answers 409 ORDER_NOT_CANCELLABLE for a FAILED order', async () => {
    const { orderId } = await placedOrder(1);
    await settled(orderId, 'FAILED');

    expectProblem(await http.post(`/orders/${orderId}/cancel`), 409, 'ORDER_NOT_CANCELLABLE');
  });

  it('answers 404 for an unknown order', async () => {
    expectProblem(await http.post('/orders/ghost/cancel'), 404, 'NOT_FOUND');
  });

  it('takes no body: one that is sent, JSON or not, is not read', async () => {
    const { orderId } = await placedOrder();

    const response = await http
      .post(`/orders/${orderId}/cancel`)
      .set('Content-Type', 'text/plain')
      .send('please');

    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ id: orderId });
  });
});
