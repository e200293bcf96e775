import { MemoryProductCache } from '../../../src/adapters/cache/memory/memory-product-cache';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { productCacheContract } from '../product-cache.contract';

// The real clock, so that expiry is exercised the same way as Redis' own TTL.
productCacheContract(({ ttlMs }) => new MemoryProductCache(ttlMs, new SystemClock()));
