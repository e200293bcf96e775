import { randomUUID } from 'node:crypto';
import { Container } from 'inversify';
import { MemoryRateLimiter } from '../../../src/adapters/rate-limit/memory/memory-rate-limiter';
import { RedisRateLimiter } from '../../../src/adapters/rate-limit/redis/redis-rate-limiter';
import type { LogFields, Logger } from '../../../src/application/ports/logger';
import type { RateLimiter } from '../../../src/application/ports/rate-limiter';
import { TOKENS } from '../../../src/application/ports/tokens';
import { Disposers } from '../../../src/config/disposers';
import type { RateLimitConfig } from '../../../src/config/config';
import { bindRateLimiter } from '../../../src/config/modules/rate-limit-module';
import { freePort } from '../../faults/support/processes';

const LIMITS = { customer: { perSecond: 5, burst: 10 }, anonymous: { perSecond: 0, burst: 0 } };

function recordingLogger(): Logger & { infos: [string, LogFields?][] } {
  const infos: [string, LogFields?][] = [];
  return { infos, info: (...entry) => infos.push(entry), warn: () => {}, error: () => {} };
}

function bind(config: RateLimitConfig, logger: Logger = recordingLogger()) {
  const container = new Container({ defaultScope: 'Singleton' });
  const disposers = new Disposers();
  bindRateLimiter(container, config, logger, disposers, []);
  return { limiter: container.get<RateLimiter>(TOKENS.RateLimiter), disposers };
}

describe('bindRateLimiter', () => {
  it('binds limits of the process when there is no Redis', async () => {
    const { limiter } = bind({ ...LIMITS, keyPrefix: 'test:' });

    expect(limiter).toBeInstanceOf(MemoryRateLimiter);
    expect(await limiter.take({ kind: 'anonymous', key: randomUUID() })).toBeNull();
  });

  it('binds shared limits with a Redis URL, answering even while Redis is unreachable', async () => {
    const logger = recordingLogger();
    const { limiter, disposers } = bind(
      { ...LIMITS, redisUrl: `redis://127.0.0.1:${await freePort()}`, keyPrefix: 'test:' },
      logger,
    );

    expect(limiter).toBeInstanceOf(RedisRateLimiter);
    expect(await limiter.take({ kind: 'customer', key: randomUUID() })).toMatchObject({
      allowed: true,
    });

    await disposers.disposeAll(logger);
    expect(logger.infos).toContainEqual(['closed', { resource: 'redis rate limiter client' }]);
  });
});
