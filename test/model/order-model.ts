import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { CreateCustomer } from '../../src/application/customers/create-customer';
import { DepositFunds } from '../../src/application/customers/deposit-funds';
import { ListCustomerOrders } from '../../src/application/customers/list-customer-orders';
import { isTransient } from '../../src/application/errors';
import { PlaceOrder } from '../../src/application/orders/place-order';
import { ProcessOrderJobs } from '../../src/application/orders/process-order-jobs';
import { RepublishStalledWork } from '../../src/application/orders/republish-stalled-work';
import { RequestCancellation } from '../../src/application/orders/request-cancellation';
import type { CustomerRepository } from '../../src/application/ports/customer-repository';
import type { OrderJob } from '../../src/application/ports/order-queue';
import type { OrderRepository } from '../../src/application/ports/order-repository';
import type { ProductRepository } from '../../src/application/ports/product-repository';
import { TOKENS } from '../../src/application/ports/tokens';
import { CreateProduct } from '../../src/application/products/create-product';
import { UpdateProduct } from '../../src/application/products/update-product';
import type { Order, OrderStatus } from '../../src/domain/order/order';
import { customerId, orderId, productId } from '../../src/domain/shared/ids';
import type { Caller } from '../../src/application/access/caller';
import { GetCustomer } from '../../src/application/customers/get-customer';
import { GetOrder } from '../../src/application/orders/get-order';
import { ADMIN, asCustomer } from '../support/tokens';
import { takePublishedJobs, type Harness } from '../support/use-case-harness';

/**
 * A model of the order service as plain maps, following API.md, and fast-check commands that
 * drive the real use cases and the model side by side. After every step the real state must be
 * the model's, and the contract's invariants must hold on the real state alone.
 */

type Kind = OrderJob['kind'];

interface ModelCustomer {
  initial: number;
  deposits: number;
  balance: number;
}

interface ModelProduct {
  initial: number;
  /** Σ of the stock changes made by PATCH. */
  restocks: number;
  stock: number;
  price: number;
}

interface ModelLine {
  product: number;
  quantity: number;
}

interface ModelOrder {
  customer: number;
  lines: ModelLine[];
  key: string | null;
  status: OrderStatus;
  total: number | null;
  unitPrices: (number | null)[];
  failureReason: string | null;
  cancelRequested: boolean;
}

/** Entities are named by their index in the model, the same index in `Real`'s id lists. */
interface ModelJob {
  kind: Kind;
  order: number;
}

export interface Model {
  customers: ModelCustomer[];
  products: ModelProduct[];
  orders: ModelOrder[];
  /** Published and not yet acknowledged, in publication order. */
  jobs: ModelJob[];
}

export interface Real {
  h: Harness;
  customerIds: string[];
  productIds: string[];
  orderIds: string[];
  /** Extra checks only a store can make (its ledgers), or nothing. */
  storeChecks(real: Real): Promise<void>;
}

/** Small values most of the time, so that totals often meet balances and stocks exactly. */
const balances = fc.oneof(
  fc.integer({ min: 0, max: 10 }),
  fc.integer({ min: 0, max: 60 }),
  fc.integer({ min: 0, max: 2000 }),
);
const prices = fc.oneof(fc.constantFrom(0, 1, 2, 5, 10), fc.integer({ min: 0, max: 300 }));
const amounts = fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 1000 }));
const stocks = fc.integer({ min: 0, max: 10 });

export interface Shop {
  balances: number[];
  products: { price: number; stock: number }[];
}

/** Customers and products to start from, so that every run has something to order. */
export const initialShop: fc.Arbitrary<Shop> = fc.record({
  balances: fc.array(balances, { minLength: 1, maxLength: 3 }),
  products: fc.array(fc.record({ price: prices, stock: stocks }), { minLength: 1, maxLength: 3 }),
});

