import http from 'k6/http';
import type { Response } from 'k6/http';
import { BASE_URL } from './env.ts';

/** The slice of the public contract (../shared/API.md) the load tests use. */

export const ORDER_STATUSES = ['PENDING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface Customer {
  id: string;
  balance: number;
}

export interface Product {
  id: string;
  price: number;
  stock: number;
}

export interface OrderLine {
  productId: string;
  quantity: number;
}

export interface Order {
  id: string;
  status: OrderStatus;
  customerId: string;
  items: (OrderLine & { unitPrice: number | null })[];
  total: number | null;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Every request carries an `endpoint` tag, so thresholds can hold each endpoint to its limit. */
export type Endpoint =
  | 'create-customer'
  | 'get-customer'
  | 'list-customer-orders'
  | 'create-product'
  | 'get-product'
  | 'place-order'
  | 'cancel-order';

/** The response and, when it has the expected status and shape, its body; else null. */
export interface Answer<T> {
  response: Response;
  value: T | null;
}

const PAGE_LIMIT = 100;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInt(value: unknown): value is number {
  return Number.isSafeInteger(value);
}

function isNullableInt(value: unknown): value is number | null {
  return value === null || isInt(value);
}

function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

function parseBody(response: Response): unknown {
  if (typeof response.body !== 'string' || response.body === '') return null;
  try {
    return JSON.parse(response.body);
  } catch {
    return null;
  }
}

function asCustomer(body: unknown): Customer | null {
  if (!isObject(body) || typeof body.id !== 'string' || !isInt(body.balance)) return null;
  return { id: body.id, balance: body.balance };
}

function asProduct(body: unknown): Product | null {
  if (!isObject(body) || typeof body.id !== 'string') return null;
  if (!isInt(body.price) || !isInt(body.stock)) return null;
  return { id: body.id, price: body.price, stock: body.stock };
}

function asOrderItem(item: unknown): Order['items'][number] | null {
  if (!isObject(item) || typeof item.productId !== 'string') return null;
  if (!isInt(item.quantity) || !isNullableInt(item.unitPrice)) return null;
  return { productId: item.productId, quantity: item.quantity, unitPrice: item.unitPrice };
}

function asOrder(body: unknown): Order | null {
  if (!isObject(body) || typeof body.id !== 'string' || typeof body.customerId !== 'string') {
    return null;
  }
  const status = ORDER_STATUSES.find((candidate) => candidate === body.status);
  if (!status || !Array.isArray(body.items) || !isNullableInt(body.total)) return null;
  if (body.failureReason !== null && typeof body.failureReason !== 'string') return null;
  if (!isTimestamp(body.createdAt) || !isTimestamp(body.updatedAt)) return null;
  const items = body.items.map(asOrderItem);
  if (items.some((item) => item === null)) return null;
  return {
    id: body.id,
    status,
    customerId: body.customerId,
    items: items.filter((item) => item !== null),
    total: body.total,
    failureReason: body.failureReason,
    createdAt: body.createdAt,
    updatedAt: body.updatedAt,
  };
}

function asOrderPage(body: unknown): { data: Order[]; nextCursor: string | null } | null {
  if (!isObject(body) || !Array.isArray(body.data)) return null;
  if (body.nextCursor !== null && typeof body.nextCursor !== 'string') return null;
  const data = body.data.map(asOrder);
  if (data.some((order) => order === null)) return null;
  return { data: data.filter((order) => order !== null), nextCursor: body.nextCursor };
}

/**
 * Sent as `Authorization: Bearer <token>`, or anonymously when null (the public product reads).
 * Tokens come from lib/auth.ts.
 */
type Bearer = string | null;

function call<T>(
  bearer: Bearer,
  endpoint: Endpoint,
  method: 'GET' | 'POST',
  route: string,
  path: string,
  expectedStatus: number,
  parse: (body: unknown) => T | null,
  body?: unknown,
): Answer<T> {
  const headers: Record<string, string> =
    bearer === null ? {} : { Authorization: `Bearer ${bearer}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = http.request(
    method,
    `${BASE_URL}${path}`,
    body === undefined ? null : JSON.stringify(body),
    {
      headers,
      // `name` groups the URLs of one route in k6's output instead of one series per id.
      tags: { endpoint, name: `${method} ${route}` },
    },
  );
  const value = response.status === expectedStatus ? parse(parseBody(response)) : null;
  return { response, value };
}

/** As an admin: customers cannot create customers (403). */
export function createCustomer(
  admin: string,
  input: { name: string; email: string; balance: number },
) {
  return call(admin, 'create-customer', 'POST', '/customers', '/customers', 201, asCustomer, input);
}

export function getCustomer(bearer: string, id: string) {
  const path = `/customers/${encodeURIComponent(id)}`;
  return call(bearer, 'get-customer', 'GET', '/customers/{id}', path, 200, asCustomer);
}

/** As an admin: customers cannot create products (403). */
export function createProduct(
  admin: string,
  input: { name: string; price: number; stock: number },
) {
  return call(admin, 'create-product', 'POST', '/products', '/products', 201, asProduct, input);
}

/** Public: anyone may read a product, without a token. */
export function getProduct(id: string) {
  const path = `/products/${encodeURIComponent(id)}`;
  return call(null, 'get-product', 'GET', '/products/{id}', path, 200, asProduct);
}

/**
 * As the customer whose token `bearer` is: the body leaves `customerId` out, as a customer's own
 * client does (the token says who it is).
 */
export function placeOrder(bearer: string, input: { items: OrderLine[] }) {
  return call(bearer, 'place-order', 'POST', '/orders', '/orders', 202, asOrder, input);
}

/** As the customer who placed the order (another customer's is a 404), or as an admin. */
export function cancelOrder(bearer: string, id: string) {
  const path = `/orders/${encodeURIComponent(id)}/cancel`;
  return call(bearer, 'cancel-order', 'POST', '/orders/{id}/cancel', path, 202, asOrder);
}

/** Every order of the customer, following `nextCursor`; null when a page cannot be read. */
export function listAllCustomerOrders(bearer: string, customerId: string): Order[] | null {
  const orders: Order[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const path = `/customers/${encodeURIComponent(customerId)}/orders?limit=${PAGE_LIMIT}${query}`;
    const page = call(
      bearer,
      'list-customer-orders',
      'GET',
      '/customers/{id}/orders',
      path,
      200,
      asOrderPage,
    );
    if (page.value === null) return null;
    orders.push(...page.value.data);
    cursor = page.value.nextCursor;
  } while (cursor !== null);
  return orders;
}

/** The body of an answer that must succeed (setup data); otherwise stops with why. */
export function must<T>(answer: Answer<T>, what: string): T {
  if (answer.value !== null) return answer.value;
  const { status, error } = answer.response;
  const problem = parseBody(answer.response);
  const code = isObject(problem) && typeof problem.code === 'string' ? ` ${problem.code}` : '';
  throw new Error(`${what}: HTTP ${status}${code}${error ? ` (${error})` : ''}`);
}
