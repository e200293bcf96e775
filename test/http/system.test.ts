import { createApp } from '../../src/adapters/http/koa/create-app';
import { PrometheusMetrics } from '../../src/adapters/metrics/prometheus/prometheus-metrics';
import type { HealthCheck } from '../../src/application/ports/health-check';
import { CheckReadiness } from '../../src/application/system/check-readiness';
import { createTestApp, type TestApp } from '../support/http-app';
import { agent, expectProblem, stubDependencies } from './http-kit';

/** A readiness check over dependencies that answer or not, as the composition root builds it. */
function readiness(dependencies: { name: string; ok: boolean; optional?: boolean }[]) {
  const checks: HealthCheck[] = dependencies.map(({ name, ok, optional }) => ({
    name,
    optional,
    check: async () => {
      if (!ok) throw new Error(`${name} is down`);
    },
  }));
  return new CheckReadiness(checks, 1000);
}

describe('on the memory profile', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(() => testApp.close());

  it('GET /health answers 200 ok', async () => {
    const response = await agent(testApp.app).get('/health').expect(200);

    expect(response.body).toEqual({ status: 'ok' });
  });

  it('GET /ready answers 200 with every dependency ok, the worker consuming among them', async () => {
    const response = await agent(testApp.app).get('/ready').expect(200);

    expect(response.body).toEqual({ status: 'ok', dependencies: expect.any(Array) });
    expect(response.body.dependencies).toContainEqual({ name: 'consumer', status: 'ok' });
    for (const dependency of response.body.dependencies) {
      expect(dependency).toEqual({ name: expect.any(String), status: 'ok' });
    }
  });

  it('GET /metrics answers the Prometheus text without a token', async () => {
    const response = await agent(testApp.app).get('/metrics').expect(200);

    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.text).toContain('# TYPE orders_accepted_total counter');
    expect(response.text).toContain('# TYPE http_server_request_duration_seconds histogram');
    expect(response.text).toContain('process_cpu_seconds_total');
  });
});

describe('GET /ready when a dependency does not answer', () => {
  it('answers 503 naming a required one, as a problem document with Retry-After', async () => {
    const app = createApp(
      stubDependencies({
        checkReadiness: readiness([
          { name: 'database', ok: false },
          { name: 'cache', ok: true, optional: true },
        ]),
      }),
    );

    const response = await agent(app).get('/ready');

    const problem = expectProblem(response, 503, 'DEPENDENCY_UNAVAILABLE');
    expect(problem.detail).toContain('database');
    expect(problem.detail).not.toContain('cache');
    expect(problem.dependencies).toEqual([
      { name: 'database', status: 'down' },
      { name: 'cache', status: 'ok' },
    ]);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('stays in rotation without the cache: 200, reported degraded', async () => {
    const app = createApp(
      stubDependencies({
        checkReadiness: readiness([
          { name: 'database', ok: true },
          { name: 'cache', ok: false, optional: true },
        ]),
      }),
    );

    const response = await agent(app).get('/ready').expect(200);

    expect(response.body).toEqual({
      status: 'degraded',
      dependencies: [
        { name: 'database', status: 'ok' },
        { name: 'cache', status: 'down' },
      ],
    });
  });

  it('names only the required one when both are down', async () => {
    const app = createApp(
      stubDependencies({
        checkReadiness: readiness([
          { name: 'queue', ok: false },
          { name: 'cache', ok: false, optional: true },
        ]),
      }),
    );

    const problem = expectProblem(await agent(app).get('/ready'), 503, 'DEPENDENCY_UNAVAILABLE');
    expect(problem.detail).toBe('Not ready: queue does not answer');
  });

  it('keeps /health at 200: the process still serves', async () => {
    const app = createApp(
      stubDependencies({ checkReadiness: readiness([{ name: 'database', ok: false }]) }),
    );

    await agent(app).get('/health').expect(200);
  });
});

describe('GET /ready while draining', () => {
  it('answers 503 SHUTTING_DOWN once draining starts, while other requests are still served', async () => {
    const checkReadiness = readiness([{ name: 'database', ok: true }]);
    const app = createApp(stubDependencies({ checkReadiness }));
    await agent(app).get('/ready').expect(200);

    checkReadiness.startDraining();

    const problem = expectProblem(await agent(app).get('/ready'), 503, 'SHUTTING_DOWN');
    expect(problem.dependencies).toEqual([]);
    await agent(app).get('/health').expect(200);
    await agent(app).get('/metrics').expect(200);
  });
});

describe('the HTTP histogram', () => {
  it('labels requests by route template, never by raw path, and unknown routes as one', async () => {
    const metrics = new PrometheusMetrics();
    const app = createApp(stubDependencies({ metrics }));

    await agent(app).get('/health').expect(200);
    await agent(app).get('/health').expect(200);
    await agent(app).get('/orders/first-id');
    await agent(app).get('/orders/second-id');
    await agent(app).get('/no/such/route/1').expect(404);
    await agent(app).get('/no/such/route/2').expect(404);

    const histogram = await metrics.registry
      .getSingleMetric('http_server_request_duration_seconds')!
      .get();
    const counts = (histogram.values as { metricName?: string; labels: object; value: number }[])
      .filter((value) => value.metricName === 'http_server_request_duration_seconds_count')
      .map(({ labels, value }) => ({ ...(labels as { route: string }), value }));
    expect(counts).toEqual(
      expect.arrayContaining([
        { method: 'GET', route: '/health', status_code: '200', value: 2 },
        { method: 'GET', route: '/orders/:id', status_code: expect.any(String), value: 2 },
        { method: 'GET', route: 'unmatched', status_code: '404', value: 2 },
      ]),
    );
    const routes = new Set(counts.map((each) => each.route));
    expect([...routes].sort()).toEqual(['/health', '/orders/:id', 'unmatched']);
  });
});