/** Opens the shop on the real side and in the model: the setup of one model run. */
export async function openShop(
  shop: Shop,
  h: Harness,
  storeChecks: Real['storeChecks'],
): Promise<{ model: Model; real: Real }> {
  const model: Model = { customers: [], products: [], orders: [], jobs: [] };
  const real: Real = { h, customerIds: [], productIds: [], orderIds: [], storeChecks };
  for (const balance of shop.balances) await new CreateCustomerCommand(balance).run(model, real);
  for (const { price, stock } of shop.products) {
    await new CreateProductCommand(price, stock).run(model, real);
  }
  return { model, real };
}

// The rules of API.md, applied to the model.

function settle(m: Model, o: ModelOrder): void {
  if (o.status !== 'PENDING') return;
  if (o.cancelRequested) {
    o.status = 'CANCELLED';
    return;
  }
  const fail = (reason: string) => {
    o.status = 'FAILED';
    o.failureReason = reason;
  };
  const products = o.lines.map((line) => m.products[line.product] as ModelProduct);
  if (o.lines.some((line, i) => (products[i] as ModelProduct).stock < line.quantity)) {
    return fail('INSUFFICIENT_STOCK');
  }
  const total = o.lines.reduce(
    (sum, line, i) => sum + line.quantity * (products[i]?.price ?? 0),
    0,
  );
  const customer = m.customers[o.customer] as ModelCustomer;
  if (total > customer.balance) return fail('INSUFFICIENT_FUNDS');
  o.lines.forEach((line, i) => ((products[i] as ModelProduct).stock -= line.quantity));
  customer.balance -= total;
  o.status = 'COMPLETED';
  o.total = total;
  o.unitPrices = products.map((product) => product.price);
}

function applyCancellation(m: Model, o: ModelOrder): void {
  if (!o.cancelRequested) return;
  if (o.status === 'PENDING') {
    o.status = 'CANCELLED';
    return;
  }
  if (o.status !== 'COMPLETED') return;
  o.lines.forEach((line) => ((m.products[line.product] as ModelProduct).stock += line.quantity));
  (m.customers[o.customer] as ModelCustomer).balance += o.total ?? 0;
  o.status = 'CANCELLED';
}

function applyJob(m: Model, job: ModelJob): void {
  const order = m.orders[job.order] as ModelOrder;
  if (job.kind === 'PLACE') settle(m, order);
  else applyCancellation(m, order);
}

/** What the re-publisher finds: every order still waiting for its PLACE or its CANCEL. */
function stalledWork(m: Model): ModelJob[] {
  return m.orders.flatMap((o, order): ModelJob[] => {
    if (o.cancelRequested) {
      return o.status === 'PENDING' || o.status === 'COMPLETED' ? [{ kind: 'CANCEL', order }] : [];
    }
    return o.status === 'PENDING' ? [{ kind: 'PLACE', order }] : [];
  });
}

/** Through JSON, not structuredClone: jest's realm would give the copy foreign prototypes. */
function copyModel(m: Model): Model {
  return JSON.parse(JSON.stringify(m)) as Model;
}

/** Replaces the model's contents in place (fast-check holds on to the object). */
function adopt(m: Model, from: Model): void {
  Object.assign(m, from);
}

// Reading the real state in the model's shape.

interface View {
  customers: { balance: number }[];
  products: { stock: number; price: number }[];
  orders: {
    status: OrderStatus;
    total: number | null;
    failureReason: string | null;
    items: { product: number; quantity: number; unitPrice: number | null }[];
  }[];
}

function modelView(m: Model): View {
  return {
    customers: m.customers.map(({ balance }) => ({ balance })),
    products: m.products.map(({ stock, price }) => ({ stock, price })),
    orders: m.orders.map((o) => ({
      status: o.status,
      total: o.total,
      failureReason: o.failureReason,
      items: o.lines.map((line, i) => ({
        product: line.product,
        quantity: line.quantity,
        unitPrice: o.unitPrices[i] ?? null,
      })),
    })),
  };
}

