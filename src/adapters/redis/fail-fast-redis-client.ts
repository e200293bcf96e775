import Redis from 'ioredis';

const CONNECT_TIMEOUT_MS = 500;
const COMMAND_TIMEOUT_MS = 500;
const DISCONNECT_TIMEOUT_MS = 200;
const RECONNECT_STEP_MS = 100;
const RECONNECT_CAP_MS = 2000;

/**
 * A Redis client tuned to fail fast, for users that have a fallback (the product cache reads the
 * database, the rate limiter counts in the process): a command issued while Redis is unreachable
 * must reject at once instead of waiting in ioredis' offline queue. The client keeps reconnecting
 * in the background, so its users come back on their own when Redis does.
 *
 * Commands sent before the first connection is ready reject too; callers that need Redis from the
 * first request (tests, readiness) wait for the `ready` event.
 */
export function createFailFastRedisClient(
  url: string,
  onError?: (error: Error) => void,
  { autoPipelining = false } = {},
): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    enableAutoPipelining: autoPipelining,
    // An in-flight command is not resent after a dropped connection: it fails on the first retry.
    maxRetriesPerRequest: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * RECONNECT_STEP_MS, RECONNECT_CAP_MS),
    // A socket that Redis never closes must not hold up shutdown (the default waits 2 s).
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
  });
  // Without a listener ioredis prints every failed reconnect attempt to stderr.
  if (onError) redis.on('error', onError);
  return redis;
}

/** Resolves once the client is connected: until then its commands fail and its users fall back. */
export function whenConnected(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => redis.once('ready', () => resolve()));
}

/**
 * Closes the client for good. QUIT needs a live connection (without the offline queue it is
 * rejected while Redis is down), so a client that is not connected drops its socket instead, which
 * also stops the background reconnects.
 */
export async function closeFailFastRedisClient(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit().catch(() => redis.disconnect());
    return;
  }
  redis.disconnect();
}
