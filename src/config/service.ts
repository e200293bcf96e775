import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccessLog } from '../adapters/http/koa/access-log';
import { createApp } from '../adapters/http/koa/create-app';
import { createOperationsApp } from '../adapters/http/koa/operations-app';
import { serverOptions } from '../adapters/http/koa/server-options';
import { answerUnparsableRequests } from '../adapters/http/koa/unparsable-requests';
import type { HttpDependencies } from '../adapters/http/koa/http-dependencies';
import { startOrderWorker } from '../adapters/worker/order-worker';
import { AuthenticateCaller } from '../application/access/authenticate-caller';
import { ThrottleRequests } from '../application/access/throttle-requests';
import { CreateCustomer } from '../application/customers/create-customer';
import { DepositFunds } from '../application/customers/deposit-funds';
import { GetCustomer } from '../application/customers/get-customer';
import { ListCustomerOrders } from '../application/customers/list-customer-orders';
import { FailDeadLetteredOrder } from '../application/orders/fail-dead-lettered-order';
import { GetOrder } from '../application/orders/get-order';
import { PlaceOrder } from '../application/orders/place-order';
import { ProcessOrderJobs } from '../application/orders/process-order-jobs';
import { RepublishStalledWork } from '../application/orders/republish-stalled-work';
import { RequestCancellation } from '../application/orders/request-cancellation';
import type { HealthCheck } from '../application/ports/health-check';
import type { Logger } from '../application/ports/logger';
import { NO_TRACING, type Tracing } from '../application/ports/tracing';
import { TOKENS } from '../application/ports/tokens';
import { CreateProduct } from '../application/products/create-product';
import { GetProduct } from '../application/products/get-product';
import { ListProducts } from '../application/products/list-products';
import { UpdateProduct } from '../application/products/update-product';
import { CheckReadiness } from '../application/system/check-readiness';
import type { AppConfig } from './config';
import { buildContainer, type Composition } from './container';
import { rehearseOrderPath, warmUp, warmUpRequestPaths } from './warm-up';
import { resolve } from './bindings';

export interface RunningService {
  /** The HTTP port: the API's, or a worker's own for /health, /ready and /metrics. */
  port: number;
  composition: Composition;
  /**
   * Makes /ready answer 503 at once, so that a load balancer takes the process out of rotation,
   * and resolves after `shutdownDrainMs`, during which it serves as before; at once for a worker
   * alone, which no load balancer sends requests to. Then call `stop`.
   */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export function resolveHttpDependencies(composition: Composition): HttpDependencies {
  const { container } = composition;
  return {
    authenticateCaller: container.get(AuthenticateCaller),
    throttleRequests: container.get(ThrottleRequests),
    createCustomer: container.get(CreateCustomer),
    getCustomer: container.get(GetCustomer),
    depositFunds: container.get(DepositFunds),
    listCustomerOrders: container.get(ListCustomerOrders),
    createProduct: container.get(CreateProduct),
    getProduct: container.get(GetProduct),
    listProducts: container.get(ListProducts),
    updateProduct: container.get(UpdateProduct),
    placeOrder: container.get(PlaceOrder),
    getOrder: container.get(GetOrder),
    requestCancellation: container.get(RequestCancellation),
    checkReadiness: container.get(CheckReadiness),
    logger: resolve(container, TOKENS.Logger),
    metrics: composition.metrics,
  };
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Stops accepting connections and resolves when the requests in flight have been answered. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    // A keep-alive client that keeps sending would hold its connection, and so the server,
    // open until the shutdown deadline: what still arrives is answered, then the connection
    // is closed.
    server.prependListener('request', (_request, response) => {
      response.setHeader('Connection', 'close');
    });
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}

/** Starts consuming order jobs and re-publishing stalled work; pushes its own disposer. */
export async function startWorkerRole(
  composition: Composition,
  config: AppConfig,
  logger: Logger,
): Promise<void> {
  const { container, disposers } = composition;
  const worker = await startOrderWorker(
    {
      queue: resolve(container, TOKENS.OrderQueue),
      processOrderJobs: container.get(ProcessOrderJobs),
      failDeadLetteredOrder: container.get(FailDeadLetteredOrder),
      republishStalledWork: container.get(RepublishStalledWork),
      logger,
      metrics: composition.metrics,
      tracing: resolve(container, TOKENS.Tracing),
    },
    {
      concurrency: config.worker.concurrency,
      batching: config.worker.batching,
      republishIntervalMs: config.worker.republish.intervalMs,
    },
  );
  disposers.push('order worker', () => worker.stop());
  // A worker the broker no longer delivers to does nothing useful: it says so at /ready.
  container.get<HealthCheck[]>(TOKENS.HealthChecks).push({
    name: 'consumer',
    check: async () => {
      if (!worker.isConsuming()) throw new Error('the broker delivers no jobs to this worker');
    },
  });
}

/**
 * Starts the role(s) the configuration names: the HTTP API, the order worker, or both. What is
 * cold at start is warmed first (connections, the order path, then the request paths; see
 * warm-up.ts), so that the service is at full speed from the moment it listens or consumes.
 */
export async function startService(
  config: AppConfig,
  logger: Logger,
  tracing: Tracing = NO_TRACING,
): Promise<RunningService> {
  const composition = await buildContainer(config, logger, tracing);
  const { disposers } = composition;
  try {
    await warmUp(composition.warmUps, logger);
    await rehearseOrderPath(composition, logger);
    const { httpLimits } = config;
    const accessLog = new AccessLog(logger, tracing);
    // One handler for the warm-up and the real server: the code it warms is the code that serves.
    const handler =
      config.role === 'worker'
        ? null
        : createApp(resolveHttpDependencies(composition), {
            inFlight: {
              requests: httpLimits.maxRequestsInFlight,
              bodyBytes: httpLimits.maxBodyBytesInFlight,
            },
            accessLog,
          }).callback();
    if (handler) await warmUpRequestPaths(handler, composition, config, logger);
    if (config.role !== 'api') await startWorkerRole(composition, config, logger);

    const checkReadiness = composition.container.get(CheckReadiness);
    const server = createServer(
      serverOptions(httpLimits),
      handler ??
        createOperationsApp({ checkReadiness, metrics: composition.metrics, logger }).callback(),
    );
    answerUnparsableRequests(server);
    if (handler) accessLog.start();
    const port = await listen(server, config.port);
    disposers.push('http server', () => closeServer(server));

    return {
      port,
      composition,
      drain: async () => {
        checkReadiness.startDraining();
        if (!handler) return;
        await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
      },
      stop: () => disposers.disposeAll(logger),
    };
  } catch (error) {
    await disposers.disposeAll(logger);
    throw error;
  }
}