async function realOrders(r: Real): Promise<Order[]> {
  const orders = r.h.container.get<OrderRepository>(TOKENS.OrderRepository);
  return Promise.all(
    r.orderIds.map(async (id) => {
      const order = await orders.findById(orderId(id));
      if (!order) throw new Error(`order ${id} vanished`);
      return order;
    }),
  );
}

async function realView(r: Real): Promise<View> {
  const customers = r.h.container.get<CustomerRepository>(TOKENS.CustomerRepository);
  const products = r.h.container.get<ProductRepository>(TOKENS.ProductRepository);
  const productIndex = new Map(r.productIds.map((id, index) => [id, index]));
  return {
    customers: await Promise.all(
      r.customerIds.map(async (id) => ({
        balance: (await customers.findById(customerId(id)))?.balance ?? Number.NaN,
      })),
    ),
    products: await Promise.all(
      r.productIds.map(async (id) => {
        const product = await products.findById(productId(id));
        return { stock: product?.stock ?? Number.NaN, price: product?.price ?? Number.NaN };
      }),
    ),
    orders: (await realOrders(r)).map((order) => ({
      status: order.status,
      total: order.total,
      failureReason: order.failureReason,
      items: order.items.map((item) => ({
        product: productIndex.get(item.productId) ?? -1,
        quantity: item.quantity,
        unitPrice: item.unitPrice,
      })),
    })),
  };
}

/** The invariants of API.md, on the real state; the model supplies only what the test did. */
async function checkInvariants(m: Model, r: Real): Promise<void> {
  const view = await realView(r);
  const orders = view.orders.map((order, i) => ({
    ...order,
    customer: (m.orders[i] as ModelOrder).customer,
  }));
  const completed = orders.filter((order) => order.status === 'COMPLETED');
  view.customers.forEach(({ balance }, c) => {
    const { initial, deposits } = m.customers[c] as ModelCustomer;
    const spent = completed
      .filter((order) => order.customer === c)
      .reduce((sum, order) => sum + (order.total ?? Number.NaN), 0);
    expect({ customer: c, balance }).toEqual({
      customer: c,
      balance: initial + deposits - spent,
    });
    expect(balance).toBeGreaterThanOrEqual(0);
  });
  view.products.forEach(({ stock }, p) => {
    const { initial, restocks } = m.products[p] as ModelProduct;
    const taken = completed
      .flatMap((order) => order.items)
      .filter((item) => item.product === p)
      .reduce((sum, item) => sum + item.quantity, 0);
    expect({ product: p, stock }).toEqual({ product: p, stock: initial + restocks - taken });
    expect(stock).toBeGreaterThanOrEqual(0);
  });
  for (const order of orders) {
    const priced = order.items.reduce(
      (sum, item) => sum + item.quantity * (item.unitPrice ?? 0),
      0,
    );
    if (order.status === 'COMPLETED' || (order.status === 'CANCELLED' && order.total !== null)) {
      expect(order.items.every((item) => item.unitPrice !== null)).toBe(true);
      expect(order.total).toBe(priced);
    } else {
      expect(order.total).toBeNull();
    }
    expect(order.failureReason !== null).toBe(order.status === 'FAILED');
  }
  await r.storeChecks(r);
}

async function checkState(m: Model, r: Real): Promise<void> {
  expect(await realView(r)).toEqual(modelView(m));
  await checkInvariants(m, r);
  const list = r.h.get(ListCustomerOrders);
  for (const [c, id] of r.customerIds.entries()) {
    const page = await list.execute(ADMIN, customerId(id), { limit: 100, after: null });
    const expected = m.orders.flatMap((o, i) => (o.customer === c ? [r.orderIds[i]] : []));
    expect(page.items.map((order) => order.id).sort()).toEqual(expected.sort());
  }
}

const byJob = (a: ModelJob, b: ModelJob) => a.order - b.order || a.kind.localeCompare(b.kind);

/**
 * What was published since the last look must be what the model expected; the model's list of
 * waiting work then grows by it. Work for orders of other runs (a shared database) is ignored.
 */
