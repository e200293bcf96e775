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

describe('POST /products', () => {
  it('creates a product: 201, Location, the contract fields only', async () => {
    const response = await http
      .post('/products')
      .send({ name: 'Teapot', price: 1999, stock: 3 })
      .expect(201);

    expect(response.body).toEqual({
      id: expect.any(String),
      name: 'Teapot',
      price: 1999,
      stock: 3,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(response.headers.location).toBe(`/products/${response.body.id}`);
  });

  it('accepts a free product with no stock', async () => {
    await http.post('/products').send({ name: 'Sample', price: 0, stock: 0 }).expect(201);
  });

  it.each([
    ['no price', { name: 'x', stock: 1 }, ['price']],
    ['a negative price', { name: 'x', price: -1, stock: 1 }, ['price']],
    ['a fractional price', { name: 'x', price: 9.99, stock: 1 }, ['price']],
    ['a string stock', { name: 'x', price: 1, stock: '3' }, ['stock']],
    ['a huge stock', { name: 'x', price: 1, stock: 1e300 }, ['stock']],
    ['an empty name', { name: '', price: 1, stock: 1 }, ['name']],
    ['an unknown field', { name: 'x', price: 1, stock: 1, colour: 'red' }, ['colour']],
  ])('answers 422 VALIDATION_FAILED for %s', async (_case, body, paths) => {
    const response = await http.post('/products').send(body);

    expectProblem(response, 422, 'VALIDATION_FAILED');
    expect(errorPaths(response)).toEqual(paths);
  });
});

describe('GET /products/:id', () => {
  it('reads a product', async () => {
    const product = await newProduct(http);

    expect((await http.get(`/products/${product.id}`).expect(200)).body).toEqual(product);
  });

  it('answers 404 NOT_FOUND for an unknown id', async () => {
    expectProblem(await http.get('/products/does-not-exist'), 404, 'NOT_FOUND');
  });
});

describe('PATCH /products/:id', () => {
  it('changes only the fields sent, and the next read shows them', async () => {
    const product = await newProduct(http, { name: 'Old', price: 100, stock: 5 });
    await http.get(`/products/${product.id}`).expect(200);

    const response = await http.patch(`/products/${product.id}`).send({ price: 120 }).expect(200);

    expect(response.body).toMatchObject({ id: product.id, name: 'Old', price: 120, stock: 5 });
    expect((await http.get(`/products/${product.id}`)).body).toMatchObject({ price: 120 });
  });

  it('changes several fields at once', async () => {
    const product = await newProduct(http);

    const response = await http
      .patch(`/products/${product.id}`)
      .send({ name: 'New', price: 1, stock: 0 })
      .expect(200);

    expect(response.body).toMatchObject({ name: 'New', price: 1, stock: 0 });
  });

  it('answers 422 for an empty change', async () => {
    const product = await newProduct(http);

    const response = await http.patch(`/products/${product.id}`).send({});

    expectProblem(response, 422, 'VALIDATION_FAILED');
  });

  it.each([
    [{ price: -1 }, ['price']],
    [{ stock: 1.5 }, ['stock']],
    [{ name: null }, ['name']],
    [{ id: 'other' }, ['id', '']],
  ])('answers 422 for %p', async (body, paths) => {
    const product = await newProduct(http);

    const response = await http.patch(`/products/${product.id}`).send(body);

    expectProblem(response, 422, 'VALIDATION_FAILED');
    expect(errorPaths(response)).toEqual(paths);
  });

  it('answers 404 for an unknown product', async () => {
    expectProblem(await http.patch('/products/nope').send({ price: 1 }), 404, 'NOT_FOUND');
  });

  it('answers 422 AMOUNT_TOO_LARGE when the stock ever supplied would pass 2^53 - 1', async () => {
    const customer = await newCustomer(http, { balance: 1000 });
    const product = await newProduct(http, { price: 100, stock: 10 });
    const order = await http
      .post('/orders')
      .send({ customerId: customer.id, items: [{ productId: product.id, quantity: 2 }] })
      .expect(202);
    await eventually(async () => {
      expect((await http.get(`/orders/${order.body.id}`)).body.status).toBe('COMPLETED');
    });

    const refused = await http
      .patch(`/products/${product.id}`)
      .send({ stock: Number.MAX_SAFE_INTEGER, price: 1 });

    const problem = expectProblem(refused, 422, 'AMOUNT_TOO_LARGE');
    expect(problem.errors).toEqual([{ path: 'stock', message: expect.any(String) }]);
    expect((await http.get(`/products/${product.id}`)).body).toMatchObject({
      stock: 8,
      price: 100,
    });
    const accepted = await http
      .patch(`/products/${product.id}`)
      .send({ stock: Number.MAX_SAFE_INTEGER - 2 })
      .expect(200);
    expect(accepted.body.stock).toBe(Number.MAX_SAFE_INTEGER - 2);
  });
});

describe('GET /products', () => {
  it('pages through every product newest first, with no duplicates or gaps', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i += 1) created.push((await newProduct(http, { name: `P${i}` })).id);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string | number> = cursor ? { limit: 3, cursor } : { limit: 3 };
      const response = await http.get('/products').query(query).expect(200);
      expect(response.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...response.body.data.map((product: { id: string }) => product.id));
      cursor = response.body.nextCursor;
    } while (cursor);

    expect(new Set(seen).size).toBe(seen.length);
    const ours = seen.filter((id) => created.includes(id));
    expect(ours).toEqual([...created].reverse());
  });

  it('serves at most 20 by default and at most 100 when asked', async () => {
    for (let i = 0; i < 21; i += 1) await newProduct(http);

    const byDefault = await http.get('/products').expect(200);
    const largest = await http.get('/products?limit=100').expect(200);

    expect(byDefault.body.data).toHaveLength(20);
    expect(typeof byDefault.body.nextCursor).toBe('string');
    expect(largest.body.data.length).toBeGreaterThan(20);
    expect(largest.body.data.length).toBeLessThanOrEqual(100);
  });

  it('answers 422 for an invalid limit or cursor', async () => {
    expectProblem(await http.get('/products?limit=1000'), 422, 'VALIDATION_FAILED');
    expectProblem(await http.get('/products?limit=5&limit=6'), 422, 'VALIDATION_FAILED');
    const response = await http.get('/products?cursor=%%%');
    expectProblem(response, 422, 'VALIDATION_FAILED');
    expect(errorPaths(response)).toEqual(['cursor']);
  });
});
