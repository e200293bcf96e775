import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import request, { type Response } from 'supertest';
import type { HttpDependencies } from '../../src/adapters/http/koa/http-dependencies';
import type { LogFields, Logger } from '../../src/application/ports/logger';
import { AuthenticateCaller } from '../../src/application/access/authenticate-caller';
import { ThrottleRequests } from '../../src/application/access/throttle-requests';
import { JoseTokenVerifier } from '../../src/adapters/auth/jose/jose-token-verifier';
import { silentLogger } from '../support/silent-logger';
import { adminToken, customerToken, TEST_AUTH_SECRET } from '../support/tokens';
import { MemoryMetrics } from '../../src/adapters/metrics/memory/memory-metrics';
import { PrometheusMetrics } from '../../src/adapters/metrics/prometheus/prometheus-metrics';

export type Agent = ReturnType<typeof request.agent>;

/** Requests as an admin, who may do anything and is never rate-limited. */
export function agent(app: Koa): Agent {
  return request.agent(app.callback()).set('Authorization', `Bearer ${adminToken()}`);
}

/** Requests as the customer `id`, with a token of its own. */
export function customerAgent(app: Koa, id: string): Agent {
  return request.agent(app.callback()).set('Authorization', `Bearer ${customerToken(id)}`);
}

/** Requests with no credentials at all. */
export function anonymousAgent(app: Koa): Agent {
  return request.agent(app.callback());
}

/** Asserts an RFC 9457 problem of the contract's shape and returns its body. */
export function expectProblem(response: Response, status: number, code: string) {
  expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    type: `https://docs.order-service.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
  });
  return response.body as {
    detail: string;
    errors?: { path: string; message: string }[];
    [member: string]: unknown;
  };
}

/** The `path`s named by a VALIDATION_FAILED (or similar) problem. */
export function errorPaths(response: Response): string[] {
  return ((response.body.errors ?? []) as { path: string }[]).map((error) => error.path);
}

export async function newCustomer(
  http: Agent,
  fields: { name?: string; email?: string; balance?: number } = {},
) {
  const response = await http
    .post('/customers')
    .send({ name: 'Ada', email: `ada-${randomUUID()}@example.com`, balance: 10_000, ...fields })
    .expect(201);
  return response.body as { id: string; balance: number; email: string };
}

export async function newProduct(
  http: Agent,
  fields: { name?: string; price?: number; stock?: number } = {},
) {
  const response = await http
    .post('/products')
    .send({ name: 'Widget', price: 250, stock: 10, ...fields })
    .expect(201);
  return response.body as { id: string; price: number; stock: number };
}

/** A logger that remembers what it was told, for tests about logging. */
export class RecordingLogger implements Logger {
  readonly lines: { level: string; message: string; fields: LogFields }[] = [];

  info(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'info', message, fields });
  }

  warn(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'warn', message, fields });
  }

  error(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'error', message, fields });
  }
}

/**
 * Dependencies whose use cases all fail loudly unless a test replaces them: for driving the
 * adapter into states the memory profile cannot reach (a database down, a bug).
 */
export function stubDependencies(overrides: Partial<HttpDependencies> = {}): HttpDependencies {
  const unexpected = {
    execute: async () => {
      throw new Error('this use case is not stubbed');
    },
  };
  const stub = <T>(): T => unexpected as unknown as T;
  return {
    authenticateCaller: new AuthenticateCaller(new JoseTokenVerifier({ secret: TEST_AUTH_SECRET })),
    throttleRequests: new ThrottleRequests({ take: async () => null }, new MemoryMetrics()),
    createCustomer: stub(),
    getCustomer: stub(),
    depositFunds: stub(),
    listCustomerOrders: stub(),
    createProduct: stub(),
    getProduct: stub(),
    listProducts: stub(),
    updateProduct: stub(),
    placeOrder: stub(),
    getOrder: stub(),
    requestCancellation: stub(),
    checkReadiness: stub(),
    logger: silentLogger,
    metrics: new PrometheusMetrics(),
    ...overrides,
  };
}

/** A use case whose `execute` always rejects with `error`. */
export function failingWith<T>(error: unknown): T {
  return {
    execute: async () => {
      throw error;
    },
  } as unknown as T;
}
