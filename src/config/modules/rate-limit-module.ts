import type { Container } from 'inversify';
import type { Logger } from '../../application/ports/logger';
import type { RateLimiter } from '../../application/ports/rate-limiter';
import { TOKENS } from '../../application/ports/tokens';
import { MemoryRateLimiter } from '../../adapters/rate-limit/memory/memory-rate-limiter';
import { RedisRateLimiter } from '../../adapters/rate-limit/redis/redis-rate-limiter';
import {
  closeFailFastRedisClient,
  createFailFastRedisClient,
  whenConnected,
} from '../../adapters/redis/fail-fast-redis-client';
import type { RateLimitConfig } from '../config';
import type { Disposers } from '../disposers';
import type { WarmUp } from '../warm-up';
import { bindValue } from '../bindings';

export function bindRateLimiter(
  container: Container,
  config: RateLimitConfig,
  logger: Logger,
  disposers: Disposers,
  warmUps: WarmUp[],
): void {
  const { redisUrl, ...options } = config;
  let limiter: RateLimiter;
  if (redisUrl === undefined) {
    limiter = new MemoryRateLimiter(options);
  } else {
    // Every request takes from a bucket: requests that arrive together share one write to Redis.
    const client = createFailFastRedisClient(
      redisUrl,
      (error) => logger.warn('redis rate limiter connection error', { error: error.message }),
      { autoPipelining: true },
    );
    disposers.push('redis rate limiter client', () => closeFailFastRedisClient(client));
    // Until it is connected, each process counts on its own: limits are not yet shared.
    warmUps.push({ name: 'rate limiter connection', run: () => whenConnected(client) });
    limiter = new RedisRateLimiter(client, options);
  }
  bindValue(container, TOKENS.RateLimiter, limiter);
}
