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

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('POST /customers', () => {
  it('creates a customer: 201, Location, the contract fields only', async () => {
    const response = await http
      .post('/customers')
      .send({ name: 'Ada Lovelace', email: 'Ada.Create@Example.com', balance: 1500 })
      .expect(201);

    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toEqual({
      id: expect.any(String),
      name: 'Ada Lovelace',
      email: 'ada.create@example.com',
      balance: 1500,
      createdAt: expect.stringMatching(ISO),
      updatedAt: expect.stringMatching(ISO),
    });
    expect(response.headers.location).toBe(`/customers/${response.body.id}`);
  });

  it('defaults the balance to 0', async () => {
    const response = await http
      .post('/customers')
      .send({ name: 'Bob', email: 'bob.default@example.com' })
      .expect(201);

    expect(response.body.balance).toBe(0);
  });

  it('accepts a 200-character name', async () => {
    await http
      .post('/customers')
      .send({ name: 'n'.repeat(200), email: 'long.name@example.com' })
      .expect(201);
  });

  it.each([
    ['no name', { email: 'x@example.com' }, ['name']],
    ['an empty name', { name: '', email: 'x@example.com' }, ['name']],
    ['a blank name', { name: '   ', email: 'x@example.com' }, ['name']],
    ['a 201-character name', { name: 'n'.repeat(201), email: 'x@example.com' }, ['name']],
    ['a name that is not a string', { name: 42, email: 'x@example.com' }, ['name']],
    ['no email', { name: 'Ada' }, ['email']],
    ['a malformed email', { name: 'Ada', email: 'not-an-email' }, ['email']],
    ['a negative balance', { name: 'Ada', email: 'x@example.com', balance: -1 }, ['balance']],
    ['a fractional balance', { name: 'Ada', email: 'x@example.com', balance: 1.5 }, ['balance']],
    [
      'a numeric string balance',
      { name: 'Ada', email: 'x@example.com', balance: '5' },
      ['balance'],
    ],
    [
      'a balance above 2^53 - 1',
      { name: 'Ada', email: 'x@example.com', balance: Number.MAX_SAFE_INTEGER + 2 },
      ['balance'],
    ],
    ['an unknown field', { name: 'Ada', email: 'x@example.com', admin: true }, ['admin']],
    [
      'several problems at once',
      { name: '', email: 'nope', balance: -5 },
      ['name', 'email', 'balance'],
    ],
  ])('answers 422 VALIDATION_FAILED for %s', async (_case, body, paths) => {
    const response = await http.post('/customers').send(body);

    expectProblem(response, 422, 'VALIDATION_FAILED');
    expect(errorPaths(response).sort()).toEqual([...paths].sort());
  });

  it('answers 422 for a JSON array body', async () => {
    const response = await http.post('/customers').send([{ name: 'Ada' }]);

    expectProblem(response, 422, 'VALIDATION_FAILED');
  });

  it('answers 409 EMAIL_TAKEN for an email in use, whatever its case', async () => {
    await http.post('/customers').send({ name: 'First', email: 'taken@example.com' }).expect(201);

    const response = await http
      .post('/customers')
      .send({ name: 'Second', email: 'TAKEN@example.com' });

    const problem = expectProblem(response, 409, 'EMAIL_TAKEN');
    expect(problem.errors).toEqual([{ path: 'email', message: expect.any(String) }]);
  });
});

describe('GET /customers/:id', () => {
  it('reads a customer', async () => {
    const customer = await newCustomer(http, { balance: 70 });

    const response = await http.get(`/customers/${customer.id}`).expect(200);

    expect(response.body).toEqual(customer);
  });

  it('answers 404 NOT_FOUND for an unknown id', async () => {
    expectProblem(await http.get('/customers/does-not-exist'), 404, 'NOT_FOUND');
  });
});

