import { randomBytes } from 'node:crypto';
import { auditDatabase } from '../../src/tools/mysql-invariant-audit';
import { loadConfig } from '../../src/config/config';
import { startService, type RunningService } from '../../src/config/service';
import { eventually } from '../support/eventually';
import { httpClient, type HttpAnswer } from '../support/http-client';
import { createTestDatabase, type TestDatabase } from '../support/mysql';
import { dropQueue, REDIS_URL, AMQP_URL } from '../support/brokers';
import { silentLogger } from '../support/silent-logger';
import { adminToken, bearer, customerToken, TEST_AUTH_SECRET } from '../support/tokens';

type Driver = 'bullmq' | 'rabbitmq';

const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];

/**
 * The whole contract over HTTP, on real MariaDB, Redis and the given broker, with the API and the
 * worker as separate roles that only share the database and the queue.
 */
export function orderServiceEndToEnd(driver: Driver): void {
  describe(`order service end to end (${driver})`, () => {
    const suffix = randomBytes(4).toString('hex');
    const queueName = `e2e-${driver}-${suffix}`;
    let database: TestDatabase;
    let api: RunningService;
    let worker: RunningService;
    let request: ReturnType<typeof httpClient>;
    let anonymous: ReturnType<typeof httpClient>;
    const as = (customerId: string) =>
      httpClient(`http://127.0.0.1:${api.port}`, bearer(customerToken(customerId)));

    beforeAll(async () => {
      database = await createTestDatabase(`e2e_${driver}`);
      const env = {
        DATABASE_URL: database.url,
        REDIS_URL,
        AMQP_URL,
        QUEUE_DRIVER: driver,
        QUEUE_NAME: queueName,
        CACHE_KEY_PREFIX: `${queueName}:`,
        PORT: '0',
        LOG_LEVEL: 'silent',
        WORKER_CONCURRENCY: '8',
        REPUBLISH_AFTER_MS: '3000',
        REPUBLISH_INTERVAL_MS: '1000',
        AUTH_JWT_SECRET: TEST_AUTH_SECRET,
      };
      worker = await startService(loadConfig({ ...env, ROLE: 'worker' }), silentLogger);
      api = await startService(loadConfig({ ...env, ROLE: 'api' }), silentLogger);
      request = httpClient(`http://127.0.0.1:${api.port}`, bearer(adminToken()));
      anonymous = httpClient(`http://127.0.0.1:${api.port}`);
    });

    afterAll(async () => {
      await api?.stop();
      await worker?.stop();
      await dropQueue(driver, queueName);
      await database?.drop();
    });

    const created = (answer: HttpAnswer, status = 201) => {
      expect(answer.status).toBe(status);
      return answer.body;
    };
    const newCustomer = async (balance: number) =>
      created(
        await request('POST', '/customers', {
          name: 'Shopper',
          email: `${randomBytes(6).toString('hex')}@example.com`,
          balance,
        }),
      );
    const newProduct = async (price: number, stock: number) =>
      created(await request('POST', '/products', { name: 'Thing', price, stock }));
    /** Placed by the customer itself, as a shop's storefront would. */
    const order = (
      customerId: string,
      items: { productId: string; quantity: number }[],
      headers = {},
    ) => as(customerId)('POST', '/orders', { items }, headers);
    const settled = (ids: string[]) =>
      eventually(
        async () => {
          const orders = await Promise.all(
            ids.map(async (id) => (await request('GET', `/orders/${id}`)).body),
          );
          for (const o of orders) expect(TERMINAL).toContain(o.status);
          return orders;
        },
        { timeoutMs: 60_000, intervalMs: 100 },
      );

    it('reports ready with every dependency, and healthy', async () => {
      expect((await request('GET', '/health')).body).toEqual({ status: 'ok' });
      const ready = await request('GET', '/ready');
      expect(ready.status).toBe(200);
    });

    it('accepts an order at once and completes it: stock, wallet, prices, lists, cached read', async () => {
      const customer = await newCustomer(10_000);
      const product = await newProduct(1250, 5);
      expect((await request('GET', `/products/${product.id}`)).body.stock).toBe(5);

      const accepted = await order(customer.id, [{ productId: product.id, quantity: 2 }]);
      expect(accepted.status).toBe(202);
      expect(accepted.headers.get('location')).toBe(`/orders/${accepted.body.id}`);
      expect(accepted.body).toMatchObject({
        status: 'PENDING',
        customerId: customer.id,
        items: [{ productId: product.id, quantity: 2, unitPrice: null }],
        total: null,
        failureReason: null,
      });

      const [done] = await settled([accepted.body.id]);
      expect(done).toMatchObject({
        status: 'COMPLETED',
        total: 2500,
        items: [{ productId: product.id, quantity: 2, unitPrice: 1250 }],
      });
      expect((await request('GET', `/customers/${customer.id}`)).body.balance).toBe(7500);
      await eventually(async () =>
        expect((await request('GET', `/products/${product.id}`)).body.stock).toBe(3),
      );
      const listed = await request('GET', `/customers/${customer.id}/orders`);
      expect(listed.body.data.map((o: { id: string }) => o.id)).toEqual([accepted.body.id]);
    });

    it('100 concurrent orders for the last item: exactly one completes', async () => {
      const customer = await newCustomer(1_000_000);
      const product = await newProduct(700, 1);
      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 100 }, () =>
          order(customer.id, [{ productId: product.id, quantity: 1 }]),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(100).fill(202));
      const orders = await settled(answers.map((a) => a.body.id));
      process.stdout.write(
        `[${driver}] 100-order stock race settled in ${Date.now() - started} ms\n`,
      );

      expect(orders.filter((o) => o.status === 'COMPLETED')).toHaveLength(1);
      const failed = orders.filter((o) => o.status === 'FAILED');
      expect(failed).toHaveLength(99);
      expect(new Set(failed.map((o) => o.failureReason))).toEqual(new Set(['INSUFFICIENT_STOCK']));
      expect((await request('GET', `/products/${product.id}`)).body.stock).toBe(0);
      expect((await request('GET', `/customers/${customer.id}`)).body.balance).toBe(
        1_000_000 - 700,
      );
    });

    it('100 concurrent orders against a wallet that pays for one: exactly one completes', async () => {
      const customer = await newCustomer(900);
      const product = await newProduct(900, 1000);
      const answers = await Promise.all(
        Array.from({ length: 100 }, () =>
          order(customer.id, [{ productId: product.id, quantity: 1 }]),
        ),
      );
      const orders = await settled(answers.map((a) => a.body.id));
      expect(orders.filter((o) => o.status === 'COMPLETED')).toHaveLength(1);
      const failed = orders.filter((o) => o.status === 'FAILED');
      expect(new Set(failed.map((o) => o.failureReason))).toEqual(new Set(['INSUFFICIENT_FUNDS']));
      expect(failed).toHaveLength(99);
      expect((await request('GET', `/customers/${customer.id}`)).body.balance).toBe(0);
      expect((await request('GET', `/products/${product.id}`)).body.stock).toBe(999);
    });

    it('20 concurrent cancellations of a completed order refund and restock once', async () => {
      const customer = await newCustomer(5000);
      const product = await newProduct(1000, 10);
      const accepted = await order(customer.id, [{ productId: product.id, quantity: 3 }]);
      await settled([accepted.body.id]);

      const cancels = await Promise.all(
        Array.from({ length: 20 }, () =>
          as(customer.id)('POST', `/orders/${accepted.body.id}/cancel`),
        ),
      );
      for (const answer of cancels) expect([202, 409]).toContain(answer.status);
      expect(cancels.filter((a) => a.status === 202).length).toBeGreaterThan(0);

      await eventually(async () =>
        expect((await request('GET', `/orders/${accepted.body.id}`)).body.status).toBe('CANCELLED'),
      );
      expect((await request('GET', `/customers/${customer.id}`)).body.balance).toBe(5000);
      await eventually(async () =>
        expect((await request('GET', `/products/${product.id}`)).body.stock).toBe(10),
      );
      const again = await request('POST', `/orders/${accepted.body.id}/cancel`);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('ORDER_NOT_CANCELLABLE');
    });

    it('one order for concurrent requests with the same Idempotency-Key', async () => {
      const customer = await newCustomer(100_000);
      const product = await newProduct(10, 100);
      const items = [{ productId: product.id, quantity: 1 }];
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          order(customer.id, items, { 'Idempotency-Key': 'checkout-42' }),
        ),
      );
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      for (const answer of answers) expect([200, 202]).toContain(answer.status);
      expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(
        9,
      );

      const reused = await order(customer.id, [{ productId: product.id, quantity: 2 }], {
        'Idempotency-Key': 'checkout-42',
      });
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      await settled([answers[0]?.body.id]);
      const listed = await request('GET', `/customers/${customer.id}/orders`);
      expect(listed.body.data).toHaveLength(1);
    });

    it('answers bad input with a 4xx problem document, never a 5xx', async () => {
      const customer = await newCustomer(0);
      const product = await newProduct(1, 1);
      const cases: [string, string, unknown, number][] = [
        ['POST', '/orders', '{"customerId":', 400],
        ['POST', '/orders', { customerId: customer.id, items: [] }, 422],
        [
          'POST',
          '/orders',
          { customerId: 'nobody', items: [{ productId: product.id, quantity: 1 }] },
          422,
        ],
        [
          'POST',
          '/orders',
          { customerId: customer.id, items: [{ productId: 'nothing', quantity: 1 }] },
          422,
        ],
        [
          'POST',
          '/orders',
          { customerId: customer.id, items: [{ productId: product.id, quantity: 1001 }] },
          422,
        ],
        ['POST', '/customers', { name: '', email: 'not-an-email' }, 422],
        ['POST', `/customers/${customer.id}/deposits`, { amount: -5 }, 422],
        ['PATCH', `/products/${product.id}`, { stock: -1 }, 422],
        ['GET', '/orders/does-not-exist', undefined, 404],
        ['GET', '/products?limit=0', undefined, 422],
        ['GET', '/nowhere', undefined, 404],
      ];
      for (const [method, path, body, status] of cases) {
        const answer = await request(method, path, body);
        expect({ method, path, status: answer.status }).toEqual({ method, path, status });
        expect(answer.headers.get('content-type')).toContain('application/problem+json');
        expect(answer.body).toMatchObject({
          status,
          code: expect.any(String),
          title: expect.any(String),
        });
      }
    });

    it('lets a customer reach only its own orders and itself; anonymous callers nothing', async () => {
      const owner = await newCustomer(10_000);
      const other = await newCustomer(10_000);
      const product = await newProduct(100, 10);
      const placed = await order(owner.id, [{ productId: product.id, quantity: 1 }]);
      expect(placed.status).toBe(202);
      const intruder = as(other.id);

      for (const [method, path] of [
        ['GET', `/orders/${placed.body.id}`],
        ['POST', `/orders/${placed.body.id}/cancel`],
        ['GET', `/customers/${owner.id}`],
        ['GET', `/customers/${owner.id}/orders`],
      ] as const) {
        const answer = await intruder(method, path);
        expect({ path, status: answer.status, code: answer.body.code }).toEqual({
          path,
          status: 404,
          code: 'NOT_FOUND',
        });
      }
      const forOwner = await intruder('POST', '/orders', {
        customerId: owner.id,
        items: [{ productId: product.id, quantity: 1 }],
      });
      expect(forOwner.status).toBe(403);
      expect(
        (await intruder('POST', `/customers/${owner.id}/deposits`, { amount: 5 })).status,
      ).toBe(403);
      const unauthenticated = await anonymous('GET', `/orders/${placed.body.id}`);
      expect(unauthenticated.status).toBe(401);
      expect(unauthenticated.headers.get('www-authenticate')).toBe('Bearer');

      const [done] = await settled([placed.body.id]);
      expect(done.status).toBe('COMPLETED');
      expect((await as(owner.id)('GET', `/customers/${owner.id}`)).body.balance).toBe(9_900);
      expect((await request('GET', `/customers/${other.id}`)).body.balance).toBe(10_000);
    });

    it('leaves the database consistent', async () => {
      const report = await auditDatabase(database.url);

      expect(
        report.checks
          .filter((check) => check.violations.length > 0)
          .map(({ name, violations }) => ({ name, violations })),
      ).toEqual([]);
      expect(report.ok).toBe(true);
    });
  });
}
