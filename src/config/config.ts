/**
 * The only reader of process.env: parses it once, with one zod schema per entry point, into a
 * typed, validated configuration. Bad values and combinations fail at start-up with a message
 * naming every variable at fault.
 */
import { z } from 'zod';
import {
  DEFAULT_IN_FLIGHT_LIMITS,
  LARGEST_BODY_BYTES,
} from '../adapters/http/koa/requests-in-flight';
import { WAITERS_PER_CONNECTION } from '../adapters/persistence/mysql/pool-limits';
import type { BatchOptions } from '../application/shared/batcher';

export type Role = 'all' | 'api' | 'worker';

export type StoreConfig =
  { driver: 'memory' } | { driver: 'mysql'; url: string; poolSize: number; poolMaxWaiting: number };

export type CacheConfig =
  | { driver: 'memory'; ttlMs: number }
  | { driver: 'redis'; url: string; ttlMs: number; keyPrefix: string; localTtlMs: number };

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
  /**
   * One batch at a time, here and in the API: the work that arrives meanwhile makes the next
   * batch larger, and every statement saved is CPU saved (BENCHMARKS.md, "One batch at a time").
   */
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

/**
 * OpenTelemetry tracing, on when an OTLP endpoint is set. The SDK reads the other standard
 * `OTEL_*` variables itself (service name, sampler, headers, batch sizes); these are the ones
 * that decide whether, and through which exporter, it loads at all.
 */
export type TracingConfig =
  { enabled: false } | { enabled: true; protocol: 'http/protobuf' | 'http/json' };

export interface AppConfig {
  port: number;
  role: Role;
  logLevel: string;
  tracing: TracingConfig;
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
  /** After SIGTERM, how long /ready answers 503 while the process still serves, before it stops. */
  shutdownDrainMs: number;
  /** Nothing external is configured: everything runs in this process and forgets on exit. */
  embedded: boolean;
}

export interface ConfigProblem {
  /** The environment variable (or the command-line option) at fault. */
  variable: string;
  problem: string;
}

