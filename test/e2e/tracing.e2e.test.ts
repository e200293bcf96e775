import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, spawnManaged, type ManagedProcess } from '../faults/support/processes';
import { AMQP_URL, dropQueue, REDIS_URL } from '../support/brokers';
import { eventually } from '../support/eventually';
import { createTestDatabase, type TestDatabase } from '../support/mysql';
import { OtlpReceiver, SPAN_KIND, type ReceivedSpan } from '../support/otlp-receiver';
import { adminToken, bearer, TEST_AUTH_SECRET } from '../support/tokens';

const ROOT = resolve(__dirname, '../..');

/** One order followed from POST /orders to the worker's transaction, on the real service. */
describe.each([
  ['bullmq', 'http/protobuf'],
  ['rabbitmq', 'http/json'],
] as const)('a traced service on %s exporting %s', (driver, protocol) => {
  const queueName = `trace-${driver}-${randomBytes(4).toString('hex')}`;
  const receiver = new OtlpReceiver();
  const logDir = mkdtempSync(join(tmpdir(), 'trace-'));
  let database: TestDatabase;
  let service: ManagedProcess;
  let origin: string;

  beforeAll(async () => {
    database = await createTestDatabase(`trace_${driver}`);
    const endpoint = await receiver.listen();
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    // From the sources, like dist/main.js runs the build: the instrumentations patch real requires.
    service = spawnManaged(
      `traced-${driver}`,
      process.execPath,
      ['-r', join(ROOT, 'test/support/run-typescript.cjs'), join(ROOT, 'src/main.ts')],
      {
        cwd: ROOT,
        logFile: join(logDir, 'service.log'),
        env: {
          PATH: process.env.PATH ?? '',
          PORT: String(port),
          DATABASE_URL: database.url,
          REDIS_URL,
          AMQP_URL,
          QUEUE_DRIVER: driver,
          QUEUE_NAME: queueName,
          CACHE_KEY_PREFIX: `${queueName}:`,
          AUTH_JWT_SECRET: TEST_AUTH_SECRET,
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          OTEL_SERVICE_NAME: 'order-service-under-test',
          OTEL_BSP_SCHEDULE_DELAY: '100',
        },
      },
    );
    await service.waitForLine((line) => line.includes('"msg":"order service started"'), 90_000);
  });

  afterAll(async () => {
    await service?.stop();
    await receiver.close();
    await dropQueue(driver, queueName);
    await database?.drop();
    rmSync(logDir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: unknown, headers = {}) => {
    const response = await fetch(origin + path, {
      method,
      headers: { ...bearer(adminToken()), 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { response, body: (await response.json()) as Record<string, unknown> };
  };

  it('continues the caller’s trace into the worker’s transaction, and logs each step', async () => {
    const customer = await call('POST', '/customers', {
      name: 'Ada',
      email: `ada-${queueName}@example.com`,
      balance: 10_000,
    });
    const product = await call('POST', '/products', { name: 'Lamp', price: 1500, stock: 3 });
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const requestId = `trace-test-${queueName}`;
    const placed = await call(
      'POST',
      '/orders',
      { customerId: customer.body.id, items: [{ productId: product.body.id, quantity: 2 }] },
      { traceparent: `00-${traceId}-${callerSpanId}-01`, 'X-Request-Id': requestId },
    );
    expect(placed.response.status).toBe(202);
    const orderId = placed.body.id as string;
    await eventually(async () => {
      expect((await call('GET', `/orders/${orderId}`)).body.status).toBe('COMPLETED');
    });

    const inTrace = (span: ReceivedSpan) => span.traceId === traceId;
    const spans = await eventually(() => {
      const found = receiver.spans.filter(inTrace);
      expect(found.map((span) => span.kind)).toContain(SPAN_KIND.CONSUMER);
      return found;
    });
    const server = spans.find((span) => span.kind === SPAN_KIND.SERVER);
    expect(server).toMatchObject({
      parentSpanId: callerSpanId,
      name: 'POST /orders',
      serviceName: 'order-service-under-test',
    });
    const consumer = spans.find((span) => span.kind === SPAN_KIND.CONSUMER);
    // A lone job: the worker's transaction is the request span's child.
    expect(consumer).toMatchObject({
      name: 'process orders',
      parentSpanId: server?.spanId,
      attributes: expect.objectContaining({ 'order.id': orderId }),
    });
    const producer = spans.find((span) => span.kind === SPAN_KIND.PRODUCER);
    expect(producer).toMatchObject({
      parentSpanId: server?.spanId,
      attributes: expect.objectContaining({ 'messaging.system': driver }),
    });
    // The transaction's statements, under the worker's span, and the insert under the request's.
    const statementsUnder = (parent: ReceivedSpan | undefined) =>
      spans.filter(
        (span) => span.parentSpanId === parent?.spanId && span.kind === SPAN_KIND.CLIENT,
      );
    expect(statementsUnder(consumer).length).toBeGreaterThan(0);
    const store = spans.find((span) => span.name === 'store orders');
    expect(store?.parentSpanId).toBe(server?.spanId);
    expect(statementsUnder(store).length).toBeGreaterThan(0);
    expect([...receiver.contentTypes]).toEqual([
      protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
    ]);

    await service.stop();
    const lines = readFileSync(join(logDir, 'service.log'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const access = lines.find((line) => line.msg === 'request' && line.requestId === requestId);
    expect(access).toEqual(
      expect.objectContaining({
        method: 'POST',
        route: '/orders',
        status: 202,
        durationMs: expect.any(Number),
        traceId,
      }),
    );
    const done = lines.find((line) => line.msg === 'order job done' && line.orderId === orderId);
    expect(done).toEqual(
      expect.objectContaining({ kind: 'PLACE', requestId, jobId: expect.any(String) }),
    );
  });
});
