import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import fc from 'fast-check';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/http-app';
import { operations } from '../support/openapi-document';
import {
  describeExchange,
  responseViolations,
  type Exchange,
} from '../support/response-conformance';
import { adminToken } from '../support/tokens';
import { requestsTo, type Fixtures, type Sent } from './document-requests';

/**
 * Property-based conformance, the role Schemathesis plays elsewhere: requests generated from the
 * document, valid and invalid, sent to the service on the memory profile. Every answer must be
 * one the document describes; a request the document accepts must never be refused as invalid
 * (nor fail); one it refuses must never be accepted (nor fail). Fixed with FC_SEED.
 */

const SEED = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.CONFORMANCE_RUNS ?? 120);

async function send(server: Server, sent: Sent): Promise<Exchange> {
  const verb = sent.method.toLowerCase() as 'get' | 'post' | 'patch';
  let call = request(server)[verb](sent.url);
  for (const [name, value] of Object.entries(sent.headers)) call = call.set(name, value);
  if (sent.body) call = call.set('Content-Type', sent.body.type).send(sent.body.text);
  const response = await call.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
  return {
    request: { method: sent.method, url: sent.url },
    status: response.status,
    headers: response.headers as Exchange['headers'],
    body: response.body as Buffer,
  };
}

function verdict(sent: Sent, answer: Exchange): string[] {
  const problems = responseViolations(answer);
  let code: unknown;
  try {
    code = (JSON.parse(answer.body?.toString() ?? 'null') as { code?: unknown } | null)?.code;
  } catch {
    // Not JSON: responseViolations has said so.
  }
  if (sent.refused === null && (code === 'VALIDATION_FAILED' || answer.status === 400)) {
    problems.push('a request the document accepts was refused as invalid');
  }
  if (sent.refused !== null && answer.status < 400) {
    problems.push(`a request whose ${sent.refused} the document refuses was accepted`);
  }
  if (answer.status >= 500) problems.push('a 5xx');
  return problems;
}

describe(`requests generated from the document (seed ${SEED}, ${RUNS} runs per operation)`, () => {
  let testApp: TestApp;
  let server: Server;
  const fixtures: Fixtures = {
    ids: { customers: [], products: [], orders: [] },
    customerId: '',
    cursors: [],
  };

  beforeAll(async () => {
    testApp = await createTestApp();
    server = createServer(testApp.app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const admin = request.agent(server).set('Authorization', `Bearer ${adminToken()}`);
    for (let i = 0; i < 3; i += 1) {
      const customer = await admin
        .post('/customers')
        .send({ name: 'Fixture', email: `fixture-${randomUUID()}@example.com`, balance: 100_000 });
      const product = await admin.post('/products').send({ name: 'Fixture', price: 1, stock: 1e9 });
      fixtures.ids.customers.push(customer.body.id);
      fixtures.ids.products.push(product.body.id);
    }
    fixtures.customerId = fixtures.ids.customers[0] as string;
    // Two orders, so that a page of one has a next page.
    for (const productId of fixtures.ids.products.slice(0, 2)) {
      const order = await admin
        .post('/orders')
        .send({ customerId: fixtures.customerId, items: [{ productId, quantity: 1 }] });
      fixtures.ids.orders.push(order.body.id);
    }
    const products = await admin.get('/products?limit=1');
    const orders = await admin.get(`/customers/${fixtures.customerId}/orders?limit=1`);
    fixtures.cursors.push(products.body.nextCursor, orders.body.nextCursor);
    expect(fixtures.cursors.every((cursor) => typeof cursor === 'string')).toBe(true);
  });

  afterAll(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await testApp?.close();
  });

  it.each(operations().map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    '%s answers as the document says',
    async (_name, op) => {
      await fc.assert(
        fc.asyncProperty(requestsTo(op, fixtures), async (sent) => {
          const answer = await send(server, sent);
          const problems = verdict(sent, answer);
          if (problems.length > 0) {
            throw new Error(
              `${describeExchange(answer)}\n  headers sent: ${JSON.stringify(sent.headers)}\n` +
                `  body sent: ${sent.body?.text.slice(0, 300) ?? '(none)'}\n  ` +
                problems.join('\n  '),
            );
          }
        }),
        { numRuns: RUNS, seed: SEED },
      );
    },
  );
});