describe('POST /customers/:id/deposits', () => {
  it('adds the amount and answers the customer with its new balance', async () => {
    const customer = await newCustomer(http, { balance: 100 });

    const response = await http
      .post(`/customers/${customer.id}/deposits`)
      .send({ amount: 250 })
      .expect(200);

    expect(response.body).toMatchObject({ id: customer.id, balance: 350 });
    expect((await http.get(`/customers/${customer.id}`)).body.balance).toBe(350);
  });

  it.each([[0], [-5], [1.5], ['10'], [null]])('answers 422 for amount %p', async (amount) => {
    const customer = await newCustomer(http);

    const response = await http.post(`/customers/${customer.id}/deposits`).send({ amount });

    expectProblem(response, 422, 'VALIDATION_FAILED');
    expect(errorPaths(response)).toEqual(['amount']);
  });

  it('answers 404 for an unknown customer', async () => {
    const response = await http.post('/customers/nobody/deposits').send({ amount: 5 });

    expectProblem(response, 404, 'NOT_FOUND');
  });

  it('answers 422 AMOUNT_TOO_LARGE when the balance would pass 2^53 - 1', async () => {
    const customer = await newCustomer(http, { balance: Number.MAX_SAFE_INTEGER - 1 });

    const response = await http.post(`/customers/${customer.id}/deposits`).send({ amount: 5 });

    expectProblem(response, 422, 'AMOUNT_TOO_LARGE');
    expect((await http.get(`/customers/${customer.id}`)).body.balance).toBe(
      Number.MAX_SAFE_INTEGER - 1,
    );
  });
});

describe('POST /customers/:id/deposits after spending', () => {
  it('answers 422 AMOUNT_TOO_LARGE when what was ever credited would pass 2^53 - 1, though the balance would not', async () => {
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
      .post(`/customers/${customer.id}/deposits`)
      .send({ amount: Number.MAX_SAFE_INTEGER - 800 });

    const problem = expectProblem(refused, 422, 'AMOUNT_TOO_LARGE');
    expect(problem.errors).toEqual([{ path: 'amount', message: expect.any(String) }]);
    expect((await http.get(`/customers/${customer.id}`)).body.balance).toBe(800);
    const accepted = await http
      .post(`/customers/${customer.id}/deposits`)
      .send({ amount: Number.MAX_SAFE_INTEGER - 1000 })
      .expect(200);
    expect(accepted.body.balance).toBe(Number.MAX_SAFE_INTEGER - 200);
  });
});

describe('GET /customers/:id/orders', () => {
  let customerId: string;
  let placed: string[];

  beforeAll(async () => {
    const customer = await newCustomer(http, { balance: 1_000_000 });
    const product = await newProduct(http, { price: 1, stock: 1000 });
    customerId = customer.id;
    placed = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await http
        .post('/orders')
        .send({ customerId, items: [{ productId: product.id, quantity: 1 }] })
        .expect(202);
      placed.push(response.body.id);
    }
  });

  it('pages through the orders newest first, ending with a null nextCursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string | number> = cursor ? { limit: 2, cursor } : { limit: 2 };
      const response = await http.get(`/customers/${customerId}/orders`).query(query).expect(200);
      expect(response.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...response.body.data.map((order: { id: string }) => order.id));
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);

    expect(pages).toBe(3);
    expect(seen).toEqual([...placed].reverse());
  });

  it('serves 20 by default and the whole list in one page when it fits', async () => {
    const response = await http.get(`/customers/${customerId}/orders`).expect(200);

    expect(response.body.data).toHaveLength(5);
    expect(response.body.nextCursor).toBeNull();
  });

  it('answers an empty page for a customer without orders', async () => {
    const customer = await newCustomer(http);

    const response = await http.get(`/customers/${customer.id}/orders`).expect(200);

    expect(response.body).toEqual({ data: [], nextCursor: null });
  });

  it.each([['0'], ['101'], ['1.5'], ['abc'], ['-1'], ['1e1'], ['0x10'], ['']])(
    'answers 422 for limit=%s',
    async (limit) => {
      const response = await http.get(`/customers/${customerId}/orders`).query({ limit });

      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(errorPaths(response)).toEqual(['limit']);
    },
  );

  it.each([
    ['garbage', 'not a cursor!'],
    ['base64 of garbage', Buffer.from('hello').toString('base64url')],
    ['a cursor of the wrong shape', Buffer.from('{"id":1}').toString('base64url')],
    [
      'a cursor with an invalid date',
      Buffer.from('{"createdAt":"yesterday","id":"a"}').toString('base64url'),
    ],
  ])('answers 422 for %s', async (_case, cursor) => {
    const response = await http.get(`/customers/${customerId}/orders`).query({ cursor });

    expectProblem(response, 422, 'VALIDATION_FAILED');
    expect(errorPaths(response)).toEqual(['cursor']);
  });

  it('answers 404 for an unknown customer', async () => {
    expectProblem(await http.get('/customers/nobody/orders'), 404, 'NOT_FOUND');
  });
});