export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(variable: string, problem: string);
  constructor(problems: readonly ConfigProblem[]);
  constructor(first: string | readonly ConfigProblem[], problem = '') {
    const problems = typeof first === 'string' ? [{ variable: first, problem }] : first;
    const lines = problems.map((each) => `${each.variable} ${each.problem}`);
    super(
      lines.length === 1
        ? `Invalid configuration: ${lines[0]}`
        : `Invalid configuration:\n${lines.map((line) => `  ${line}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

/** A variable's text, trimmed; unset, empty and blank all leave it to its default. */
const text = z
  .string()
  .trim()
  .optional()
  .transform((value) => value || undefined);

const integer = (min: number, max: number) =>
  text.transform((raw, ctx) => {
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (Number.isInteger(value) && value >= min && value <= max) return value;
    ctx.addIssue({
      code: 'custom',
      message: `must be an integer from ${min} to ${max}, got "${raw}"`,
    });
    return z.NEVER;
  });

/** An integer variable with its default. */
const count = (min: number, max: number, fallback: number) =>
  integer(min, max).transform((value) => value ?? fallback);

const oneOf = <T extends string>(values: readonly T[]) =>
  text.transform((raw, ctx) => {
    if (raw === undefined || (values as readonly string[]).includes(raw)) {
      return raw as T | undefined;
    }
    ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')}, got "${raw}"` });
    return z.NEVER;
  });

const url = (protocols: readonly string[]) =>
  text.transform((raw, ctx) => {
    if (raw === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a valid URL' });
      return z.NEVER;
    }
    if (protocols.includes(parsed.protocol)) return raw;
    const starts = protocols.map((protocol) => `${protocol}//`).join(' or ');
    ctx.addIssue({ code: 'custom', message: `must start with ${starts}` });
    return z.NEVER;
  });

const MIN_SECRET_LENGTH = 32;

const secret = text.refine((value) => value === undefined || value.length >= MIN_SECRET_LENGTH, {
  message: `must be at least ${MIN_SECRET_LENGTH} characters`,
});

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every variable the service reads, with its bounds and default (README, "Configuration"). */
const serviceVariables = z.object({
  PORT: count(0, 65535, 8000),
  ROLE: oneOf(['all', 'api', 'worker'] as const).transform((role) => role ?? 'all'),
  LOG_LEVEL: oneOf(LOG_LEVELS).transform((level) => level ?? 'info'),
  DATABASE_URL: url(['mysql:']),
  REDIS_URL: url(['redis:', 'rediss:']),
  AMQP_URL: url(['amqp:', 'amqps:']),
  QUEUE_DRIVER: oneOf(['bullmq', 'rabbitmq', 'memory'] as const),
  QUEUE_NAME: text.transform((name) => name ?? 'orders'),
  WORKER_CONCURRENCY: count(1, 1024, 128),
  WORKER_BATCH_SIZE: count(1, 1000, 64),
  API_BATCH_SIZE: count(1, 1000, 100),
  JOB_MAX_ATTEMPTS: count(1, 100, 5),
  JOB_BACKOFF_MS: count(1, 600_000, 200),
  REPUBLISH_INTERVAL_MS: count(100, 3_600_000, 2000),
  REPUBLISH_AFTER_MS: count(100, 86_400_000, 5000),
  REPUBLISH_BATCH_SIZE: count(1, 100_000, 1000),
  // Minutes of the API's publishes with no worker taking any; see the README.
  MAX_BACKLOG: count(0, 10_000_000, 10_000),
  BACKLOG_SAMPLE_MS: count(1, 60_000, 250),
  MAX_REQUESTS_IN_FLIGHT: count(1, 1_000_000, DEFAULT_IN_FLIGHT_LIMITS.requests),
  // At least one body of the largest size must fit, or such a body would never be read.
  MAX_BODY_BYTES_IN_FLIGHT: count(
    LARGEST_BODY_BYTES,
    Number.MAX_SAFE_INTEGER,
    DEFAULT_IN_FLIGHT_LIMITS.bodyBytes,
  ),
  HEADERS_TIMEOUT_MS: count(100, 3_600_000, 10_000),
  REQUEST_TIMEOUT_MS: count(100, 3_600_000, 30_000),
  CACHE_TTL_MS: count(1, 3_600_000, 1000),
  CACHE_KEY_PREFIX: text.transform((prefix) => prefix ?? 'orders:'),
  CACHE_LOCAL_TTL_MS: count(0, 3_600_000, 250),
  DB_POOL_SIZE: count(1, 500, 10),
  /** Default: WAITERS_PER_CONNECTION per connection of the pool. */
  DB_POOL_MAX_WAITING: integer(1, 1_000_000),
  AUTH_JWT_SECRET: secret,
  AUTH_JWKS_URL: url(['https:', 'http:']),
  AUTH_JWT_ISSUER: text,
  AUTH_JWT_AUDIENCE: text,
  RATE_LIMIT_PER_SECOND: count(0, 1_000_000, 100),
  /** Default: 200, or RATE_LIMIT_PER_SECOND when that is more. */
  RATE_LIMIT_BURST: integer(0, 2_000_000),
  ANON_RATE_LIMIT_PER_SECOND: count(0, 1_000_000, 2000),
  READINESS_TIMEOUT_MS: count(10, 60_000, 1000),
  SHUTDOWN_TIMEOUT_MS: count(100, 600_000, 25_000),
  // Long enough for a load balancer probing every second or two to see /ready fail twice.
  SHUTDOWN_DRAIN_MS: count(0, 600_000, 5000),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url(['http:', 'https:']),
  // gRPC would need an exporter of its own; these two share one HTTP transport.
  OTEL_EXPORTER_OTLP_PROTOCOL: oneOf(['http/protobuf', 'http/json'] as const),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: oneOf(['http/protobuf', 'http/json'] as const),
  /** `otlp` (the default) or `none`, as the OpenTelemetry specification names them. */
  OTEL_TRACES_EXPORTER: oneOf(['otlp', 'none'] as const),
  OTEL_SDK_DISABLED: oneOf(['true', 'false'] as const),
});

type ServiceVariables = z.infer<typeof serviceVariables>;

/** Parses `env` with `schema`, or throws one ConfigError naming every variable at fault. */
function parse<T>(schema: z.ZodType<T>, env: Env): T {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? 'the environment'),
      problem: issue.message,
    })),
  );
}

