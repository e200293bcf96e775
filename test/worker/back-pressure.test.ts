import { bearer, customerToken } from '../support/tokens';
import request from 'supertest';
import { createApp } from '../../src/adapters/http/koa/create-app';
import { PublishAfterCommit } from '../../src/application/orders/publish-after-commit';
import { resolveHttpDependencies, startWorkerRole } from '../../src/config/service';
import { expectProblem } from '../http/http-kit';
import { dropQueue } from '../support/brokers';
import { eventually } from '../support/eventually';
import { createTestDatabase, type TestDatabase } from '../support/mysql';
import { silentLogger } from '../support/silent-logger';
import {
  composeProcess,
  queueEnv,
  shop,
  uniqueQueueName,
  type BrokerDriver,
  type ServiceProcess,
} from './worker-kit';

/**
 * MAX_BACKLOG over HTTP, with a real broker and no worker: orders are accepted until N wait, then
 * refused with 503 BACKLOG_FULL and Retry-After; nothing accepted is dropped, and once a worker
 * runs the backlog drains and orders are accepted again.
 */

const MAX_BACKLOG = 5;
const SENT = 12;

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('back_pressure');
});

afterAll(async () => {
  await database?.drop();
});

describe.each<BrokerDriver>(['bullmq', 'rabbitmq'])('back-pressure on %s', (driver) => {
  const queueName = uniqueQueueName(`backlog-${driver}`);
  const env = () => ({
    DATABASE_URL: database.url,
    ...queueEnv(driver, queueName),
    MAX_BACKLOG: String(MAX_BACKLOG),
    // Sampled afresh for (nearly) every request, so the refusals start right at the limit.
    BACKLOG_SAMPLE_MS: '1',
  });
  let api: ServiceProcess | undefined;
  let worker: ServiceProcess | undefined;

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await dropQueue(driver, queueName);
  });

  it('refuses orders beyond MAX_BACKLOG, drops none it accepted, and recovers once a worker runs', async () => {
    api = await composeProcess({ ...env(), ROLE: 'api' });
    const ids = await shop(api, { balance: 1_000_000, price: 100, stock: 1_000 });
    const http = request
      .agent(createApp(resolveHttpDependencies(api)).callback())
      .set(bearer(customerToken(ids.customerId)));
    const order = () =>
      http.post('/orders').send({ items: [{ productId: ids.productId, quantity: 1 }] });

    const answers = [];
    for (let i = 0; i < SENT; i += 1) {
      answers.push(await order());
      // Its job goes out now, as a message of its own, not with the next orders' jobs.
      await api.container.get(PublishAfterCommit).settled();
    }

    const statuses = answers.map((answer) => answer.status);
    // The first N find fewer than N waiting; once N wait, and nothing consumes, every sample
    // after says so. A sample taken within the same millisecond may let a few more in.
    expect(statuses.slice(0, MAX_BACKLOG)).toEqual(Array(MAX_BACKLOG).fill(202));
    const firstRefusal = statuses.indexOf(503);
    expect(firstRefusal).toBeGreaterThanOrEqual(MAX_BACKLOG);
    expect(statuses.slice(firstRefusal)).toEqual(Array(SENT - firstRefusal).fill(503));
    for (const refused of answers.slice(firstRefusal)) {
      expectProblem(refused, 503, 'BACKLOG_FULL');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.headers.location).toBeUndefined();
    }

    const accepted = answers.slice(0, firstRefusal).map((answer) => answer.body.id as string);
    const stored = await database.query(
      'SELECT id, status FROM orders WHERE customer_id = ? ORDER BY id',
      [ids.customerId],
    );
    expect(stored.map((row) => ({ id: row.id, status: row.status }))).toEqual(
      [...accepted].sort().map((id) => ({ id, status: 'PENDING' })),
    );
    // Every accepted order was published before any worker runs; the API may have sent several
    // of its jobs in one message, which back-pressure counts once.
    await api.container.get(PublishAfterCommit).settled();
    const waiting = await api.queue.depth();
    expect(waiting).toBeGreaterThanOrEqual(MAX_BACKLOG);
    expect(waiting).toBeLessThanOrEqual(accepted.length);

    worker = await composeProcess({ ...env(), ROLE: 'worker' });
    await startWorkerRole(worker, worker.config, silentLogger);

    await eventually(async () => {
      const rows = await database.query(
        'SELECT status, COUNT(*) AS n FROM orders WHERE customer_id = ? GROUP BY status',
        [ids.customerId],
      );
      expect(rows.map((row) => ({ status: row.status, n: Number(row.n) }))).toEqual([
        { status: 'COMPLETED', n: accepted.length },
      ]);
    });
    const later = await eventually(async () => {
      const answer = await order();
      expect(answer.status).toBe(202);
      return answer;
    });
    await eventually(async () =>
      expect((await http.get(`/orders/${later.body.id}`)).body.status).toBe('COMPLETED'),
    );
    const balance = await http.get(`/customers/${ids.customerId}`);
    expect(balance.body.balance).toBe(1_000_000 - 100 * (accepted.length + 1));
  });
});