async function expectPublished(m: Model, r: Real, expected: ModelJob[]): Promise<void> {
  const index = new Map(r.orderIds.map((id, i) => [id, i]));
  const published = (await takePublishedJobs(r.h)).flatMap((job): ModelJob[] => {
    const order = index.get(job.orderId);
    return order === undefined ? [] : [{ kind: job.kind, order }];
  });
  expect([...published].sort(byJob)).toEqual([...expected].sort(byJob));
  m.jobs.push(...expected);
}

/**
 * Runs the jobs as one batch. Like the worker: a transient failure (a lost lock race) is tried
 * again.
 */
async function runJobs(r: Real, jobs: readonly ModelJob[]): Promise<void> {
  const batch = jobs.map((job): OrderJob => ({
    kind: job.kind,
    orderId: orderId(r.orderIds[job.order] as string),
  }));
  for (let attempt = 1; ; attempt += 1) {
    try {
      await r.h.get(ProcessOrderJobs).execute(batch);
      return;
    } catch (error) {
      if (!isTransient(error) || attempt >= 5) throw error;
    }
  }
}

async function expectRejection(work: Promise<unknown>, code: string): Promise<void> {
  const error: unknown = await work.then(
    () => new Error(`expected ${code}, it succeeded`),
    (e: unknown) => e,
  );
  expect((error as { code?: unknown }).code).toBe(code);
}

/**
 * Who runs a command: an admin (null), or the customer of that index. A customer acts on what is
 * not its own only to be refused, and the model must not move when it is.
 */
type Actor = number | null;

function callerOf(actor: Actor, m: Readonly<Model>, r: Real): Caller {
  return actor === null ? ADMIN : asCustomer(r.customerIds[actor % m.customers.length] as string);
}

const ownerOrAdmin = (actor: Actor, m: Readonly<Model>, owner: number) =>
  actor === null || actor % m.customers.length === owner;

const showActor = (actor: Actor) => (actor === null ? 'admin' : `customer ${actor}`);

type Command = fc.AsyncCommand<Model, Real>;

class CreateCustomerCommand implements Command {
  constructor(readonly balance: number) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const customer = await r.h.get(CreateCustomer).execute(ADMIN, {
      name: 'Model shopper',
      email: `model-${randomUUID()}@example.com`,
      balance: this.balance,
    });
    r.customerIds.push(customer.id);
    m.customers.push({ initial: this.balance, deposits: 0, balance: this.balance });
    await expectPublished(m, r, []);
    await checkState(m, r);
  }
  toString = () => `createCustomer(${this.balance})`;
}

class DepositCommand implements Command {
  constructor(
    readonly customer: number,
    readonly amount: number,
    readonly actor: Actor,
  ) {}
  check = (m: Readonly<Model>) => m.customers.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const c = this.customer % m.customers.length;
    const depositing = r.h.get(DepositFunds).execute(callerOf(this.actor, m, r), {
      customerId: customerId(r.customerIds[c] as string),
      amount: this.amount,
    });
    if (this.actor !== null) {
      await expectRejection(depositing, 'FORBIDDEN');
      await checkState(m, r);
      return;
    }
    await depositing;
    const customer = m.customers[c] as ModelCustomer;
    customer.deposits += this.amount;
    customer.balance += this.amount;
    await expectPublished(m, r, []);
    await checkState(m, r);
  }
  toString = () => `deposit(customer ${this.customer}, ${this.amount}) as ${showActor(this.actor)}`;
}

class CreateProductCommand implements Command {
  constructor(
    readonly price: number,
    readonly stock: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const product = await r.h
      .get(CreateProduct)
      .execute(ADMIN, { name: 'Model thing', price: this.price, stock: this.stock });
    r.productIds.push(product.id);
    m.products.push({ initial: this.stock, restocks: 0, stock: this.stock, price: this.price });
    await expectPublished(m, r, []);
    await checkState(m, r);
  }
  toString = () => `createProduct(price ${this.price}, stock ${this.stock})`;
}