function tracingConfig(vars: ServiceVariables): TracingConfig {
  const endpoint = vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? vars.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint || vars.OTEL_SDK_DISABLED === 'true' || vars.OTEL_TRACES_EXPORTER === 'none') {
    return { enabled: false };
  }
  const protocol =
    vars.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? vars.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  return { enabled: true, protocol };
}

/** Null when the driver lacks its URL (a problem is pushed). */
function queueConfig(vars: ServiceVariables, problems: ConfigProblem[]): QueueConfig | null {
  const { REDIS_URL: redisUrl, AMQP_URL: amqpUrl, QUEUE_NAME: queueName } = vars;
  const driver = vars.QUEUE_DRIVER ?? (redisUrl ? 'bullmq' : amqpUrl ? 'rabbitmq' : 'memory');
  switch (driver) {
    case 'bullmq':
      if (redisUrl) return { driver, redisUrl, queueName };
      problems.push({ variable: 'REDIS_URL', problem: 'is required when QUEUE_DRIVER=bullmq' });
      return null;
    case 'rabbitmq':
      if (amqpUrl) return { driver, url: amqpUrl, queueName };
      problems.push({ variable: 'AMQP_URL', problem: 'is required when QUEUE_DRIVER=rabbitmq' });
      return null;
    case 'memory':
      return { driver };
  }
}

function authConfig(
  vars: ServiceVariables,
  store: StoreConfig,
  problems: ConfigProblem[],
): AuthConfig | null {
  const { AUTH_JWT_SECRET: secret, AUTH_JWKS_URL: jwksUrl } = vars;
  const checks = { issuer: vars.AUTH_JWT_ISSUER, audience: vars.AUTH_JWT_AUDIENCE };
  if (secret && jwksUrl) {
    problems.push({
      variable: 'AUTH_JWT_SECRET',
      problem: 'and AUTH_JWKS_URL are both set: set only one',
    });
    return null;
  }
  if (secret) return { verify: 'secret', secret, ...checks };
  if (jwksUrl) return { verify: 'jwks', url: jwksUrl, ...checks };
  if (vars.ROLE === 'worker') return null;
  if (store.driver === 'mysql') {
    problems.push({
      variable: 'AUTH_JWT_SECRET',
      problem:
        'or AUTH_JWKS_URL is required when DATABASE_URL is set: the API verifies bearer tokens',
    });
    return null;
  }
  return { verify: 'generated', ...checks };
}

function rateLimitConfig(vars: ServiceVariables, problems: ConfigProblem[]): RateLimitConfig {
  const perSecond = vars.RATE_LIMIT_PER_SECOND;
  const anonymous = vars.ANON_RATE_LIMIT_PER_SECOND;
  const burst = vars.RATE_LIMIT_BURST ?? Math.max(200, perSecond);
  if (perSecond > 0 && burst < perSecond) {
    problems.push({
      variable: 'RATE_LIMIT_BURST',
      problem: 'must be at least RATE_LIMIT_PER_SECOND',
    });
  }
  return {
    customer: { perSecond, burst },
    anonymous: { perSecond: anonymous, burst: 2 * anonymous },
    redisUrl: vars.REDIS_URL,
    keyPrefix: vars.CACHE_KEY_PREFIX,
  };
}

function httpLimits(vars: ServiceVariables, problems: ConfigProblem[]): HttpLimitsConfig {
  const { HEADERS_TIMEOUT_MS: headersTimeoutMs, REQUEST_TIMEOUT_MS: requestTimeoutMs } = vars;
  if (headersTimeoutMs > requestTimeoutMs) {
    problems.push({
      variable: 'HEADERS_TIMEOUT_MS',
      problem: `must not exceed REQUEST_TIMEOUT_MS (${requestTimeoutMs}), got "${headersTimeoutMs}"`,
    });
  }
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    maxRequestsInFlight: vars.MAX_REQUESTS_IN_FLIGHT,
    maxBodyBytesInFlight: vars.MAX_BODY_BYTES_IN_FLIGHT,
  };
}

