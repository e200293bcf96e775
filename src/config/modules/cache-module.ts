import type { Container } from 'inversify';
import type { Clock } from '../../application/ports/clock';
import type { HealthCheck } from '../../application/ports/health-check';
import type { Logger } from '../../application/ports/logger';
import type { ProductCache } from '../../application/ports/product-cache';
import { TOKENS } from '../../application/ports/tokens';
import { MemoryProductCache } from '../../adapters/cache/memory/memory-product-cache';
import type {
  CacheReads,
  PrometheusMetrics,
} from '../../adapters/metrics/prometheus/prometheus-metrics';
import {
  closeFailFastRedisClient,
  createFailFastRedisClient,
  whenConnected,
} from '../../adapters/redis/fail-fast-redis-client';
import { RedisProductCache } from '../../adapters/cache/redis/redis-product-cache';
import { NearProductCache } from '../../adapters/cache/near/near-product-cache';
import type { CacheConfig } from '../config';
import type { Disposers } from '../disposers';
import type { WarmUp } from '../warm-up';
import { bindValue } from '../bindings';

/** Products each process keeps a copy of: a few MB, and more than a shop's hot set. */
const LOCAL_COPIES = 10_000;

export function bindCache(
  container: Container,
  config: CacheConfig,
  clock: Clock,
  logger: Logger,
  metrics: PrometheusMetrics,
  disposers: Disposers,
  checks: HealthCheck[],
  warmUps: WarmUp[],
): void {
  let cache: ProductCache;
  let reads: () => CacheReads;
  switch (config.driver) {
    case 'memory': {
      const memory = new MemoryProductCache(config.ttlMs, clock);
      reads = () => memory.reads;
      cache = memory;
      break;
    }
    case 'redis': {
      const client = createFailFastRedisClient(config.url, (error) =>
        logger.warn('redis cache connection error', { error: error.message }),
      );
      disposers.push('redis cache client', () => closeFailFastRedisClient(client));
      const redis = new RedisProductCache(
        client,
        { ttlMs: config.ttlMs, keyPrefix: config.keyPrefix },
        clock,
      );
      checks.push({ name: 'cache', optional: true, check: () => redis.ping() });
      warmUps.push({ name: 'cache connection', run: () => whenConnected(client) });
      reads = () => redis.reads;
      cache = redis;
      if (config.localTtlMs > 0) {
        const near = new NearProductCache(
          redis,
          { holdMs: config.localTtlMs, maxEntries: LOCAL_COPIES },
          clock,
        );
        // A read served from this process's copy is a hit that Redis never saw.
        reads = () => ({ ...redis.reads, hits: redis.reads.hits + near.localHits });
        cache = near;
      }
      break;
    }
  }
  metrics.watchCache(reads);
  bindValue(container, TOKENS.ProductCache, cache);
}
