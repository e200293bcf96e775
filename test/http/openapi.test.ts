import { createApp } from '../../src/adapters/http/koa/create-app';
import { FAILURE_REASONS } from '../../src/domain/order/order';
import { ERROR_CODES } from '../../src/domain/shared/error-codes';
import { z } from '../../src/adapters/http/koa/zod';
import { agent, errorPaths, expectProblem, stubDependencies } from './http-kit';

/** Every route of /work/shared/API.md. */
const CONTRACT_ROUTES = [
  'get /health',
  'get /ready',
  'get /metrics',
  'post /customers',
  'get /customers/{id}',
  'post /customers/{id}/deposits',
  'get /customers/{id}/orders',
  'post /products',
  'get /products',
  'get /products/{id}',
  'patch /products/{id}',
  'post /orders',
  'get /orders/{id}',
  'post /orders/{id}/cancel',
];

interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; schema?: object }[];
  requestBody?: unknown;
  responses: Record<
    string,
    { description?: string; headers?: Record<string, unknown>; content?: object }
  >;
}
interface Schema {
  required?: string[];
  pattern?: string;
  properties?: Record<string, Schema>;
}
type Document = {
  openapi: string;
  servers?: { url: string }[];
  security?: Record<string, string[]>[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { enum?: string[] }>;
    securitySchemes?: Record<string, unknown>;
  };
};

const app = createApp(stubDependencies());
let document: Document;

beforeAll(async () => {
  const response = await agent(app).get('/openapi.json').expect(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  document = response.body as Document;
});

function operations(): [string, string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, string, Operation] => [
      method,
      path,
      operation,
    ]),
  );
}

/** The contract's public endpoints; every other one takes a bearer token. */
const PUBLIC_ROUTES = [
  'get /health',
  'get /ready',
  'get /metrics',
  'get /products',
  'get /products/{id}',
];

describe('/openapi.json', () => {
  it('declares the bearer scheme, and which operations need it (the Authorize button of /docs)', () => {
    expect(document.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    });
    for (const [method, path, operation] of operations()) {
      const route = `${method} ${path}`;
      const needsToken = !PUBLIC_ROUTES.includes(route);
      expect({ route, security: operation.security }).toEqual({
        route,
        security: needsToken ? [{ bearerAuth: [] }] : [],
      });
      expect({ route, declares401: '401' in operation.responses }).toEqual({
        route,
        declares401: needsToken,
      });
    }
  });

  it('is an OpenAPI 3.1 document with exactly the routes of the contract', () => {
    expect(document.openapi).toBe('3.1.0');
    const documented = operations().map(([method, path]) => `${method} ${path}`);
    expect(documented.sort()).toEqual([...CONTRACT_ROUTES].sort());
  });

  it('resolves every $ref to a component', () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)];
    expect(refs.length).toBeGreaterThan(0);
    for (const [, name] of refs) expect(document.components.schemas).toHaveProperty(name as string);
  });

  it('lists every error code and every failure reason', () => {
    expect(document.components.schemas.ErrorCode?.enum).toEqual(
      expect.arrayContaining([...ERROR_CODES]),
    );
    expect(document.components.schemas.FailureReason?.enum).toEqual([...FAILURE_REASONS]);
  });

  it('documents AMOUNT_TOO_LARGE where a total can pass 2^53 - 1: deposits and stock changes', () => {
    const unprocessable = (path: string, method: string) =>
      document.paths[path]?.[method]?.responses['422']?.description;
    expect(unprocessable('/customers/{id}/deposits', 'post')).toContain('AMOUNT_TOO_LARGE');
    expect(unprocessable('/products/{id}', 'patch')).toContain('AMOUNT_TOO_LARGE');
  });

  it('documents OVERLOADED with Retry-After on every route but /health, /ready and /metrics', () => {
    for (const [method, path, operation] of operations()) {
      if (['/health', '/ready', '/metrics'].includes(path)) continue;
      const unavailable = operation.responses['503'];
      expect({ route: `${method} ${path}`, description: unavailable?.description }).toEqual({
        route: `${method} ${path}`,
        description: expect.stringContaining('OVERLOADED'),
      });
      expect(unavailable?.headers).toHaveProperty('Retry-After');
    }
  });

  it('documents problem responses, the body, and the headers of the contract', () => {
    for (const [method, path, operation] of operations()) {
      expect({ route: `${method} ${path}`, has500: '500' in operation.responses }).toEqual({
        route: `${method} ${path}`,
        has500: true,
      });
    }
    const withBody = operations().filter(([, , operation]) => operation.requestBody);
    expect(withBody.map(([method, path]) => `${method} ${path}`).sort()).toEqual(
      [
        'post /customers',
        'post /customers/{id}/deposits',
        'post /products',
        'patch /products/{id}',
        'post /orders',
      ].sort(),
    );
    const placeOrder = document.paths['/orders']?.post as Operation;
    expect(placeOrder.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }),
    );
    expect(Object.keys(placeOrder.responses).sort()).toEqual(
      ['202', '400', '401', '403', '408', '413', '422', '429', '431', '500', '503'].sort(),
    );
    expect(placeOrder.responses['202']?.headers).toHaveProperty('Location');
    expect(placeOrder.responses['202']?.headers).toHaveProperty('Idempotent-Replayed');
    expect(placeOrder.responses['503']?.headers).toHaveProperty('Retry-After');
    expect(placeOrder.responses['422']?.content).toHaveProperty(['application/problem+json']);
    expect(document.paths['/orders/{id}/cancel']?.post?.responses).toHaveProperty('409');
    expect(document.paths['/customers']?.post?.responses['201']?.headers).toHaveProperty(
      'Location',
    );
    expect(document.paths['/products']?.get?.parameters?.map((p) => p.name).sort()).toEqual([
      'cursor',
      'limit',
    ]);
    expect(document.paths['/products']?.get?.parameters).toContainEqual(
      expect.objectContaining({
        name: 'limit',
        in: 'query',
        schema: expect.objectContaining({ type: 'integer', minimum: 1, maximum: 100, default: 20 }),
      }),
    );
  });
});