/** PATCH /products/:id: a new stock level, sometimes a new price. */
class RestockCommand implements Command {
  constructor(
    readonly product: number,
    readonly stock: number,
    readonly price: number | null,
    readonly actor: Actor,
  ) {}
  check = (m: Readonly<Model>) => m.products.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const p = this.product % m.products.length;
    const changes =
      this.price === null ? { stock: this.stock } : { stock: this.stock, price: this.price };
    const updating = r.h
      .get(UpdateProduct)
      .execute(callerOf(this.actor, m, r), productId(r.productIds[p] as string), changes);
    if (this.actor !== null) {
      await expectRejection(updating, 'FORBIDDEN');
      await checkState(m, r);
      return;
    }
    await updating;
    const product = m.products[p] as ModelProduct;
    product.restocks += this.stock - product.stock;
    product.stock = this.stock;
    if (this.price !== null) product.price = this.price;
    await expectPublished(m, r, []);
    await checkState(m, r);
  }
  toString = () =>
    `restock(product ${this.product}, stock ${this.stock}, price ${this.price}) as ${showActor(this.actor)}`;
}

class PlaceOrderCommand implements Command {
  constructor(
    readonly customer: number,
    readonly lines: readonly ModelLine[],
    readonly key: string | null,
    readonly actor: Actor,
  ) {}
  check = (m: Readonly<Model>) => m.customers.length > 0 && m.products.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const c = this.customer % m.customers.length;
    const seen = new Set<number>();
    const lines = this.lines
      .map((line) => ({ product: line.product % m.products.length, quantity: line.quantity }))
      .filter((line) => !seen.has(line.product) && seen.add(line.product));
    const own = this.actor !== null && ownerOrAdmin(this.actor, m, c);
    const placing = r.h.get(PlaceOrder).execute(callerOf(this.actor, m, r), {
      // A customer placing its own order leaves the customer out, as the contract allows.
      customerId: own ? null : customerId(r.customerIds[c] as string),
      items: lines.map((line) => ({
        productId: productId(r.productIds[line.product] as string),
        quantity: line.quantity,
      })),
      idempotencyKey: this.key,
    });
    const earlier =
      this.key === null ? -1 : m.orders.findIndex((o) => o.customer === c && o.key === this.key);
    if (!ownerOrAdmin(this.actor, m, c)) {
      await expectRejection(placing, 'FORBIDDEN');
      await expectPublished(m, r, []);
    } else if (earlier >= 0) {
      if (isDeepStrictEqual((m.orders[earlier] as ModelOrder).lines, lines)) {
        const { order, replayed } = await placing;
        expect({ id: order.id, replayed }).toEqual({ id: r.orderIds[earlier], replayed: true });
      } else {
        await expectRejection(placing, 'IDEMPOTENCY_KEY_REUSED');
      }
      await expectPublished(m, r, []);
    } else {
      const { order, replayed } = await placing;
      expect(replayed).toBe(false);
      r.orderIds.push(order.id);
      m.orders.push({
        customer: c,
        lines,
        key: this.key,
        status: 'PENDING',
        total: null,
        unitPrices: lines.map(() => null),
        failureReason: null,
        cancelRequested: false,
      });
      await expectPublished(m, r, [{ kind: 'PLACE', order: m.orders.length - 1 }]);
    }
    await checkState(m, r);
  }
  toString = () =>
    `placeOrder(customer ${this.customer}, ${JSON.stringify(this.lines)}, key ${this.key}) as ${showActor(this.actor)}`;
}