/** Throws ConfigError naming every variable at fault: each bad value, then each bad combination. */
export function loadConfig(env: Env = process.env): AppConfig {
  const vars = parse(serviceVariables, env);
  const problems: ConfigProblem[] = [];
  const { ROLE: role, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl } = vars;

  const store: StoreConfig = databaseUrl
    ? {
        driver: 'mysql',
        url: databaseUrl,
        poolSize: vars.DB_POOL_SIZE,
        poolMaxWaiting: vars.DB_POOL_MAX_WAITING ?? vars.DB_POOL_SIZE * WAITERS_PER_CONNECTION,
      }
    : { driver: 'memory' };
  const ttlMs = vars.CACHE_TTL_MS;
  const cache: CacheConfig = redisUrl
    ? {
        driver: 'redis',
        url: redisUrl,
        ttlMs,
        keyPrefix: vars.CACHE_KEY_PREFIX,
        localTtlMs: vars.CACHE_LOCAL_TTL_MS,
      }
    : { driver: 'memory', ttlMs };
  const queue = queueConfig(vars, problems);
  if (role !== 'all' && store.driver === 'memory') {
    problems.push({
      variable: 'ROLE',
      problem: `=${role} needs DATABASE_URL: the API and worker share the database`,
    });
  } else if (role !== 'all' && queue?.driver === 'memory') {
    problems.push({
      variable: 'ROLE',
      problem: `=${role} needs QUEUE_DRIVER=bullmq or rabbitmq to reach the other role`,
    });
  }
  const auth = authConfig(vars, store, problems);
  const rateLimit = rateLimitConfig(vars, problems);
  const http = httpLimits(vars, problems);
  if (problems.length > 0 || queue === null) throw new ConfigError(problems);

  return {
    port: vars.PORT,
    role,
    logLevel: vars.LOG_LEVEL,
    tracing: tracingConfig(vars),
    store,
    cache,
    queue,
    worker: {
      concurrency: vars.WORKER_CONCURRENCY,
      batching: { maxSize: vars.WORKER_BATCH_SIZE, maxInFlight: 1 },
      retry: { maxAttempts: vars.JOB_MAX_ATTEMPTS, backoffMs: vars.JOB_BACKOFF_MS },
      republish: {
        intervalMs: vars.REPUBLISH_INTERVAL_MS,
        stalledAfterMs: vars.REPUBLISH_AFTER_MS,
        batchSize: vars.REPUBLISH_BATCH_SIZE,
      },
    },
    auth,
    rateLimit,
    apiBatching: { maxSize: vars.API_BATCH_SIZE, maxInFlight: 1 },
    admission: { maxBacklog: vars.MAX_BACKLOG, sampleMs: vars.BACKLOG_SAMPLE_MS },
    httpLimits: http,
    readinessTimeoutMs: vars.READINESS_TIMEOUT_MS,
    shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS,
    shutdownDrainMs: vars.SHUTDOWN_DRAIN_MS,
    embedded: store.driver === 'memory' && queue.driver === 'memory' && cache.driver === 'memory',
  };
}

/** A variable without which the entry point cannot run. */
const required = <T>(schema: z.ZodType<T | undefined, string | undefined>, message: string) =>
  schema.transform((value, ctx): T => {
    if (value !== undefined) return value;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });

const tokenVariables = z.object({
  AUTH_JWT_SECRET: required(
    secret,
    `must be set, at least ${MIN_SECRET_LENGTH} characters: tokens are signed with it`,
  ),
  AUTH_JWT_ISSUER: text,
  AUTH_JWT_AUDIENCE: text,
});

/** What `npm run token` reads of the environment: the secret it signs with, and iss and aud. */
export function loadTokenEnvironment(env: Env = process.env): {
  secret: string;
  issuer?: string;
  audience?: string;
} {
  const vars = parse(tokenVariables, env);
  return {
    secret: vars.AUTH_JWT_SECRET,
    issuer: vars.AUTH_JWT_ISSUER,
    audience: vars.AUTH_JWT_AUDIENCE,
  };
}

const auditVariables = z.object({
  DATABASE_URL: required(url(['mysql:']), 'is required: the audit reads that database'),
});

/** What `npm run audit` reads of the environment: the database it checks. */
export function loadAuditEnvironment(env: Env = process.env): { databaseUrl: string } {
  return { databaseUrl: parse(auditVariables, env).DATABASE_URL };
}