describe('what a strict client reads in the document is what the service does', () => {
  const schemas = () => document.components.schemas as Record<string, Schema>;

  it('an id in the URL is any string: one that names nothing answers the declared 404', async () => {
    for (const [method, path, operation] of operations()) {
      const id = operation.parameters?.find((p) => p.in === 'path');
      if (!id) continue;
      expect({ route: `${method} ${path}`, schema: id.schema }).toEqual({
        route: `${method} ${path}`,
        schema: { type: 'string', example: expect.any(String) },
      });
      expect(operation.responses).toHaveProperty('404');
    }
    expectProblem(await agent(app).get('/products/abc.def'), 404, 'NOT_FOUND');
  });

  it('an email is the pattern the service checks, not a `format` each validator reads its own way', async () => {
    const email = schemas().CreateCustomer?.properties?.email;
    expect(email).not.toHaveProperty('format');
    expect(email?.pattern).toBe(z.regexes.email.source);
    expect(new RegExp(email?.pattern ?? '', 'u').test('a@b.c')).toBe(false);

    const response = await agent(app).post('/customers').send({ name: 'Ada', email: 'a@b.c' });

    expectProblem(response, 422, 'VALIDATION_FAILED');
    expect(errorPaths(response)).toEqual(['email']);
  });

  it('an opening balance may be left out: it is neither required nor given a default', () => {
    const createCustomer = schemas().CreateCustomer;
    expect(createCustomer?.required).not.toContain('balance');
    expect(createCustomer?.properties?.balance).not.toHaveProperty('default');
  });

  it('names its server and its default security; public reads opt out', () => {
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(document.security).toEqual([{ bearerAuth: [] }]);
  });

  it('declares the refusals any request can meet on every operation: 400, 408, 413, 431', () => {
    for (const [method, path, operation] of operations()) {
      expect({ route: `${method} ${path}`, statuses: Object.keys(operation.responses) }).toEqual({
        route: `${method} ${path}`,
        statuses: expect.arrayContaining(['400', '408', '413', '431', '500']),
      });
    }
  });
});

describe('docs and routes cannot drift', () => {
  const sample = (path: string) => path.replace(/\{\w+\}/g, 'drift-check-id');

  it('every documented operation is answered by a route', async () => {
    for (const [method, path] of operations()) {
      const call = agent(app)[method as 'get' | 'post' | 'patch'](sample(path));
      const response = method === 'get' ? await call : await call.send({});
      expect({ route: `${method} ${path}`, code: response.body.code }).not.toEqual({
        route: `${method} ${path}`,
        code: expect.stringMatching(/^(ROUTE_NOT_FOUND|METHOD_NOT_ALLOWED)$/),
      });
    }
  });

  it('a documented path takes no method the document does not list', async () => {
    for (const [path, item] of Object.entries(document.paths)) {
      const response = await agent(app).options(sample(path));
      const allowed = (response.headers.allow ?? '').split(', ').filter((m) => m !== 'HEAD');
      expect({ path, allowed: allowed.sort() }).toEqual({
        path,
        allowed: Object.keys(item)
          .map((m) => m.toUpperCase())
          .sort(),
      });
    }
  });
});

describe('/docs', () => {
  it('serves an HTML viewer pointing at /openapi.json', async () => {
    for (const path of ['/docs', '/docs/']) {
      const response = await agent(app).get(path).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.text).toContain('swagger-ui-bundle.js');
    }
    const initializer = await agent(app).get('/docs/initializer.js').expect(200);
    expect(initializer.text).toContain("'/openapi.json'");
  });

  it('serves the bundled assets from swagger-ui-dist, no CDN', async () => {
    const index = await agent(app).get('/docs');
    expect(index.text).not.toMatch(/https?:\/\//);
    const script = await agent(app).get('/docs/swagger-ui-bundle.js').expect(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(Number(script.headers['content-length'] ?? script.text.length)).toBeGreaterThan(1000);
    const css = await agent(app).get('/docs/swagger-ui.css').expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it('serves nothing else from the file system', async () => {
    for (const path of ['/docs/package.json', '/docs/..%2Fpackage.json', '/docs/%2e%2e%2f']) {
      expect((await agent(app).get(path)).status).toBe(404);
    }
  });
});
