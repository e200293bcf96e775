import { createApp } from '../../src/adapters/http/koa/create-app';
import { ConcurrencyConflictError } from '../../src/application/errors';
import type { HttpDependencies } from '../../src/adapters/http/koa/http-dependencies';
import type { GetOrder } from '../../src/application/orders/get-order';
import { DomainError } from '../../src/domain/shared/domain-error';
import { ERROR_CODES, type ErrorCode } from '../../src/domain/shared/error-codes';
import {
  agent,
  errorPaths,
  expectProblem,
  failingWith,
  RecordingLogger,
  stubDependencies,
} from './http-kit';

/** The contract's statuses, written out here so a change to the adapter's table is noticed. */
const EXPECTED_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 422,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNKNOWN_CUSTOMER: 422,
  UNKNOWN_PRODUCT: 422,
  EMAIL_TAKEN: 409,
  ORDER_NOT_CANCELLABLE: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  AMOUNT_TOO_LARGE: 422,
  CONCURRENCY_CONFLICT: 503,
  DEPENDENCY_UNAVAILABLE: 503,
  BACKLOG_FULL: 503,
  OVERLOADED: 503,
};

/** A request to an operation that can answer the code, with a body that passes validation. */
const PLACE_ORDER = { method: 'post', path: '/orders', use: 'placeOrder' } as const;
const ROUTE_OF: Record<
  ErrorCode,
  { method: 'get' | 'post'; path: string; use: keyof HttpDependencies; body?: object }
> = {
  VALIDATION_FAILED: PLACE_ORDER,
  NOT_FOUND: { method: 'get', path: '/orders/order-1', use: 'getOrder' },
  FORBIDDEN: PLACE_ORDER,
  UNKNOWN_CUSTOMER: PLACE_ORDER,
  UNKNOWN_PRODUCT: PLACE_ORDER,
  EMAIL_TAKEN: {
    method: 'post',
    path: '/customers',
    use: 'createCustomer',
    body: { name: 'Ada', email: 'ada@example.com' },
  },
  ORDER_NOT_CANCELLABLE: {
    method: 'post',
    path: '/orders/order-1/cancel',
    use: 'requestCancellation',
  },
  IDEMPOTENCY_KEY_REUSED: PLACE_ORDER,
  AMOUNT_TOO_LARGE: {
    method: 'post',
    path: '/customers/c-1/deposits',
    use: 'depositFunds',
    body: { amount: 1 },
  },
  CONCURRENCY_CONFLICT: { method: 'get', path: '/orders/order-1', use: 'getOrder' },
  DEPENDENCY_UNAVAILABLE: { method: 'get', path: '/orders/order-1', use: 'getOrder' },
  BACKLOG_FULL: PLACE_ORDER,
  OVERLOADED: { method: 'get', path: '/orders/order-1', use: 'getOrder' },
};

const ORDER_BODY = { customerId: 'c-1', items: [{ productId: 'p-1', quantity: 1 }] };

describe('domain errors become problem documents', () => {
  it.each(ERROR_CODES.map((code) => [code]))('%s', async (code) => {
    const error = new DomainError(code, `safe message for ${code}`, [
      { path: 'somewhere', message: 'is wrong' },
    ]);
    const route = ROUTE_OF[code];
    const app = createApp(stubDependencies({ [route.use]: failingWith(error) }));

    const call = agent(app)[route.method](route.path);
    const response =
      route.method === 'post' ? await call.send(route.body ?? ORDER_BODY) : await call;

    const body = expectProblem(response, EXPECTED_STATUS[code], code);
    expect(body.detail).toBe(`safe message for ${code}`);
    expect(body.errors).toEqual([{ path: 'somewhere', message: 'is wrong' }]);
    if (EXPECTED_STATUS[code] === 503)
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    else expect(response.headers['retry-after']).toBeUndefined();
  });

  it('asks for a retry after one second on a concurrency conflict, and logs the 503 once', async () => {
    const logger = new RecordingLogger();
    const app = createApp(
      stubDependencies({ logger, getOrder: failingWith<GetOrder>(new ConcurrencyConflictError()) }),
    );

    const response = await agent(app).get('/orders/order-1');

    expectProblem(response, 503, 'CONCURRENCY_CONFLICT');
    expect(response.headers['retry-after']).toBe('1');
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]?.fields.requestId).toBe(response.headers['x-request-id']);
  });

  it('omits `errors` when the error has no details', async () => {
    const error = new DomainError('NOT_FOUND', 'Order x does not exist');
    const app = createApp(stubDependencies({ getOrder: failingWith<GetOrder>(error) }));

    const response = await agent(app).get('/orders/x');

    expect(expectProblem(response, 404, 'NOT_FOUND')).not.toHaveProperty('errors');
  });
});

describe('an unexpected error', () => {
  const secret = new Error("ER_PARSE_ERROR near 'SELECT * FROM customers' password=hunter2");

  it('answers a generic 500 that leaks nothing, and logs it once with the request id', async () => {
    const logger = new RecordingLogger();
    const app = createApp(stubDependencies({ logger, getOrder: failingWith<GetOrder>(secret) }));

    const response = await agent(app).get('/orders/order-1').set('X-Request-Id', 'trace-42');

    const body = expectProblem(response, 500, 'INTERNAL_ERROR');
    expect(Object.keys(body).sort()).toEqual(['code', 'detail', 'status', 'title', 'type']);
    expect(response.text).not.toMatch(/SELECT|hunter2|ER_PARSE|at .*\.ts/);
    expect(response.headers['x-request-id']).toBe('trace-42');
    expect(logger.lines).toEqual([
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({ requestId: 'trace-42' }),
      }),
    ]);
  });

  it('answers 500 for a thrown non-Error value too', async () => {
    const app = createApp(stubDependencies({ getOrder: failingWith<GetOrder>('a string') }));

    expectProblem(await agent(app).get('/orders/order-1'), 500, 'INTERNAL_ERROR');
  });
});

