import { responseViolations, type Exchange } from '../support/response-conformance';

/**
 * The check every HTTP and end-to-end test runs on the answers it gets
 * (test/support/every-answer-described.ts): what it must let through, and answers the document
 * does not describe, each of which it must refuse.
 */

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
const AT = '2025-01-31T12:00:00.000Z';
const PRODUCT = { id: 'p-1', name: 'Lamp', price: 2500, stock: 3, createdAt: AT, updatedAt: AT };
const JSON_TYPE = 'application/json; charset=utf-8';
const PROBLEM_TYPE = 'application/problem+json';

function problem(code: string, status: number) {
  const type = `https://docs.order-service.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`;
  return { type, title: 'Title', status, detail: 'Detail', code };
}

const readProduct: Exchange = {
  request: { method: 'GET', url: '/products/p-1?x=1' },
  status: 200,
  headers: { 'content-type': JSON_TYPE, 'x-request-id': 'r-1' },
  body: json(PRODUCT),
};

const completedOrder = {
  id: 'o-1',
  status: 'COMPLETED',
  customerId: 'c-1',
  items: [{ productId: 'p-1', quantity: 2, unitPrice: 100 }],
  total: 200,
  failureReason: null,
  createdAt: AT,
  updatedAt: AT,
};

const readOrder: Exchange = {
  request: { method: 'GET', url: '/orders/o-1' },
  status: 200,
  headers: { 'content-type': JSON_TYPE, 'x-request-id': 'r-1' },
  body: json(completedOrder),
};

const overloaded: Exchange = {
  request: { method: 'GET', url: '/products' },
  status: 503,
  headers: { 'content-type': PROBLEM_TYPE, 'x-request-id': 'r-1', 'retry-after': '1' },
  body: json(problem('OVERLOADED', 503)),
};

describe('an answer the document describes', () => {
  it.each<[string, Exchange]>([
    ['a product read', readProduct],
    ['a completed order', readOrder],
    ['a 503 with Retry-After', overloaded],
    [
      'a HEAD of a read, without a body',
      { ...readProduct, request: { method: 'HEAD', url: '/products/p-1' }, body: null },
    ],
    [
      'an unknown route answered 404 ROUTE_NOT_FOUND',
      {
        request: { method: 'GET', url: '/nowhere' },
        status: 404,
        headers: { 'content-type': PROBLEM_TYPE, 'x-request-id': 'r-1' },
        body: json(problem('ROUTE_NOT_FOUND', 404)),
      },
    ],
    [
      'a method the path does not take, with the Allow it does take',
      {
        request: { method: 'DELETE', url: '/orders/o-1' },
        status: 405,
        headers: { 'content-type': PROBLEM_TYPE, 'x-request-id': 'r-1', allow: 'GET, HEAD' },
        body: json(problem('METHOD_NOT_ALLOWED', 405)),
      },
    ],
  ])('passes: %s', (_name, exchange) => {
    expect(responseViolations(exchange)).toEqual([]);
  });
});

describe('an answer the document does not describe', () => {
  it.each<[string, Exchange, string]>([
    ['an undeclared status', { ...readProduct, status: 409 }, '409 is not a declared response'],
    [
      'an undeclared content type',
      { ...readProduct, headers: { ...readProduct.headers, 'content-type': 'text/plain' } },
      'content type "text/plain" is not declared',
    ],
    [
      'a price that is a string',
      { ...readProduct, body: json({ ...PRODUCT, price: '2500' }) },
      '/price must be integer',
    ],
    [
      'a price past 2^53 - 1',
      { ...readProduct, body: json({ ...PRODUCT, price: 2 ** 53 }) },
      '/price must be <= 9007199254740991',
    ],
    [
      'a missing field',
      { ...readProduct, body: json({ ...PRODUCT, stock: undefined }) },
      "must have required property 'stock'",
    ],
    [
      'a COMPLETED order without a total',
      { ...readOrder, body: json({ ...completedOrder, total: null }) },
      'the body does not match its schema',
    ],
    [
      'no X-Request-Id',
      { ...readProduct, headers: { 'content-type': JSON_TYPE } },
      'the required header X-Request-Id is missing',
    ],
    [
      'a Location the response does not declare',
      { ...readProduct, headers: { ...readProduct.headers, location: '/products/p-1' } },
      'header location is sent but not declared',
    ],
    [
      'a Retry-After that is not a number of seconds',
      { ...overloaded, headers: { ...overloaded.headers, 'retry-after': 'soon' } },
      'header Retry-After: "soon" does not match its schema',
    ],
    [
      'a 503 without Retry-After',
      { ...overloaded, headers: { 'content-type': PROBLEM_TYPE, 'x-request-id': 'r-1' } },
      'the required header Retry-After is missing',
    ],
    [
      'a problem whose status is not the answer’s',
      { ...overloaded, body: json(problem('OVERLOADED', 500)) },
      'a problem whose status 500 is not the answer',
    ],
    [
      'a code the problem schema does not list',
      { ...overloaded, body: json(problem('SLOW_DOWN', 503)) },
      '/code must be equal to one of the allowed values',
    ],
    [
      'a route outside the document that answers 200',
      { ...readProduct, request: { method: 'GET', url: '/admin/products' } },
      'a 200 outside the document that is not a problem document',
    ],
    [
      'a 405 whose Allow is not what the path takes',
      {
        request: { method: 'DELETE', url: '/orders/o-1' },
        status: 405,
        headers: { 'content-type': PROBLEM_TYPE, 'x-request-id': 'r-1', allow: 'GET, POST' },
        body: json(problem('METHOD_NOT_ALLOWED', 405)),
      },
      'Allow "GET, POST" is not what the path takes',
    ],
    [
      'a refusal of an unparsable request with a code no such request can get',
      {
        request: null,
        status: 404,
        headers: { 'content-type': PROBLEM_TYPE, 'x-request-id': 'r-1' },
        body: json(problem('NOT_FOUND', 404)),
      },
      'code NOT_FOUND is not one of',
    ],
  ])('fails: %s', (_name, exchange, expected) => {
    expect(responseViolations(exchange)).toEqual(
      expect.arrayContaining([expect.stringContaining(expected)]),
    );
  });
});
