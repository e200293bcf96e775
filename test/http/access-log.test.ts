import { AccessLog } from '../../src/adapters/http/koa/access-log';
import { createApp } from '../../src/adapters/http/koa/create-app';
import { NO_TRACING, type Tracing } from '../../src/application/ports/tracing';
import { createTestApp, type TestApp } from '../support/http-app';
import { adminToken, bearer } from '../support/tokens';
import { agent, RecordingLogger } from './http-kit';

/** Tracing that is "on" with one fixed trace, and keeps the names it was given. */
class FixedTrace implements Tracing {
  readonly names: string[] = [];
  capture = () => undefined;
  traceId = () => '4bf92f3577b34da6a3ce929d0e0e4736';
  nameRequest(method: string, route: string): void {
    this.names.push(`${method} ${route}`);
  }
  run: Tracing['run'] = (...args) => NO_TRACING.run(...args);
}

describe('the access log', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(() => testApp.close());

  const logged = (tracing: Tracing = NO_TRACING, started = true) => {
    const logger = new RecordingLogger();
    const accessLog = new AccessLog(logger, tracing);
    if (started) accessLog.start();
    const app = createApp({ ...testApp.deps, logger }, { accessLog });
    const requests = () => logger.lines.filter((line) => line.message === 'request');
    return { app, requests };
  };

  it('writes one line per request with its id, method, route template, status and duration', async () => {
    const { app, requests } = logged();
    const created = await agent(app)
      .post('/customers')
      .set(bearer(adminToken()))
      .set('X-Request-Id', 'req-1')
      .send({ name: 'Grace', email: 'grace@example.com', balance: 5 })
      .expect(201);
    await agent(app).get('/orders/no-such-order').set(bearer(adminToken())).expect(404);
    await agent(app).get('/nowhere').expect(404);

    expect(requests().map((line) => line.fields)).toEqual([
      {
        requestId: 'req-1',
        method: 'POST',
        route: '/customers',
        status: 201,
        durationMs: expect.any(Number),
      },
      {
        requestId: expect.any(String),
        method: 'GET',
        route: '/orders/:id',
        status: 404,
        durationMs: expect.any(Number),
      },
      {
        requestId: expect.any(String),
        method: 'GET',
        route: null,
        status: 404,
        durationMs: expect.any(Number),
      },
    ]);
    // Never a body, a token or a raw id from the path.
    const text = JSON.stringify(requests());
    for (const secret of ['grace@example.com', adminToken().split('.')[2], 'no-such-order']) {
      expect(text).not.toContain(secret);
    }
    expect(created.headers['x-request-id']).toBe('req-1');
  });

  it('names the trace, and the request span after its route, when tracing is on', async () => {
    const tracing = new FixedTrace();
    const { app, requests } = logged(tracing);
    await agent(app).get('/orders/no-such-order').set(bearer(adminToken())).expect(404);

    expect(requests()[0]?.fields).toMatchObject({ traceId: tracing.traceId() });
    expect(tracing.names).toEqual(['GET /orders/:id']);
  });

  it('writes nothing before it is started (the warm-up requests)', async () => {
    const { app, requests } = logged(NO_TRACING, false);
    await agent(app).get('/health').expect(200);

    expect(requests()).toEqual([]);
  });
});
