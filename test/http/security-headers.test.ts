import { createApp } from '../../src/adapters/http/koa/create-app';
import { ConcurrencyConflictError } from '../../src/application/errors';
import type { GetOrder } from '../../src/application/orders/get-order';
import { createTestApp, type TestApp } from '../support/http-app';
import { agent, expectProblem, failingWith, stubDependencies } from './http-kit';

describe('X-Content-Type-Options: nosniff', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });

  afterAll(() => testApp.close());

  it('is on a normal answer', async () => {
    const response = await agent(testApp.app).get('/products').expect(200);

    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('is on a problem answer, whose headers the error middleware starts afresh', async () => {
    const response = await agent(testApp.app)
      .post('/products')
      .send({ name: '', price: -1, stock: 1 });

    expectProblem(response, 422, 'VALIDATION_FAILED');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('is on a 5xx problem', async () => {
    const app = createApp(
      stubDependencies({ getOrder: failingWith<GetOrder>(new ConcurrencyConflictError()) }),
    );

    const response = await agent(app).get('/orders/order-1');

    expectProblem(response, 503, 'CONCURRENCY_CONFLICT');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('is on the answer to an unknown route', async () => {
    const response = await agent(testApp.app).get('/no/such/route');

    expectProblem(response, 404, 'ROUTE_NOT_FOUND');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('/docs', () => {
  const app = createApp(stubDependencies());

  /** The directives of a Content-Security-Policy header, by name. */
  function directives(header: string | undefined): Map<string, string[]> {
    return new Map(
      (header ?? '')
        .split(';')
        .map((directive) => directive.trim().split(/\s+/))
        .filter(([name]) => name)
        .map(([name, ...values]) => [name as string, values]),
    );
  }

  it.each(['/docs', '/docs/', '/docs/initializer.js', '/docs/swagger-ui-bundle.js'])(
    '%s is served with a Content-Security-Policy and X-Frame-Options: DENY',
    async (path) => {
      const response = await agent(app).get(path).expect(200);

      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      const policy = directives(response.headers['content-security-policy']);
      expect(policy.get('default-src')).toEqual(["'none'"]);
      expect(policy.get('script-src')).toEqual(["'self'"]);
      expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    },
  );

  it('lets the viewer fetch the document it shows', async () => {
    const response = await agent(app).get('/docs').expect(200);

    expect(directives(response.headers['content-security-policy']).get('connect-src')).toEqual([
      "'self'",
    ]);
  });
});
