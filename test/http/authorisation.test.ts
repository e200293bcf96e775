import { eventually } from '../support/eventually';
import { createTestApp, type TestApp } from '../support/http-app';
import {
  agent,
  customerAgent,
  expectProblem,
  newCustomer,
  newProduct,
  type Agent,
} from './http-kit';

let testApp: TestApp;
let admin: Agent;

beforeAll(async () => {
  testApp = await createTestApp();
  admin = agent(testApp.app);
});

afterAll(() => testApp.close());

async function shop() {
  const owner = await newCustomer(admin, { balance: 10_000 });
  const intruder = await newCustomer(admin, { balance: 10_000 });
  const product = await newProduct(admin, { price: 100, stock: 10 });
  const placed = await customerAgent(testApp.app, owner.id)
    .post('/orders')
    .send({ items: [{ productId: product.id, quantity: 1 }] })
    .expect(202);
  return { owner, intruder, product, orderId: placed.body.id as string };
}

describe('a customer', () => {
  it('places an order for itself without naming itself, and reads it', async () => {
    const { owner, orderId } = await shop();
    const http = customerAgent(testApp.app, owner.id);

    const order = await http.get(`/orders/${orderId}`).expect(200);
    const listed = await http.get(`/customers/${owner.id}/orders`).expect(200);
    const itself = await http.get(`/customers/${owner.id}`).expect(200);

    expect(order.body.customerId).toBe(owner.id);
    expect(listed.body.data.map((o: { id: string }) => o.id)).toContain(orderId);
    expect(itself.body.id).toBe(owner.id);
  });

  it('may name itself in the order, and cancels its own order', async () => {
    const { owner, product } = await shop();
    const http = customerAgent(testApp.app, owner.id);
    const placed = await http
      .post('/orders')
      .send({ customerId: owner.id, items: [{ productId: product.id, quantity: 1 }] })
      .expect(202);

    await http.post(`/orders/${placed.body.id}/cancel`).expect(202);
  });

  it.each([
    [
      'POST /customers',
      (h: Agent) => h.post('/customers').send({ name: 'X', email: 'x@example.com' }),
    ],
    ['POST /products', (h: Agent) => h.post('/products').send({ name: 'X', price: 1, stock: 1 })],
  ])('may not %s: 403', async (_name, send) => {
    const { intruder } = await shop();

    expectProblem(await send(customerAgent(testApp.app, intruder.id)), 403, 'FORBIDDEN');
  });

  it("cannot see or touch another customer's resources, which look as if they did not exist", async () => {
    const { owner, intruder, product, orderId } = await shop();
    const http = customerAgent(testApp.app, intruder.id);
    await eventually(async () =>
      expect((await admin.get(`/orders/${orderId}`)).body.status).toBe('COMPLETED'),
    );
    const before = {
      owner: (await admin.get(`/customers/${owner.id}`)).body,
      product: (await admin.get(`/products/${product.id}`)).body,
    };

    const hidden = [
      await http.get(`/orders/${orderId}`),
      await http.post(`/orders/${orderId}/cancel`),
      await http.get(`/customers/${owner.id}`),
      await http.get(`/customers/${owner.id}/orders`),
    ];
    const missing = await http.get('/orders/no-such-order');
    const forbidden = [
      await http.post(`/customers/${owner.id}/deposits`).send({ amount: 1_000_000 }),
      await http
        .post('/orders')
        .send({ customerId: owner.id, items: [{ productId: product.id, quantity: 1 }] }),
      await http.patch(`/products/${product.id}`).send({ price: 0, stock: 1_000_000 }),
    ];

    for (const response of hidden) {
      const problem = expectProblem(response, 404, 'NOT_FOUND');
      expect(Object.keys(problem).sort()).toEqual(Object.keys(missing.body).sort());
    }
    for (const response of forbidden) expectProblem(response, 403, 'FORBIDDEN');
    const orders = (await admin.get(`/customers/${owner.id}/orders`)).body.data;
    expect(orders.map((o: { id: string; status: string }) => o.id)).toEqual([orderId]);
    expect((await admin.get(`/orders/${orderId}`)).body.status).toBe('COMPLETED');
    expect((await admin.get(`/customers/${owner.id}`)).body).toEqual(before.owner);
    expect((await admin.get(`/products/${product.id}`)).body).toEqual(before.product);
  });
});

describe('an admin', () => {
  it('must name the customer of an order', async () => {
    const product = await newProduct(admin);

    const response = await admin
      .post('/orders')
      .send({ items: [{ productId: product.id, quantity: 1 }] });

    const problem = expectProblem(response, 422, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ path: 'customerId', message: expect.any(String) }]);
  });

  it("reads and cancels any customer's order", async () => {
    const { owner, orderId } = await shop();

    await admin.get(`/customers/${owner.id}`).expect(200);
    await admin.get(`/orders/${orderId}`).expect(200);
    await admin.post(`/orders/${orderId}/cancel`).expect(202);
  });
});
