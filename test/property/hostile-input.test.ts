import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import request from 'supertest';
import { answerUnparsableRequests } from '../../src/adapters/http/koa/unparsable-requests';
import { eventually } from '../support/eventually';
import { expectRawAnswerDescribed } from '../support/response-conformance';
import { createTestApp, type TestApp } from '../support/http-app';
import { createTestDatabase, type TestDatabase } from '../support/mysql';
import { adminToken, customerToken, signTestToken } from '../support/tokens';
import {
  bodyBytes,
  contentEncoding,
  contentType,
  headerValue,
  hostileString,
  hostileValue,
  mutatedObject,
  nastyAmount,
  nastyEmail,
  nastyName,
  objectText,
  pathSegment,
  queryString,
  rawHttpRequest,
} from './hostile-arbitraries';

/**
 * Bad input never produces a 5xx, never hangs, and every 4xx is an RFC 9457 problem document:
 * generated malformed requests at every endpoint of the contract, on the memory profile (many
 * runs) and on MySQL (fewer runs: the database is where odd bytes would turn into 500s).
 */

const SEED = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const MEMORY_RUNS = Number(process.env.HOSTILE_MEMORY_RUNS ?? 300);
const MYSQL_RUNS = Number(process.env.HOSTILE_MYSQL_RUNS ?? 60);
/** A request that takes this long is a hang; the contract wants an answer. */
const ANSWER_DEADLINE_MS = 10_000;

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'OPTIONS' | 'HEAD';

