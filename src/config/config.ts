/**
 * The only reader of process.env: parses it once into a typed, validated configuration. A bad
 * value or combination fails at start-up with a message naming the variable.
 */
import {
  DEFAULT_IN_FLIGHT_LIMITS,
  LARGEST_BODY_BYTES,
} from '../adapters/http/koa/requests-in-flight';
import { WAITERS_PER_CONNECTION } from '../adapters/persistence/mysql/mysql-connection';
import type { BatchOptions } from '../application/shared/batcher';

export type Role = 'all' | 'api' | 'worker';

export type StoreConfig =
  { driver: 'memory' } | { driver: 'mysql'; url: string; poolSize: number; poolMaxWaiting: number };

export type CacheConfig =
  | { driver: 'memory'; ttlMs: number }
  | { driver: 'redis'; url: string; ttlMs: number; keyPrefix: string };

export type QueueConfig =
  | { driver: 'memory' }
  | { driver: 'bullmq'; redisUrl: string; queueName: string }
  | { driver: 'rabbitmq'; url: string; queueName: string };

/** How bearer tokens are verified; `generated`: a secret of this process's own (embedded mode). */
export type AuthConfig = (
  { verify: 'secret'; secret: string } | { verify: 'jwks'; url: string } | { verify: 'generated' }
) & { issuer?: string; audience?: string };

export interface RateBudget {
  perSecond: number;
  burst: number;
}

/** Token buckets; a `perSecond` of 0 turns that limit off. */
export interface RateLimitConfig {
  customer: RateBudget;
  anonymous: RateBudget;
  /** With it, every process takes from the same buckets; without, each process counts its own. */
  redisUrl?: string;
  keyPrefix: string;
}

export interface WorkerConfig {
  concurrency: number;
  batching: BatchOptions;
  retry: { maxAttempts: number; backoffMs: number };
  republish: { intervalMs: number; stalledAfterMs: number; batchSize: number };
}

/** What a client may make the HTTP server hold, and for how long (API.md, "Limits"). */
export interface HttpLimitsConfig {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxRequestsInFlight: number;
  maxBodyBytesInFlight: number;
}

