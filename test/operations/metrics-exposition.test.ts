import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../../src/config/config';
import { loadConfig } from '../../src/config/config';
import { startService, type RunningService } from '../../src/config/service';
import { AMQP_URL, dropQueue } from '../support/brokers';
import { eventually } from '../support/eventually';
import { createTestDatabase, type TestDatabase } from '../support/mysql';
import { promtool } from '../support/promtool';
import { silentLogger } from '../support/silent-logger';
import { adminToken, TEST_AUTH_SECRET } from '../support/tokens';

/** The series API.md names ("Operations"): dashboards and alerts rely on them. */
const CONTRACT_SERIES = [
  'http_server_request_duration_seconds',
  'orders_accepted_total',
  'orders_settled_total',
  'order_settle_duration_seconds',
  'order_jobs_total',
  'queue_backlog_jobs',
  'dead_letters_total',
  'republished_jobs_total',
  'process_cpu_seconds_total',
  'nodejs_eventloop_lag_seconds',
];

const queueName = `metrics-${randomBytes(4).toString('hex')}`;
let database: TestDatabase;
const services: Partial<Record<AppConfig['role'], RunningService>> = {};

function start(role: AppConfig['role']): Promise<RunningService> {
  return startService(
    loadConfig({
      ROLE: role,
      DATABASE_URL: database.url,
      AMQP_URL,
      QUEUE_DRIVER: 'rabbitmq',
      QUEUE_NAME: queueName,
      PORT: '0',
      DB_POOL_SIZE: '2',
      AUTH_JWT_SECRET: TEST_AUTH_SECRET,
    }),
    silentLogger,
  );
}

function url(role: AppConfig['role'], path: string): string {
  return `http://127.0.0.1:${services[role]?.port}${path}`;
}

async function scrape(role: AppConfig['role']): Promise<string> {
  const response = await fetch(url(role, '/metrics'));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

function sample(text: string, series: string): number {
  const line = text.split('\n').find((each) => each.startsWith(`${series} `));
  return line === undefined ? Number.NaN : Number(line.split(' ')[1]);
}

beforeAll(async () => {
  database = await createTestDatabase('metrics_exposition');
  services.api = await start('api');
  services.worker = await start('worker');
  services.all = await start('all');
});

afterAll(async () => {
  for (const service of Object.values(services)) await service.stop();
  await dropQueue('rabbitmq', queueName);
  await database?.drop();
});

describe('every process serves Prometheus metrics (API, worker, ROLE=all), on RabbitMQ and MySQL', () => {
  it('a worker alone answers /health and /ready on its own port, its consumer among the checks', async () => {
    const health = await fetch(url('worker', '/health'));
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(url('worker', '/ready'));
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { dependencies: unknown }).dependencies).toEqual(
      expect.arrayContaining([
        { name: 'database', status: 'ok' },
        { name: 'queue', status: 'ok' },
        { name: 'consumer', status: 'ok' },
      ]),
    );
    expect((await fetch(url('worker', '/no-such-route'))).status).toBe(404);
  });

  it('counts an order the API accepted and a worker settled, each in its own process', async () => {
    const headers = {
      Authorization: `Bearer ${adminToken()}`,
      'Content-Type': 'application/json',
    };
    const post = (path: string, body: object) =>
      fetch(url('api', path), { method: 'POST', headers, body: JSON.stringify(body) }).then(
        async (response) => ({
          status: response.status,
          body: (await response.json()) as { id: string },
        }),
      );
    const customer = await post('/customers', {
      name: 'Ada',
      email: 'ada@example.com',
      balance: 0,
    });
    const product = await post('/products', { name: 'Lamp', price: 500, stock: 1 });
    const order = await post('/orders', {
      customerId: customer.body.id,
      items: [{ productId: product.body.id, quantity: 1 }],
    });
    expect(order.status).toBe(202);

    expect(sample(await scrape('api'), 'orders_accepted_total')).toBe(1);
    await eventually(async () => {
      // Both consume the queue: whichever took the job counted it.
      const series = 'orders_settled_total{status="FAILED",reason="INSUFFICIENT_FUNDS"}';
      const counted = [await scrape('worker'), await scrape('all')].map((text) =>
        sample(text, series),
      );
      expect(counted.filter((count) => count === 1)).toHaveLength(1);
    });
  });

  it.each(['api', 'worker', 'all'] as const)(
    'ROLE=%s: promtool check metrics passes, and every series of the contract is there',
    async (role) => {
      const text = await scrape(role);

      const check = promtool(['check', 'metrics'], text);
      expect({ status: check.status, output: check.output }).toEqual({ status: 0, output: '' });
      for (const series of CONTRACT_SERIES) {
        expect({ series, exposed: text.includes(`# TYPE ${series} `) }).toEqual({
          series,
          exposed: true,
        });
      }
      expect(text).toMatch(/^db_pool_connections_in_use \d+$/m);
      expect(text).toMatch(/^order_publishes_pending_jobs \d+$/m);
    },
  );
});
