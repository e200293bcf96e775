import 'reflect-metadata';
import { Container } from 'inversify';
import { PublishAfterCommit } from '../application/orders/publish-after-commit';
import type { HealthCheck } from '../application/ports/health-check';
import type { Logger } from '../application/ports/logger';
import { TOKENS } from '../application/ports/tokens';
import { NO_TRACING, type Tracing } from '../application/ports/tracing';
import { PrometheusMetrics } from '../adapters/metrics/prometheus/prometheus-metrics';
import { SystemClock } from '../adapters/system/system-clock';
import { UuidV7IdGenerator } from '../adapters/system/uuid-v7-id-generator';
import type { AppConfig } from './config';
import { Disposers } from './disposers';
import { bindAuth, type CustomerTokenSigner } from './modules/auth-module';
import { bindCache } from './modules/cache-module';
import { bindQueue } from './modules/queue-module';
import { bindRateLimiter } from './modules/rate-limit-module';
import { bindStore } from './modules/store-module';
import { bindUseCases } from './modules/use-cases-module';
import type { WarmUp } from './warm-up';
import { bindValue, resolve } from './bindings';

export interface Composition {
  container: Container;
  disposers: Disposers;
  /** What is cold at start, warmed before the service says it is ready (see service.ts). */
  warmUps: WarmUp[];
  /** Signs the warm-up requests' tokens; null when the service holds no signing secret. */
  customerToken: CustomerTokenSigner | null;
  /** What this process serves at /metrics; the use cases report to it as their Metrics port. */
  metrics: PrometheusMetrics;
}

/**
 * The one composition root: binds every port to the adapter the configuration selects. Nothing
 * else in the code branches on a driver.
 */
export async function buildContainer(
  config: AppConfig,
  logger: Logger,
  tracing: Tracing = NO_TRACING,
): Promise<Composition> {
  const container = new Container({ defaultScope: 'Singleton' });
  const disposers = new Disposers();
  const checks: HealthCheck[] = [];
  const warmUps: WarmUp[] = [];
  let customerToken: CustomerTokenSigner | null;
  const clock = new SystemClock();
  const metrics = new PrometheusMetrics();
  try {
    bindValue(container, TOKENS.Clock, clock);
    bindValue(container, TOKENS.IdGenerator, new UuidV7IdGenerator());
    bindValue(container, TOKENS.Logger, logger);
    bindValue(container, TOKENS.Metrics, metrics);
    bindValue(container, TOKENS.Tracing, tracing);
    await bindStore(container, config.store, metrics, disposers, checks, warmUps);
    bindCache(container, config.cache, clock, logger, metrics, disposers, checks, warmUps);
    await bindQueue(
      container,
      config.queue,
      config.worker,
      logger,
      tracing,
      disposers,
      checks,
      warmUps,
    );
    customerToken = await bindAuth(container, config.auth, clock, logger, warmUps);
    bindRateLimiter(container, config.rateLimit, logger, disposers, warmUps);
    bindValue(container, TOKENS.HealthChecks, checks);
    bindUseCases(container, config);
    // Resolved at each scrape, not now: resolving binds the singletons before tests rebind them.
    metrics.watchBacklog(() => resolve(container, TOKENS.OrderQueue).depth());
    metrics.watchPendingPublishes(() => resolve(container, PublishAfterCommit).pending);
    // Disposed after HTTP and the worker stop, before the queue closes (see PublishAfterCommit).
    disposers.push('publishes after commit', () => container.get(PublishAfterCommit).settled());
  } catch (error) {
    await disposers.disposeAll(logger);
    throw error;
  }
  return { container, disposers, warmUps, customerToken, metrics };
}