export interface AppConfig {
  port: number;
  role: Role;
  logLevel: string;
  store: StoreConfig;
  cache: CacheConfig;
  queue: QueueConfig;
  worker: WorkerConfig;
  /** Null for a worker alone: it serves no API. */
  auth: AuthConfig | null;
  rateLimit: RateLimitConfig;
  /** Order placements and cancellation requests, each batched on its own (see Batcher). */
  apiBatching: BatchOptions;
  admission: { maxBacklog: number; sampleMs: number };
  httpLimits: HttpLimitsConfig;
  readinessTimeoutMs: number;
  shutdownTimeoutMs: number;
  /** Nothing external is configured: everything runs in this process and forgets on exit. */
  embedded: boolean;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** A URL variable of one of `protocols`, or undefined when unset. */
export function readUrl(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[]): T | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  if (!(values as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${values.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function queueConfig(env: Env, redisUrl?: string, amqpUrl?: string): QueueConfig {
  const queueName = text(env, 'QUEUE_NAME') ?? 'orders';
  const driver =
    oneOf(env, 'QUEUE_DRIVER', ['bullmq', 'rabbitmq', 'memory'] as const) ??
    (redisUrl ? 'bullmq' : amqpUrl ? 'rabbitmq' : 'memory');
  switch (driver) {
    case 'bullmq':
      if (!redisUrl) throw new ConfigError('REDIS_URL', 'is required when QUEUE_DRIVER=bullmq');
      return { driver, redisUrl, queueName };
    case 'rabbitmq':
      if (!amqpUrl) throw new ConfigError('AMQP_URL', 'is required when QUEUE_DRIVER=rabbitmq');
      return { driver, url: amqpUrl, queueName };
    case 'memory':
      return { driver };
  }
}

const MIN_SECRET_LENGTH = 32;

function authConfig(env: Env, role: Role, store: StoreConfig): AuthConfig | null {
  const secret = text(env, 'AUTH_JWT_SECRET');
  const jwksUrl = readUrl(env, 'AUTH_JWKS_URL', ['https:', 'http:']);
  const checks = { issuer: text(env, 'AUTH_JWT_ISSUER'), audience: text(env, 'AUTH_JWT_AUDIENCE') };
  if (secret && jwksUrl) {
    throw new ConfigError('AUTH_JWT_SECRET', 'and AUTH_JWKS_URL are both set: set only one');
  }
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError('AUTH_JWT_SECRET', `must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (secret) return { verify: 'secret', secret, ...checks };
  if (jwksUrl) return { verify: 'jwks', url: jwksUrl, ...checks };
  if (role === 'worker') return null;
  if (store.driver === 'mysql') {
    throw new ConfigError(
      'AUTH_JWT_SECRET',
      'or AUTH_JWKS_URL is required when DATABASE_URL is set: the API verifies bearer tokens',
    );
  }
  return { verify: 'generated', ...checks };
}

function rateLimitConfig(
  env: Env,
  redisUrl: string | undefined,
  keyPrefix: string,
): RateLimitConfig {
  const perSecond = integer(env, 'RATE_LIMIT_PER_SECOND', 100, 0, 1_000_000);
  const anonymous = integer(env, 'ANON_RATE_LIMIT_PER_SECOND', 2000, 0, 1_000_000);
  const burst = integer(env, 'RATE_LIMIT_BURST', Math.max(200, perSecond), 0, 2_000_000);
  if (perSecond > 0 && burst < perSecond) {
    throw new ConfigError('RATE_LIMIT_BURST', 'must be at least RATE_LIMIT_PER_SECOND');
  }
  return {
    customer: { perSecond, burst },
    anonymous: { perSecond: anonymous, burst: 2 * anonymous },
    redisUrl,
    keyPrefix,
  };
}

function mysqlStore(env: Env, url: string): StoreConfig {
  const poolSize = integer(env, 'DB_POOL_SIZE', 10, 1, 500);
  return {
    driver: 'mysql',
    url,
    poolSize,
    poolMaxWaiting: integer(
      env,
      'DB_POOL_MAX_WAITING',
      poolSize * WAITERS_PER_CONNECTION,
      1,
      1_000_000,
    ),
  };
}

function httpLimits(env: Env): HttpLimitsConfig {
  const headersTimeoutMs = integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000);
  const requestTimeoutMs = integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      'HEADERS_TIMEOUT_MS',
      `must not exceed REQUEST_TIMEOUT_MS (${requestTimeoutMs}), got "${headersTimeoutMs}"`,
    );
  }
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    maxRequestsInFlight: integer(
      env,
      'MAX_REQUESTS_IN_FLIGHT',
      DEFAULT_IN_FLIGHT_LIMITS.requests,
      1,
      1_000_000,
    ),
    // At least one body of the largest size must fit, or such a body would never be read.
    maxBodyBytesInFlight: integer(
      env,
      'MAX_BODY_BYTES_IN_FLIGHT',
      DEFAULT_IN_FLIGHT_LIMITS.bodyBytes,
      LARGEST_BODY_BYTES,
      Number.MAX_SAFE_INTEGER,
    ),
  };
}

export function loadConfig(env: Env = process.env): AppConfig {
  const role = oneOf(env, 'ROLE', ['all', 'api', 'worker'] as const) ?? 'all';
  const databaseUrl = readUrl(env, 'DATABASE_URL', ['mysql:']);
  const redisUrl = readUrl(env, 'REDIS_URL', ['redis:', 'rediss:']);
  const amqpUrl = readUrl(env, 'AMQP_URL', ['amqp:', 'amqps:']);
  const ttlMs = integer(env, 'CACHE_TTL_MS', 1000, 1, 3_600_000);

  const store: StoreConfig = databaseUrl ? mysqlStore(env, databaseUrl) : { driver: 'memory' };
  const keyPrefix = text(env, 'CACHE_KEY_PREFIX') ?? 'orders:';
  const cache: CacheConfig = redisUrl
    ? { driver: 'redis', url: redisUrl, ttlMs, keyPrefix }
    : { driver: 'memory', ttlMs };
  const queue = queueConfig(env, redisUrl, amqpUrl);

  if (role !== 'all' && store.driver === 'memory') {
    throw new ConfigError(
      'ROLE',
      `=${role} needs DATABASE_URL: the API and worker share the database`,
    );
  }
  if (role !== 'all' && queue.driver === 'memory') {
    throw new ConfigError(
      'ROLE',
      `=${role} needs QUEUE_DRIVER=bullmq or rabbitmq to reach the other role`,
    );
  }

  return {
    port: integer(env, 'PORT', 8000, 0, 65535),
    role,
    logLevel:
      oneOf(env, 'LOG_LEVEL', [
        'fatal',
        'error',
        'warn',
        'info',
        'debug',
        'trace',
        'silent',
      ] as const) ?? 'info',
    store,
    cache,
    queue,
    worker: {
      concurrency: integer(env, 'WORKER_CONCURRENCY', 128, 1, 1024),
      // One batch at a time, here and in the API: the work that arrives meanwhile makes the next
      // batch larger, and every statement saved is CPU saved. Measured with npm run bench: 2 or 4
      // batches in flight cost 10-20 % more CPU per order and answered no faster.
      batching: { maxSize: integer(env, 'WORKER_BATCH_SIZE', 64, 1, 1000), maxInFlight: 1 },
      retry: {
        maxAttempts: integer(env, 'JOB_MAX_ATTEMPTS', 5, 1, 100),
        backoffMs: integer(env, 'JOB_BACKOFF_MS', 200, 1, 600_000),
      },
      republish: {
        intervalMs: integer(env, 'REPUBLISH_INTERVAL_MS', 2000, 100, 3_600_000),
        stalledAfterMs: integer(env, 'REPUBLISH_AFTER_MS', 5000, 100, 86_400_000),
        batchSize: integer(env, 'REPUBLISH_BATCH_SIZE', 1000, 1, 100_000),
      },
    },
    auth: authConfig(env, role, store),
    rateLimit: rateLimitConfig(env, redisUrl, keyPrefix),
    apiBatching: { maxSize: integer(env, 'API_BATCH_SIZE', 100, 1, 1000), maxInFlight: 1 },
    admission: {
      // Minutes of the API's publishes with no worker taking any; see the README.
      maxBacklog: integer(env, 'MAX_BACKLOG', 10_000, 0, 10_000_000),
      sampleMs: integer(env, 'BACKLOG_SAMPLE_MS', 250, 1, 60_000),
    },
    httpLimits: httpLimits(env),
    readinessTimeoutMs: integer(env, 'READINESS_TIMEOUT_MS', 1000, 10, 60_000),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 25_000, 100, 600_000),
    embedded: store.driver === 'memory' && queue.driver === 'memory' && cache.driver === 'memory',
  };
}
