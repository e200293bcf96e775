import { randomBytes } from 'node:crypto';
import { REDIS_URL } from '../support/brokers';
import { createTestApp, type TestApp } from '../support/http-app';
import { agent, anonymousAgent, customerAgent, expectProblem, newCustomer } from './http-kit';

const LIMITS = {
  RATE_LIMIT_PER_SECOND: '1',
  RATE_LIMIT_BURST: '5',
  ANON_RATE_LIMIT_PER_SECOND: '3',
};

/** Requests sent one after another until the first 429, returned with how many were let through. */
async function untilRefused<R extends { status: number }>(send: () => Promise<R>, atMost: number) {
  for (let sent = 0; sent < atMost; sent += 1) {
    const response = await send();
    if (response.status === 429) return { allowed: sent, refusal: response };
    expect(response.status).toBeLessThan(500);
  }
  throw new Error(`no 429 in ${atMost} requests`);
}

describe('rate limits in one process', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp(LIMITS);
  });

  afterAll(() => testApp.close());

  it('refuses a customer past its burst: 429, Retry-After and the RateLimit fields', async () => {
    const customer = await newCustomer(agent(testApp.app));
    const http = customerAgent(testApp.app, customer.id);

    const first = await http.get(`/customers/${customer.id}`).expect(200);
    const { allowed, refusal } = await untilRefused(
      () => http.get(`/customers/${customer.id}`),
      50,
    );

    expect(first.headers['ratelimit-policy']).toBe('"customer";q=1;w=1');
    expect(first.headers['ratelimit']).toMatch(/^"customer";r=\d+;t=\d+$/);
    expect(allowed).toBeGreaterThanOrEqual(3);
    expect(allowed).toBeLessThan(50);
    expectProblem(refusal, 429, 'RATE_LIMITED');
    expect(Number(refusal.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refusal.headers['ratelimit-policy']).toBe('"customer";q=1;w=1');
    expect(refusal.headers['ratelimit']).toMatch(/^"customer";r=0;t=[1-9]\d*$/);
  });

  it('keeps one budget per customer: another customer is not refused for it', async () => {
    const [spender, other] = [
      await newCustomer(agent(testApp.app)),
      await newCustomer(agent(testApp.app)),
    ];
    const http = customerAgent(testApp.app, spender.id);
    await untilRefused(() => http.get(`/customers/${spender.id}`), 50);

    await customerAgent(testApp.app, other.id).get(`/customers/${other.id}`).expect(200);
  });

  it('never limits an admin', async () => {
    const http = agent(testApp.app);
    for (let i = 0; i < 40; i += 1) {
      const response = await http.get('/orders/nothing');
      expect(response.status).toBe(404);
      expect(response.headers['ratelimit']).toBeUndefined();
    }
  });

  it('limits anonymous callers by address: public reads, the docs, refused and unknown requests', async () => {
    const http = anonymousAgent(testApp.app);
    const { refusal } = await untilRefused(() => http.get('/products'), 100);

    expect(refusal.headers['ratelimit-policy']).toBe('"anonymous";q=3;w=1');
    expectProblem(await http.get('/orders/x'), 429, 'RATE_LIMITED');
    expectProblem(await http.get('/openapi.json'), 429, 'RATE_LIMITED');
    expectProblem(await http.get('/docs/swagger-ui-bundle.js'), 429, 'RATE_LIMITED');
    expectProblem(await http.get('/nowhere'), 429, 'RATE_LIMITED');
  });

  it('keeps answering the load balancer: /health and /ready are never limited', async () => {
    const http = anonymousAgent(testApp.app);
    for (let i = 0; i < 40; i += 1) await http.get('/health').expect(200);
  });
});

describe('rate limits shared through Redis by two API processes', () => {
  let one: TestApp;
  let two: TestApp;

  beforeAll(async () => {
    const env = {
      ...LIMITS,
      RATE_LIMIT_BURST: '10',
      REDIS_URL,
      QUEUE_DRIVER: 'memory',
      CACHE_KEY_PREFIX: `rate-test-${randomBytes(4).toString('hex')}:`,
    };
    one = await createTestApp(env);
    two = await createTestApp(env);
  });

  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  it("takes one customer's requests from one budget, whichever process serves them", async () => {
    // Each process has a store of its own here; only the budget is shared, and 404s count too.
    const customer = await newCustomer(agent(one.app));
    const clients = [customerAgent(one.app, customer.id), customerAgent(two.app, customer.id)];
    const started = Date.now();

    let sent = 0;
    const { allowed } = await untilRefused(
      () => (clients[sent++ % 2] as (typeof clients)[0]).get(`/customers/${customer.id}`),
      100,
    );

    // Apart, the two would allow 10 each; together 10, and 1 more for each second begun.
    const secondsBegun = Math.ceil((Date.now() - started) / 1000) + 1;
    expect(allowed).toBeLessThanOrEqual(10 + secondsBegun);
    expect(allowed).toBeGreaterThanOrEqual(5);
  });
});
