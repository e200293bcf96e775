import { randomUUID } from 'node:crypto';
import { createApp } from '../../src/adapters/http/koa/create-app';
import { serverOptions } from '../../src/adapters/http/koa/server-options';
import { sendWarmUpRequests } from '../../src/adapters/http/koa/warm-up-requests';
import type { OrderQueue } from '../../src/application/ports/order-queue';
import type { OrderRepository } from '../../src/application/ports/order-repository';
import type { ProductRepository } from '../../src/application/ports/product-repository';
import { TOKENS } from '../../src/application/ports/tokens';
import { loadConfig } from '../../src/config/config';
import { buildContainer, type Composition } from '../../src/config/container';
import { resolveHttpDependencies } from '../../src/config/service';
import { silentLogger } from '../support/silent-logger';
import { TEST_AUTH_SECRET } from '../support/tokens';

describe('warm-up requests', () => {
  const config = loadConfig({ AUTH_JWT_SECRET: TEST_AUTH_SECRET });
  let composition: Composition;

  beforeEach(async () => {
    composition = await buildContainer(config, silentLogger);
  });

  afterEach(() => composition.disposers.disposeAll(silentLogger));

  const send = (plan: { rounds: number; withinMs?: number; signs: boolean }) =>
    sendWarmUpRequests(
      createApp(resolveHttpDependencies(composition)).callback(),
      serverOptions(config.httpLimits),
      {
        rounds: plan.rounds,
        clients: 4,
        withinMs: plan.withinMs ?? 60_000,
        nextId: () => randomUUID(),
        customerToken: plan.signs ? composition.customerToken : null,
      },
    );

  it('runs each path as a customer that does not exist: every order refused, the rest not found, nothing stored or queued', async () => {
    expect(composition.customerToken).not.toBeNull();

    expect(await send({ rounds: 40, signs: true })).toEqual({ '422': 40, '404': 120 });
    const products = composition.container.get<ProductRepository>(TOKENS.ProductRepository);
    expect((await products.list({ limit: 10, after: null })).items).toEqual([]);
    const orders = composition.container.get<OrderRepository>(TOKENS.OrderRepository);
    expect(await orders.findStalledWork(new Date(8.64e15), 1000)).toEqual([]);
    expect(await composition.container.get<OrderQueue>(TOKENS.OrderQueue).depth()).toBe(0);
  });

  it('reads anonymously only, when it cannot sign a token', async () => {
    expect(await send({ rounds: 10, signs: false })).toEqual({ '404': 10 });
  });

  it('starts no round once its time is up', async () => {
    expect(await send({ rounds: 10, withinMs: 0, signs: true })).toEqual({});
  });
});