interface HostileRequest {
  method: Method;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface Seeds {
  customerIds: string[];
  productIds: string[];
  orderIds: string[];
}

type BodyKind = 'customer' | 'deposit' | 'product' | 'patch' | 'order';

interface EndpointSpec {
  name: string;
  method: Method;
  /** `{id}` is replaced by a segment made from the ids of `ids`. */
  path: string;
  ids?: keyof Seeds;
  body?: BodyKind;
  query?: boolean;
}

/** Every endpoint of the contract (API.md). */
const ENDPOINTS: EndpointSpec[] = [
  { name: 'GET /health', method: 'GET', path: '/health' },
  { name: 'GET /ready', method: 'GET', path: '/ready' },
  { name: 'POST /customers', method: 'POST', path: '/customers', body: 'customer' },
  { name: 'GET /customers/:id', method: 'GET', path: '/customers/{id}', ids: 'customerIds' },
  {
    name: 'POST /customers/:id/deposits',
    method: 'POST',
    path: '/customers/{id}/deposits',
    ids: 'customerIds',
    body: 'deposit',
  },
  {
    name: 'GET /customers/:id/orders',
    method: 'GET',
    path: '/customers/{id}/orders',
    ids: 'customerIds',
    query: true,
  },
  { name: 'POST /products', method: 'POST', path: '/products', body: 'product' },
  { name: 'GET /products', method: 'GET', path: '/products', query: true },
  { name: 'GET /products/:id', method: 'GET', path: '/products/{id}', ids: 'productIds' },
  {
    name: 'PATCH /products/:id',
    method: 'PATCH',
    path: '/products/{id}',
    ids: 'productIds',
    body: 'patch',
  },
  { name: 'POST /orders', method: 'POST', path: '/orders', body: 'order' },
  { name: 'GET /orders/:id', method: 'GET', path: '/orders/{id}', ids: 'orderIds' },
  {
    name: 'POST /orders/:id/cancel',
    method: 'POST',
    path: '/orders/{id}/cancel',
    ids: 'orderIds',
  },
];

const json = (value: unknown) => JSON.stringify(value);

function structuredBody(kind: BodyKind, seeds: Seeds): fc.Arbitrary<string> {
  const pick = (ids: string[]) => fc.constantFrom(...ids).map(json);
  switch (kind) {
    case 'customer':
      return mutatedObject({ name: nastyName, email: nastyEmail, balance: nastyAmount(0) });
    case 'deposit':
      return mutatedObject({ amount: nastyAmount(1) });
    case 'product':
    case 'patch':
      return mutatedObject({ name: nastyName, price: nastyAmount(0), stock: nastyAmount(0) });
    case 'order': {
      const line = mutatedObject({
        productId: pick(seeds.productIds),
        quantity: fc.integer({ min: 1, max: 1000 }).map(String),
      });
      const fairLines = fc
        .shuffledSubarray(seeds.productIds, { minLength: 1 })
        .chain((ids) =>
          fc.tuple(
            ...ids.map((id) => fc.integer({ min: 1, max: 1000 }).map((q) => [id, q] as const)),
          ),
        )
        .map((lines) => json(lines.map(([productId, quantity]) => ({ productId, quantity }))));
      const items = fc.oneof(
        { weight: 4, arbitrary: fairLines },
        { weight: 3, arbitrary: fc.array(line, { maxLength: 4 }).map((l) => `[${l.join(',')}]`) },
        // The same product twice, and a list over the limit of 100 items.
        {
          weight: 1,
          arbitrary: fc
            .tuple(fc.constantFrom(...seeds.productIds), fc.integer({ min: 2, max: 101 }))
            .map(([id, count]) =>
              json(Array.from({ length: count }, () => ({ productId: id, quantity: 1 }))),
            ),
        },
        { weight: 1, arbitrary: hostileValue },
      );
      return mutatedObject({
        customerId: fc.oneof({ weight: 4, arbitrary: pick(seeds.customerIds) }, hostileString),
        items,
      });
    }
  }
}

/**
 * Mostly an admin's token, so that the checks behind authentication are reached; else a
 * customer's, none, or one forged in each way a token can be wrong.
 */
function authorization(seeds: Seeds): fc.Arbitrary<string | undefined> {
  const now = Math.floor(Date.now() / 1000);
  const forged = fc.oneof(
    fc.constant(
      signTestToken(
        { sub: 'x', role: 'admin', exp: now + 60 },
        { secret: 'another-secret-of-32-characters-or-more' },
      ),
    ),
    fc.constant(
      signTestToken({ sub: 'x', role: 'admin', exp: now + 60 }, { header: { alg: 'none' } }),
    ),
    fc.constant(signTestToken({ sub: 'x', role: 'admin', exp: now - 3600 })),
    fc.constant(signTestToken({ sub: 'x', role: 'admin' })),
    fc.constant(signTestToken({ sub: 'x', role: 'root', exp: now + 60 })),
    fc.constant(signTestToken({ role: 'customer', exp: now + 60 })),
    hostileString.map(
      (claims) =>
        `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(claims).toString('base64url')}.x`,
    ),
    headerValue(200),
  );
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(`Bearer ${adminToken()}`) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...seeds.customerIds).map((id) => `Bearer ${customerToken(id)}`),
    },
    { weight: 2, arbitrary: forged.map((token) => `Bearer ${token}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const optionalHeader = (value: fc.Arbitrary<string>, weightOfAbsent = 2) =>
  fc.oneof(
    { weight: weightOfAbsent, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: value },
  );

function requestsTo(endpoint: EndpointSpec, seeds: Seeds): fc.Arbitrary<HostileRequest> {
  const segment = endpoint.ids ? pathSegment(seeds[endpoint.ids]) : fc.constant('');
  const query = endpoint.query
    ? queryString
    : fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: queryString });
  const body = endpoint.body
    ? fc.option(bodyBytes(structuredBody(endpoint.body, seeds)), { freq: 8 })
    : fc.option(bodyBytes(hostileValue), { freq: 3 });
  return fc
    .record({
      segment,
      query,
      body,
      type: contentType,
      encoding: contentEncoding,
      idempotencyKey: optionalHeader(headerValue(300), endpoint.body === 'order' ? 1 : 3),
      requestId: optionalHeader(headerValue(200)),
      accept: optionalHeader(headerValue(60), 6),
      auth: authorization(seeds),
    })
    .map(
      ({
        segment: id,
        query: q,
        body: b,
        type,
        encoding,
        idempotencyKey,
        requestId,
        accept,
        auth,
      }) => {
        const headers: Record<string, string> = {};
        if (auth !== undefined) headers['Authorization'] = auth;
        if (b !== null && type !== undefined) headers['Content-Type'] = type;
        if (b !== null && encoding !== undefined) headers['Content-Encoding'] = encoding;
        if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;
        if (requestId !== undefined) headers['X-Request-Id'] = requestId;
        if (accept !== undefined) headers['Accept'] = accept;
        return {
          method: endpoint.method,
          path: endpoint.path.replace('{id}', id) + q,
          headers,
          ...(b === null ? {} : { body: b }),
        };
      },
    );
}

/** Any method on any path, most of which no route answers. */
function strayRequests(seeds: Seeds): fc.Arbitrary<HostileRequest> {
  const all = [...seeds.customerIds, ...seeds.productIds, ...seeds.orderIds];
  const segment = fc.oneof(
    fc.constantFrom(
      'customers',
      'products',
      'orders',
      'deposits',
      'cancel',
      'docs',
      'openapi.json',
    ),
    pathSegment(all),
  );
  return fc
    .record({
      method: fc.constantFrom<Method>('GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS', 'HEAD'),
      segments: fc.array(segment, { minLength: 0, maxLength: 5 }),
      trailingSlash: fc.boolean(),
      query: queryString,
      body: fc.option(bodyBytes(hostileValue), { freq: 2 }),
      type: contentType,
      auth: authorization(seeds),
    })
    .map(({ method, segments, trailingSlash, query, body, type, auth }): HostileRequest => {
      const sent = body !== null && method !== 'GET' && method !== 'HEAD';
      const headers: Record<string, string> = auth === undefined ? {} : { Authorization: auth };
      if (sent && type !== undefined) headers['Content-Type'] = type;
      return {
        method,
        path: `/${segments.join('/')}${trailingSlash ? '/' : ''}${query}`,
        headers,
        ...(sent ? { body } : {}),
      };
    });
}

function describeRequest(req: HostileRequest): string {
  const clip = (text: string) =>
    text.length > 300 ? `${text.slice(0, 300)}…(${text.length})` : text;
  const body = req.body ? clip(req.body.toString('utf8')) : '(none)';
  return `${req.method} ${clip(req.path)} headers=${clip(JSON.stringify(req.headers))} body=${body}`;
}

type Answer = { status: number; headers: Record<string, string>; text: string };

async function send(server: Server, req: HostileRequest): Promise<Answer> {
  const agent = request(server);
  const verb = req.method.toLowerCase() as
    'get' | 'post' | 'patch' | 'put' | 'delete' | 'options' | 'head';
  let test = agent[verb](req.path).timeout({ deadline: ANSWER_DEADLINE_MS });
  for (const [name, value] of Object.entries(req.headers)) test = test.set(name, value);
  // Raw bytes, whatever the content type says: superagent would serialise a Buffer as JSON.
  // (The typings want a string; Node's request takes the Buffer as it is.)
  if (req.body) test = test.serialize((bytes: Buffer) => bytes as unknown as string).send(req.body);
  // supertest buffers and parses by content type; the raw text is what the check needs.
  const response = await test.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
  });
  return { status: response.status, headers: response.headers, text: response.body as string };
}

/** The contract's promise for bad input: never a 5xx, and every 4xx a problem document. */
function checkAnswer(req: HostileRequest, answer: Answer): void {
  const where = () => `${describeRequest(req)}\n→ ${answer.status} ${answer.text.slice(0, 500)}`;
  // Readiness answers 503 when a dependency is slow to answer: that is health, not input.
  const unready = /^\/ready(\?|$)/.test(req.path) && answer.status === 503;
  if (answer.status >= 500 && !unready) throw new Error(`5xx for bad input: ${where()}`);
  // Whatever the client sent as X-Request-Id, what comes back is safe to log and to echo.
  const requestId = answer.headers['x-request-id'];
  if (requestId !== undefined && !/^[A-Za-z0-9._:-]{1,128}$/.test(requestId)) {
    throw new Error(`an unsafe X-Request-Id came back: ${where()}`);
  }
  if (answer.status < 400) return;
  if (!/^application\/problem\+json/.test(answer.headers['content-type'] ?? '')) {
    throw new Error(`a ${answer.status} that is not problem+json: ${where()}`);
  }
  if (req.method === 'HEAD') return;
  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    throw new Error(`a problem body that is not JSON: ${where()}`);
  }
  const strings = ['type', 'title', 'detail', 'code'].filter((m) => typeof problem[m] !== 'string');
  if (strings.length > 0 || problem.status !== answer.status) {
    throw new Error(`a malformed problem document (${strings.join(', ')}): ${where()}`);
  }
  const errors = problem.errors;
  if (
    errors !== undefined &&
    !(
      Array.isArray(errors) &&
      errors.every(
        (e: { path?: unknown; message?: unknown }) =>
          typeof e.path === 'string' && typeof e.message === 'string',
      )
    )
  ) {
    throw new Error(`malformed problem errors: ${where()}`);
  }
}

/** The first response in `raw`, once all of it (head and Content-Length body) has arrived. */
function firstResponse(raw: Buffer): Answer | null {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const [statusLine = '', ...lines] = raw.subarray(0, headEnd).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  const body = raw.subarray(headEnd + 4);
  const length = Number(headers['content-length'] ?? 0);
  if (body.length < length) return null;
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  return { status, headers, text: body.subarray(0, length).toString('utf8') };
}

/**
 * Writes raw bytes and reads the first response off the wire. The connection stays open for
 * writing, as a real client's does: Node drops a request whose client half-closes early.
 */
function sendRaw(server: Server, bytes: Buffer): Promise<Answer> {
  const { port } = server.address() as { port: number };
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let received = Buffer.alloc(0);
    const settle = (outcome: Answer | Error) => {
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else if (outcome.status === 0) reject(new Error('the answer is not an HTTP/1.x response'));
      else resolve(outcome);
    };
    socket.setTimeout(ANSWER_DEADLINE_MS, () =>
      settle(new Error(`no answer within ${ANSWER_DEADLINE_MS} ms`)),
    );
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const answer = firstResponse(received);
      if (answer) settle(answer);
    });
    socket.on('error', (error) => settle(error));
    socket.on('close', () => {
      const raw = JSON.stringify(received.toString('latin1').slice(0, 200));
      settle(firstResponse(received) ?? new Error(`no complete HTTP response: ${raw}`));
    });
  });
}

/** A customer, products and orders that ids and bodies can name, made over HTTP. */
async function seed(server: Server): Promise<Seeds> {
  const http = request.agent(server).set('Authorization', `Bearer ${adminToken()}`);
  const customerIds: string[] = [];
  const productIds: string[] = [];
  for (let i = 0; i < 3; i += 1) {
    const customer = await http
      .post('/customers')
      .send({ name: 'Target', email: `hostile-${randomUUID()}@example.com`, balance: 1_000_000 })
      .expect(201);
    customerIds.push(customer.body.id);
    const product = await http
      .post('/products')
      .send({ name: 'Target', price: 100, stock: 1_000_000 })
      .expect(201);
    productIds.push(product.body.id);
  }
  const orderIds: string[] = [];
  for (const customerId of customerIds) {
    const order = await http
      .post('/orders')
      .send({ customerId, items: [{ productId: productIds[0], quantity: 1 }] })
      .expect(202);
    orderIds.push(order.body.id);
  }
  return { customerIds, productIds, orderIds };
}

function hostileSuite(profile: string, runs: number, env: () => Promise<Record<string, string>>) {
  describe(`hostile input on the ${profile} profile (seed ${SEED}, ${runs} runs per endpoint)`, () => {
    let app: TestApp;
    let server: Server;
    let seeds: Seeds;

    beforeAll(async () => {
      app = await createTestApp(await env());
      server = createServer(app.app.callback());
      answerUnparsableRequests(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      seeds = await seed(server);
    });

    afterAll(async () => {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await app?.close();
    });

    const property = (arbitrary: fc.Arbitrary<HostileRequest>) =>
      fc.assert(
        fc.asyncProperty(arbitrary, async (req) => checkAnswer(req, await send(server, req))),
        { numRuns: runs, seed: SEED },
      );

    it.each(ENDPOINTS.map((endpoint) => [endpoint.name, endpoint]))(
      '%s',
      async (_name, endpoint) => {
        await property(requestsTo(endpoint, seeds));
      },
    );

    it('any method on any path', async () => {
      await property(strayRequests(seeds));
    });

    it("requests only Node's HTTP parser sees", async () => {
      const paths = ENDPOINTS.map((endpoint) =>
        endpoint.path.replace('{id}', seeds[endpoint.ids ?? 'customerIds'][0] as string),
      );
      await fc.assert(
        fc.asyncProperty(rawHttpRequest(paths), async (bytes) => {
          const req: HostileRequest = { method: 'GET', path: '(raw)', headers: {}, body: bytes };
          const answer = await sendRaw(server, bytes);
          checkAnswer(req, answer);
          expectRawAnswerDescribed(bytes, { ...answer, body: Buffer.from(answer.text, 'utf8') });
        }),
        { numRuns: runs, seed: SEED },
      );
    });

    it('every order accepted along the way settles', async () => {
      const http = request.agent(server).set('Authorization', `Bearer ${adminToken()}`);
      const ids: string[] = [];
      for (const customerId of seeds.customerIds) {
        let cursor: string | null = null;
        do {
          const query: string = cursor ? `&cursor=${cursor}` : '';
          const page = await http
            .get(`/customers/${customerId}/orders?limit=100${query}`)
            .expect(200);
          ids.push(...page.body.data.map((order: { id: string }) => order.id));
          cursor = page.body.nextCursor;
        } while (cursor);
      }
      expect(ids.length).toBeGreaterThan(0);
      await eventually(
        async () => {
          for (const id of ids) {
            const order = await http.get(`/orders/${id}`).expect(200);
            expect({ id, status: order.body.status }).not.toEqual({ id, status: 'PENDING' });
          }
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
    });

    it('a body hostile in every field at once is refused with a problem', async () => {
      const body = objectText([
        ['name', JSON.stringify('\u0000\ud800😀')],
        ['email', JSON.stringify('a\u0000@example.com')],
        ['balance', '1e400'],
        ['__proto__', '{"admin":true}'],
      ]);
      const req: HostileRequest = {
        method: 'POST',
        path: '/customers',
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from(body, 'utf8'),
      };
      const answer = await send(server, req);
      checkAnswer(req, answer);
      expect(answer.status).toBeGreaterThanOrEqual(400);
    });
  });
}

hostileSuite('memory', MEMORY_RUNS, async () => ({}));

let database: TestDatabase | undefined;
hostileSuite('MySQL', MYSQL_RUNS, async () => {
  database = await createTestDatabase('hostile_input');
  return { DATABASE_URL: database.url, DB_POOL_SIZE: '4' };
});
afterAll(async () => {
  await database?.drop();
});