class RequestCancellationCommand implements Command {
  constructor(
    readonly order: number,
    readonly actor: Actor,
  ) {}
  check = (m: Readonly<Model>) => m.orders.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const index = this.order % m.orders.length;
    const o = m.orders[index] as ModelOrder;
    const requesting = r.h
      .get(RequestCancellation)
      .execute(callerOf(this.actor, m, r), orderId(r.orderIds[index] as string));
    if (!ownerOrAdmin(this.actor, m, o.customer)) {
      await expectRejection(requesting, 'NOT_FOUND');
      await expectPublished(m, r, []);
    } else if (o.status === 'FAILED' || o.status === 'CANCELLED') {
      await expectRejection(requesting, 'ORDER_NOT_CANCELLABLE');
      await expectPublished(m, r, []);
    } else {
      expect((await requesting).status).toBe(o.status);
      o.cancelRequested = true;
      await expectPublished(m, r, [{ kind: 'CANCEL', order: index }]);
    }
    await checkState(m, r);
  }
  toString = () => `requestCancellation(order ${this.order}) as ${showActor(this.actor)}`;
}

/**
 * A customer reads an order, a customer and its list of orders: its own come back as the model
 * has them, another's are NOT_FOUND, like ids that do not exist.
 */
class ReadAsCustomerCommand implements Command {
  constructor(
    readonly actor: number,
    readonly order: number,
    readonly customer: number,
  ) {}
  check = (m: Readonly<Model>) => m.orders.length > 0 && m.customers.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const caller = callerOf(this.actor, m, r);
    const o = this.order % m.orders.length;
    const c = this.customer % m.customers.length;
    const id = customerId(r.customerIds[c] as string);
    const reads = {
      order: () => r.h.get(GetOrder).execute(caller, orderId(r.orderIds[o] as string)),
      customer: () => r.h.get(GetCustomer).execute(caller, id),
      list: () => r.h.get(ListCustomerOrders).execute(caller, id, { limit: 100, after: null }),
    };
    if (ownerOrAdmin(this.actor, m, (m.orders[o] as ModelOrder).customer)) {
      expect((await reads.order()).id).toBe(r.orderIds[o]);
    } else {
      await expectRejection(reads.order(), 'NOT_FOUND');
    }
    if (ownerOrAdmin(this.actor, m, c)) {
      expect((await reads.customer()).balance).toBe((m.customers[c] as ModelCustomer).balance);
      const expected = m.orders.flatMap((order, i) =>
        order.customer === c ? [r.orderIds[i]] : [],
      );
      expect((await reads.list()).items.map((order) => order.id).sort()).toEqual(expected.sort());
    } else {
      await expectRejection(reads.customer(), 'NOT_FOUND');
      await expectRejection(reads.list(), 'NOT_FOUND');
    }
    await checkState(m, r);
  }
  toString = () => `read(order ${this.order}, customer ${this.customer}) as customer ${this.actor}`;
}

/** The worker takes waiting jobs in any order; a job it keeps is delivered again later. */
class ProcessJobsCommand implements Command {
  constructor(readonly steps: readonly { pick: number; redeliver: boolean }[]) {}
  check = (m: Readonly<Model>) => m.jobs.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    for (const { pick, redeliver } of this.steps) {
      if (m.jobs.length === 0) break;
      const index = pick % m.jobs.length;
      const job = m.jobs[index] as ModelJob;
      await runJobs(r, [job]);
      applyJob(m, job);
      if (!redeliver) m.jobs.splice(index, 1);
      await checkState(m, r);
    }
  }
  toString = () => `processJobs(${JSON.stringify(this.steps)})`;
}

/**
 * The worker settles waiting jobs (possibly the same one more than once) in one transaction: the
 * outcome must be theirs one after the other, in the order given; a job it keeps is delivered
 * again later.
 */
class ProcessBatchCommand implements Command {
  constructor(readonly steps: readonly { pick: number; redeliver: boolean }[]) {}
  check = (m: Readonly<Model>) => m.jobs.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const picked = this.steps.map((step) => ({ ...step, index: step.pick % m.jobs.length }));
    const jobs = picked.map(({ index }) => m.jobs[index] as ModelJob);
    await runJobs(r, jobs);
    for (const job of jobs) applyJob(m, job);
    const acknowledged = new Set(picked.filter((p) => !p.redeliver).map((p) => p.index));
    m.jobs = m.jobs.filter((_job, i) => !acknowledged.has(i));
    await checkState(m, r);
  }
  toString = () => `processBatch(${JSON.stringify(this.steps)})`;
}