describe('request ids', () => {
  const app = createApp(stubDependencies());

  it('echoes a plain X-Request-Id', async () => {
    const response = await agent(app).get('/health').set('X-Request-Id', 'abc-123');
    expect(response.headers['x-request-id']).toBe('abc-123');
  });

  it('replaces a missing or unsafe one with a fresh id', async () => {
    const missing = await agent(app).get('/health');
    const unsafe = await agent(app).get('/health').set('X-Request-Id', 'a b\tc<script>');

    expect(missing.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(unsafe.headers['x-request-id']).not.toBe(missing.headers['x-request-id']);
  });
});

describe('body parsing', () => {
  const app = createApp(stubDependencies());

  it('answers 400 MALFORMED_JSON for broken JSON, without echoing it', async () => {
    const response = await agent(app)
      .post('/customers')
      .set('Content-Type', 'application/json')
      .send('{"name": "Ada", "email": secret-token');

    expectProblem(response, 400, 'MALFORMED_JSON');
    expect(response.text).not.toContain('secret-token');
  });

  it.each([['"a string"'], ['42'], ['null']])(
    'answers 400 for a JSON scalar body %s',
    async (raw) => {
      const response = await agent(app)
        .post('/customers')
        .set('Content-Type', 'application/json')
        .send(raw);

      expectProblem(response, 400, 'MALFORMED_JSON');
    },
  );

  it('refuses prototype pollution attempts as malformed', async () => {
    const response = await agent(app)
      .post('/customers')
      .set('Content-Type', 'application/json')
      .send('{"__proto__": {"admin": true}, "name": "Ada", "email": "a@example.com"}');

    expectProblem(response, 400, 'MALFORMED_JSON');
  });

  it.each([
    ['text/plain', 'name=Ada'],
    ['application/x-www-form-urlencoded', 'name=Ada&email=a%40example.com'],
    ['application/xml', '<customer/>'],
  ])('answers 400 UNSUPPORTED_MEDIA_TYPE for a %s body', async (type, raw) => {
    const response = await agent(app).post('/customers').set('Content-Type', type).send(raw);

    expectProblem(response, 400, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 400 UNSUPPORTED_MEDIA_TYPE for a PATCH body without a JSON content type', async () => {
    const response = await agent(app)
      .patch('/products/p-1')
      .set('Content-Type', 'text/plain')
      .send('{"price": 1}');

    expectProblem(response, 400, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 400 UNSUPPORTED_MEDIA_TYPE for an unknown charset', async () => {
    const response = await agent(app)
      .post('/customers')
      .set('Content-Type', 'application/json; charset=klingon')
      .send('{}');

    expectProblem(response, 400, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 400, never 500, for a corrupt compressed body', async () => {
    const response = await agent(app)
      .post('/customers')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send(Buffer.from('not gzip at all'));

    expectProblem(response, 400, 'MALFORMED_JSON');
  });

  it('answers 400 UNSUPPORTED_MEDIA_TYPE for an unknown Content-Encoding', async () => {
    const response = await agent(app)
      .post('/customers')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'compress')
      .send('{}');

    expectProblem(response, 400, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over 1 MiB', async () => {
    const huge = JSON.stringify({ name: 'x'.repeat(1024 * 1024), email: 'a@example.com' });

    const response = await agent(app)
      .post('/customers')
      .set('Content-Type', 'application/json')
      .send(huge);

    expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('parses a body just under 1 MiB (and validates it)', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 - 100), email: 'a@example.com' });

    const response = await agent(app)
      .post('/customers')
      .set('Content-Type', 'application/json')
      .send(big);

    expectProblem(response, 422, 'VALIDATION_FAILED');
    expect(errorPaths(response)).toEqual(['name']);
  });

  it('honours a smaller configured limit', async () => {
    const small = createApp(stubDependencies(), { bodyLimit: '1kb' });

    const response = await agent(small)
      .post('/customers')
      .send({ name: 'x'.repeat(2000), email: 'a@example.com' });

    expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 422 when a JSON body is expected but none is sent', async () => {
    const response = await agent(app).post('/customers');

    expectProblem(response, 422, 'VALIDATION_FAILED');
    expect(response.body.errors).toEqual([{ path: '', message: 'must be a JSON object' }]);
  });
});

describe('unknown routes and methods', () => {
  const app = createApp(stubDependencies());

  it.each([['/nope'], ['/customers/c-1/nope'], ['/orders/o-1/cancel/again'], ['/docs/secret.txt']])(
    'answers 404 ROUTE_NOT_FOUND for GET %s',
    async (path) => {
      expectProblem(await agent(app).get(path), 404, 'ROUTE_NOT_FOUND');
    },
  );

  it('answers 405 with Allow for a known path and a wrong method', async () => {
    const response = await agent(app).delete('/orders/o-1');

    expectProblem(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.allow).toBe('HEAD, GET');
  });

  it('lists every method of a path in Allow', async () => {
    const response = await agent(app).put('/products');

    expectProblem(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.allow?.split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
  });

  it('answers OPTIONS with the allowed methods', async () => {
    const response = await agent(app).options('/orders');

    expect(response.status).toBe(204);
    expect(response.headers.allow).toBe('POST');
  });

  it('answers 404, never 5xx, for ids that cannot exist', async () => {
    for (const id of ['x'.repeat(65), 'a%20b', '%F0%9F%92%A9', 'a.b', '%00']) {
      expectProblem(await agent(app).get(`/orders/${id}`), 404, 'NOT_FOUND');
    }
  });
});
