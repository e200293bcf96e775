import { ADMIN, TEST_AUTH_SECRET } from '../support/tokens';
import { randomBytes } from 'node:crypto';
import {
  startOrderWorker,
  type OrderWorkerDependencies,
  type OrderWorkerOptions,
  type RunningWorker,
} from '../../src/adapters/worker/order-worker';
import { CreateCustomer } from '../../src/application/customers/create-customer';
import { FailDeadLetteredOrder } from '../../src/application/orders/fail-dead-lettered-order';
import { GetOrder } from '../../src/application/orders/get-order';
import { PlaceOrder } from '../../src/application/orders/place-order';
import { ProcessOrderJobs } from '../../src/application/orders/process-order-jobs';
import { RepublishStalledWork } from '../../src/application/orders/republish-stalled-work';
import type { CustomerRepository } from '../../src/application/ports/customer-repository';
import type { Logger } from '../../src/application/ports/logger';
import type { OrderQueue } from '../../src/application/ports/order-queue';
import type { ProductRepository } from '../../src/application/ports/product-repository';
import { TOKENS } from '../../src/application/ports/tokens';
import { CreateProduct } from '../../src/application/products/create-product';
import { CheckReadiness } from '../../src/application/system/check-readiness';
import { customerId, orderId, productId } from '../../src/domain/shared/ids';
import { loadConfig, type AppConfig } from '../../src/config/config';
import { buildContainer, type Composition } from '../../src/config/container';
import { AMQP_URL, REDIS_URL } from '../support/brokers';
import { silentLogger } from '../support/silent-logger';
import { eventually } from '../support/eventually';

export type BrokerDriver = 'bullmq' | 'rabbitmq';
export type QueueDriver = BrokerDriver | 'memory';

export function uniqueQueueName(label: string): string {
  return `${label}-${randomBytes(5).toString('hex')}`;
}

/** The variables that select `driver`, on a queue (and cache key prefix) of the test's own. */
export function queueEnv(driver: QueueDriver, queueName: string): Record<string, string> {
  switch (driver) {
    case 'bullmq':
      return {
        QUEUE_DRIVER: 'bullmq',
        REDIS_URL,
        QUEUE_NAME: queueName,
        CACHE_KEY_PREFIX: `${queueName}:`,
      };
    case 'rabbitmq':
      return { QUEUE_DRIVER: 'rabbitmq', AMQP_URL, QUEUE_NAME: queueName };
    case 'memory':
      return { QUEUE_DRIVER: 'memory' };
  }
}

/** One process's worth of wiring (the real composition root), without any worker started. */
export interface ServiceProcess extends Composition {
  config: AppConfig;
  queue: OrderQueue;
  close(): Promise<void>;
}

export async function composeProcess(
  env: Record<string, string>,
  logger: Logger = silentLogger,
): Promise<ServiceProcess> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '4',
    // The tests decide when work is published; the re-publisher must not do it for them.
    REPUBLISH_AFTER_MS: '600000',
    REPUBLISH_INTERVAL_MS: '600000',
    AUTH_JWT_SECRET: TEST_AUTH_SECRET,
    ...env,
  });
  const composition = await buildContainer(config, logger);
  // As a deployment waits for /health/ready: a publish before the broker's connection is up
  // would leave its order to the re-publisher, which these tests keep out of the way.
  const readiness = composition.container.get(CheckReadiness);
  await eventually(async () =>
    expect((await readiness.execute()).dependencies.filter((dependency) => !dependency.ok)).toEqual(
      [],
    ),
  );
  return {
    ...composition,
    config,
    queue: composition.container.get<OrderQueue>(TOKENS.OrderQueue),
    close: () => composition.disposers.disposeAll(silentLogger),
  };
}

/** Starts the order worker of `svc`, with any use case or option replaced. */
export function startWorker(
  svc: ServiceProcess,
  logger: Logger,
  overrides: Partial<OrderWorkerDependencies> = {},
  options: Partial<Pick<OrderWorkerOptions, 'concurrency' | 'batching'>> = {},
): Promise<RunningWorker> {
  const { container } = svc;
  return startOrderWorker(
    {
      queue: svc.queue,
      processOrderJobs: container.get(ProcessOrderJobs),
      failDeadLetteredOrder: container.get(FailDeadLetteredOrder),
      republishStalledWork: container.get(RepublishStalledWork),
      logger,
      metrics: svc.metrics,
      ...overrides,
    },
    {
      concurrency: svc.config.worker.concurrency,
      batching: svc.config.worker.batching,
      republishIntervalMs: svc.config.worker.republish.intervalMs,
      ...options,
    },
  );
}

/** A customer and a product, made by the use cases of `svc`. */
export async function shop(
  svc: ServiceProcess,
  { balance, price, stock }: { balance: number; price: number; stock: number },
) {
  const { container } = svc;
  const customer = await container.get(CreateCustomer).execute(ADMIN, {
    name: 'Shopper',
    email: `shopper-${randomBytes(6).toString('hex')}@example.com`,
    balance,
  });
  const product = await container
    .get(CreateProduct)
    .execute(ADMIN, { name: 'Thing', price, stock });
  return { customerId: customerId(customer.id), productId: productId(product.id) };
}

export async function placeOrder(
  svc: ServiceProcess,
  ids: { customerId: string; productId: string },
  quantity: number,
) {
  const { order } = await svc.container.get(PlaceOrder).execute(ADMIN, {
    customerId: customerId(ids.customerId),
    items: [{ productId: productId(ids.productId), quantity }],
    idempotencyKey: null,
  });
  return order.id;
}

export function readOrder(svc: ServiceProcess, id: string) {
  return svc.container.get(GetOrder).execute(ADMIN, orderId(id));
}

export async function balanceOf(svc: ServiceProcess, id: string): Promise<number> {
  const customers = svc.container.get<CustomerRepository>(TOKENS.CustomerRepository);
  return (await customers.findById(customerId(id)))?.balance ?? Number.NaN;
}

export async function stockOf(svc: ServiceProcess, id: string): Promise<number> {
  const products = svc.container.get<ProductRepository>(TOKENS.ProductRepository);
  return (await products.findById(productId(id)))?.stock ?? Number.NaN;
}