/**
 * Two waiting jobs (possibly the same one twice) run at the same moment: the outcome must be
 * one of the two orders they could have run in, one after the other.
 */
class ProcessTwoAtOnceCommand implements Command {
  constructor(
    readonly first: number,
    readonly second: number,
  ) {}
  check = (m: Readonly<Model>) => m.jobs.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const a = this.first % m.jobs.length;
    const b = this.second % m.jobs.length;
    const jobA = m.jobs[a] as ModelJob;
    const jobB = m.jobs[b] as ModelJob;
    await Promise.all([runJobs(r, [jobA]), runJobs(r, [jobB])]);

    const outcomes = [
      [jobA, jobB],
      [jobB, jobA],
    ].map((sequence) => {
      const next = copyModel(m);
      for (const job of sequence) applyJob(next, job);
      next.jobs = next.jobs.filter((_job, i) => i !== a && i !== b);
      return next;
    });
    const actual = await realView(r);
    const matching = outcomes.find((outcome) => isDeepStrictEqual(actual, modelView(outcome)));
    expect({ actual, oneOf: outcomes.map(modelView) }).toEqual({
      actual: matching ? modelView(matching) : 'no serial order',
      oneOf: outcomes.map(modelView),
    });
    adopt(m, matching as Model);
    await checkState(m, r);
  }
  toString = () => `processTwoAtOnce(${this.first}, ${this.second})`;
}

/** Time passes; the re-publisher publishes again all work that is still waiting. */
class RepublishCommand implements Command {
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    r.h.clock.advance(60 * 60 * 1000);
    await r.h.get(RepublishStalledWork).execute();
    await expectPublished(m, r, stalledWork(m));
    await checkState(m, r);
  }
  toString = () => 'republishStalledWork()';
}

export function orderCommands(maxCommands: number): fc.Arbitrary<Iterable<Command>> {
  const index = fc.nat({ max: 20 });
  /** An admin a third of the time; else a customer, whose own work it often is (few customers). */
  const actor: fc.Arbitrary<Actor> = fc.option(index, { freq: 3 });
  const place = fc
    .tuple(
      index,
      fc.array(fc.record({ product: index, quantity: fc.integer({ min: 1, max: 4 }) }), {
        minLength: 1,
        maxLength: 3,
      }),
      fc.option(fc.constantFrom('key-a', 'key-b'), { freq: 3 }),
      actor,
    )
    .map(([c, lines, key, by]) => new PlaceOrderCommand(c, lines, key, by));
  const steps = fc.array(fc.record({ pick: fc.nat(), redeliver: fc.boolean() }), {
    minLength: 1,
    maxLength: 4,
  });
  const processJobs = steps.map((picks) => new ProcessJobsCommand(picks));
  // fc.commands picks uniformly: placing and processing are listed twice to happen more often.
  return fc.commands(
    [
      balances.map((opening) => new CreateCustomerCommand(opening)),
      fc
        .tuple(index, amounts, fc.option(index, { freq: 2 }))
        .map(([c, deposit, by]) => new DepositCommand(c, deposit, by)),
      fc.tuple(prices, stocks).map(([p, s]) => new CreateProductCommand(p, s)),
      fc
        .tuple(
          index,
          fc.integer({ min: 0, max: 15 }),
          fc.option(prices),
          fc.option(index, { freq: 2 }),
        )
        .map(([p, level, newPrice, by]) => new RestockCommand(p, level, newPrice, by)),
      place,
      place,
      fc.tuple(index, actor).map(([o, by]) => new RequestCancellationCommand(o, by)),
      fc.tuple(index, index, index).map(([by, o, c]) => new ReadAsCustomerCommand(by, o, c)),
      processJobs,
      processJobs,
      steps.map((picks) => new ProcessBatchCommand(picks)),
      fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => new ProcessTwoAtOnceCommand(a, b)),
      fc.constant(new RepublishCommand()),
    ],
    { maxCommands, size: 'max' },
  );
}
