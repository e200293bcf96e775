import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import createClient from 'openapi-fetch';
import { eventually } from '../support/eventually';
import { createTestApp, type TestApp } from '../support/http-app';
import { adminToken, bearer, customerToken } from '../support/tokens';
import type { components, paths } from './generated/order-service';

/**
 * The order flow through a client generated from docs/openapi.json (openapi-typescript types,
 * openapi-fetch calls), as a client project would write it. `npm run typecheck` compiles this
 * file strict against the generated types, so a document change that breaks generated clients
 * fails CI there; this test runs the flow against the service on the memory profile.
 */

type Order = components['schemas']['Order'];

/** Compiles only if `value` is a T: the narrowing a client relies on, checked by tsc. */
const typed = <T>(value: T): T => value;

/** What a client may read of an order, status by status, without a cast. */
function readableTotal(order: Order): number | null {
  switch (order.status) {
    case 'PENDING':
      // @ts-expect-error a PENDING order has no total yet
      typed<number>(order.total);
      return typed<null>(order.total);
    case 'COMPLETED':
      return typed<number>(order.items.reduce((sum, item) => sum + item.unitPrice, order.total));
    case 'FAILED':
      typed<string>(order.failureReason);
      return typed<null>(order.total);
    case 'CANCELLED':
      return typed<number | null>(order.total);
  }
}

let testApp: TestApp;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  testApp = await createTestApp();
  server = createServer(testApp.app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await testApp.close();
});

const client = (headers: Record<string, string> = {}) => createClient<paths>({ baseUrl, headers });

describe('a client generated from the document', () => {
  it('runs the order flow: customer, product, order, completion, listing, cancellation', async () => {
    const admin = client(bearer(adminToken()));

    // An opening balance may be left out: the generated type does not require it.
    const created = await admin.POST('/customers', {
      body: { name: 'Ada', email: `ada-${randomUUID()}@example.com` },
    });
    expect(created.response.status).toBe(201);
    const customer = created.data;
    if (!customer) throw new Error(`no customer: ${JSON.stringify(created.error)}`);
    expect(customer.balance).toBe(0);
    const deposited = await admin.POST('/customers/{id}/deposits', {
      params: { path: { id: customer.id } },
      body: { amount: 10_000 },
    });
    expect(deposited.data?.balance).toBe(10_000);

    const product = (
      await admin.POST('/products', { body: { name: 'Lamp', price: 2500, stock: 3 } })
    ).data;
    if (!product) throw new Error('no product');
    const publicRead = await client().GET('/products/{id}', {
      params: { path: { id: product.id } },
    });
    expect(publicRead.data?.stock).toBe(3);

    const shopper = client(bearer(customerToken(customer.id)));
    const idempotencyKey = randomUUID();
    const place = () =>
      shopper.POST('/orders', {
        params: { header: { 'Idempotency-Key': idempotencyKey } },
        body: { items: [{ productId: product.id, quantity: 2 }] },
      });
    const accepted = await place();
    expect(accepted.response.status).toBe(202);
    const pending = accepted.data;
    if (pending?.status !== 'PENDING') throw new Error(`not PENDING: ${JSON.stringify(pending)}`);
    expect(readableTotal(pending)).toBeNull();
    expect(accepted.response.headers.get('location')).toBe(`/orders/${pending.id}`);
    const replayed = await place();
    expect(replayed.data?.id).toBe(pending.id);
    expect(replayed.response.headers.get('idempotent-replayed')).toBe('true');

    const completed = await eventually(async () => {
      const { data } = await shopper.GET('/orders/{id}', { params: { path: { id: pending.id } } });
      if (data?.status !== 'COMPLETED') throw new Error(`not COMPLETED: ${data?.status}`);
      return data;
    });
    expect(completed.total).toBe(5000);
    expect(completed.items).toEqual([{ productId: product.id, quantity: 2, unitPrice: 2500 }]);
    expect(readableTotal(completed)).toBe(7500);

    const listed = await shopper.GET('/customers/{id}/orders', {
      params: { path: { id: customer.id }, query: { limit: 10 } },
    });
    expect(listed.data?.data.map((order) => order.id)).toEqual([pending.id]);
    expect(listed.data?.nextCursor).toBeNull();

    const cancelled = await shopper.POST('/orders/{id}/cancel', {
      params: { path: { id: pending.id } },
    });
    expect(cancelled.response.status).toBe(202);
    await eventually(async () => {
      const { data } = await shopper.GET('/orders/{id}', { params: { path: { id: pending.id } } });
      expect(data?.status).toBe('CANCELLED');
    });
    const refunded = await shopper.GET('/customers/{id}', {
      params: { path: { id: customer.id } },
    });
    expect(refunded.data?.balance).toBe(10_000);
  });

  it('reads a refusal as the problem document the contract promises', async () => {
    const { data, error, response } = await client(bearer(adminToken())).GET('/orders/{id}', {
      params: { path: { id: 'no-such-order' } },
    });

    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(error?.code).toBe('NOT_FOUND');
  });
});
