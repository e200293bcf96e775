import { randomUUID } from 'node:crypto';
import { MemoryRateLimiter } from '../../../src/adapters/rate-limit/memory/memory-rate-limiter';
import { rateLimiterContract } from '../rate-limiter.contract';

rateLimiterContract(
  (limits) => new MemoryRateLimiter({ ...limits, keyPrefix: `test:${randomUUID()}:` }),
);
