import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/config';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';

describe('loadConfig', () => {
  it('runs embedded, all in one process, when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8000,
      role: 'all',
      embedded: true,
      store: { driver: 'memory' },
      cache: { driver: 'memory' },
      queue: { driver: 'memory' },
    });
  });

  it('selects MySQL, Redis and the queue driver from the environment', () => {
    const config = loadConfig({
      DATABASE_URL: 'mysql://root@127.0.0.1:3306/shop',
      REDIS_URL: 'redis://127.0.0.1:6379',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      QUEUE_DRIVER: 'rabbitmq',
      ROLE: 'worker',
      WORKER_CONCURRENCY: '16',
    });
    expect(config).toMatchObject({
      role: 'worker',
      embedded: false,
      store: { driver: 'mysql', url: 'mysql://root@127.0.0.1:3306/shop' },
      cache: { driver: 'redis' },
      queue: { driver: 'rabbitmq', url: 'amqp://guest:guest@127.0.0.1:5672', queueName: 'orders' },
      worker: { concurrency: 16 },
    });
  });

  it('batches 64 jobs per worker transaction and 100 API writes, with 128 jobs in flight', () => {
    expect(loadConfig({})).toMatchObject({
      worker: { concurrency: 128, batching: { maxSize: 64, maxInFlight: 1 } },
      apiBatching: { maxSize: 100, maxInFlight: 1 },
    });
  });

  it.each(['1', '1000'])('accepts batch sizes of %s', (size) => {
    const config = loadConfig({ WORKER_BATCH_SIZE: size, API_BATCH_SIZE: size });
    expect(config.worker.batching).toEqual({ maxSize: Number(size), maxInFlight: 1 });
    expect(config.apiBatching).toEqual({ maxSize: Number(size), maxInFlight: 1 });
  });

  it('accepts up to 1024 jobs in flight', () => {
    expect(loadConfig({ WORKER_CONCURRENCY: '1024' }).worker.concurrency).toBe(1024);
  });

  it('bounds slow clients, requests in flight, the body bytes being read and the backlog by default', () => {
    expect(loadConfig({})).toMatchObject({
      httpLimits: {
        headersTimeoutMs: 10_000,
        requestTimeoutMs: 30_000,
        maxRequestsInFlight: 1000,
        maxBodyBytesInFlight: 16 * 1024 * 1024,
      },
      admission: { maxBacklog: 10_000 },
    });
  });

  it('sizes the bound on database pool waiters from the pool unless it is set', () => {
    const url = 'mysql://root@127.0.0.1:3306/shop';
    expect(
      loadConfig({ DATABASE_URL: url, DB_POOL_SIZE: '4', AUTH_JWT_SECRET: SECRET }).store,
    ).toMatchObject({
      poolSize: 4,
      poolMaxWaiting: 200,
    });
    expect(
      loadConfig({ DATABASE_URL: url, DB_POOL_MAX_WAITING: '7', AUTH_JWT_SECRET: SECRET }).store,
    ).toMatchObject({
      poolMaxWaiting: 7,
    });
  });

  it('defaults the queue to BullMQ when only Redis is configured', () => {
    expect(loadConfig({ REDIS_URL: 'redis://localhost:6379' }).queue.driver).toBe('bullmq');
  });

  it.each([
    [{ QUEUE_DRIVER: 'bullmq' }, 'REDIS_URL'],
    [{ QUEUE_DRIVER: 'rabbitmq' }, 'AMQP_URL'],
    [{ QUEUE_DRIVER: 'kafka' }, 'QUEUE_DRIVER'],
    [{ ROLE: 'api' }, 'ROLE'],
    [{ ROLE: 'worker', DATABASE_URL: 'mysql://root@h/db' }, 'ROLE'],
    [{ ROLE: 'both' }, 'ROLE'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'postgres://h/db' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ WORKER_CONCURRENCY: '0' }, 'WORKER_CONCURRENCY'],
    [{ WORKER_CONCURRENCY: '1025' }, 'WORKER_CONCURRENCY'],
    [{ WORKER_BATCH_SIZE: '0' }, 'WORKER_BATCH_SIZE'],
    [{ WORKER_BATCH_SIZE: '1001' }, 'WORKER_BATCH_SIZE'],
    [{ WORKER_BATCH_SIZE: '2.5' }, 'WORKER_BATCH_SIZE'],
    [{ WORKER_BATCH_SIZE: 'many' }, 'WORKER_BATCH_SIZE'],
    [{ API_BATCH_SIZE: '0' }, 'API_BATCH_SIZE'],
    [{ API_BATCH_SIZE: '1001' }, 'API_BATCH_SIZE'],
    [{ API_BATCH_SIZE: '-5' }, 'API_BATCH_SIZE'],
    [{ DATABASE_URL: 'mysql://root@h/db' }, 'AUTH_JWT_SECRET or AUTH_JWKS_URL is required'],
    [{ AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET must be at least 32'],
    [{ AUTH_JWT_SECRET: SECRET, AUTH_JWKS_URL: 'https://id/jwks' }, 'AUTH_JWT_SECRET'],
    [{ AUTH_JWKS_URL: 'ftp://id/jwks' }, 'AUTH_JWKS_URL'],
    [{ RATE_LIMIT_PER_SECOND: '-1' }, 'RATE_LIMIT_PER_SECOND'],
    [{ RATE_LIMIT_PER_SECOND: '50', RATE_LIMIT_BURST: '10' }, 'RATE_LIMIT_BURST'],
    [{ ANON_RATE_LIMIT_PER_SECOND: 'lots' }, 'ANON_RATE_LIMIT_PER_SECOND'],
    [{ HEADERS_TIMEOUT_MS: '0' }, 'HEADERS_TIMEOUT_MS'],
    [{ HEADERS_TIMEOUT_MS: '40000' }, 'HEADERS_TIMEOUT_MS'],
    [{ REQUEST_TIMEOUT_MS: 'soon' }, 'REQUEST_TIMEOUT_MS'],
    [{ MAX_REQUESTS_IN_FLIGHT: '0' }, 'MAX_REQUESTS_IN_FLIGHT'],
    [{ MAX_BODY_BYTES_IN_FLIGHT: '1000' }, 'MAX_BODY_BYTES_IN_FLIGHT'],
    [{ DATABASE_URL: 'mysql://root@h/db', DB_POOL_MAX_WAITING: '0' }, 'DB_POOL_MAX_WAITING'],
  ])('refuses %p, naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });

  it('verifies tokens with a secret of its own in embedded mode, and sets the contract limits', () => {
    expect(loadConfig({})).toMatchObject({
      auth: { verify: 'generated' },
      rateLimit: {
        customer: { perSecond: 100, burst: 200 },
        anonymous: { perSecond: 2000, burst: 4000 },
      },
    });
  });

  it('verifies with AUTH_JWT_SECRET or AUTH_JWKS_URL, checking iss and aud when set', () => {
    const database = { DATABASE_URL: 'mysql://root@h/db' };
    expect(loadConfig({ ...database, AUTH_JWT_SECRET: SECRET }).auth).toEqual({
      verify: 'secret',
      secret: SECRET,
      issuer: undefined,
      audience: undefined,
    });
    expect(
      loadConfig({
        ...database,
        AUTH_JWKS_URL: 'https://id.example/jwks.json',
        AUTH_JWT_ISSUER: 'https://id.example',
        AUTH_JWT_AUDIENCE: 'orders',
      }).auth,
    ).toEqual({
      verify: 'jwks',
      url: 'https://id.example/jwks.json',
      issuer: 'https://id.example',
      audience: 'orders',
    });
  });

  it('needs no token configuration for a worker alone, which serves no API', () => {
    const config = loadConfig({
      ROLE: 'worker',
      DATABASE_URL: 'mysql://root@h/db',
      REDIS_URL: 'redis://h:6379',
    });
    expect(config.auth).toBeNull();
  });

  it('shares rate limits through Redis when it is set; 0 turns a limit off', () => {
    const config = loadConfig({
      REDIS_URL: 'redis://h:6379',
      CACHE_KEY_PREFIX: 'shop:',
      RATE_LIMIT_PER_SECOND: '0',
      ANON_RATE_LIMIT_PER_SECOND: '10',
    });
    expect(config.rateLimit).toEqual({
      customer: { perSecond: 0, burst: 200 },
      anonymous: { perSecond: 10, burst: 20 },
      redisUrl: 'redis://h:6379',
      keyPrefix: 'shop:',
    });
  });

  it('names every bad variable at once, each with its problem', () => {
    const refusal = (() => {
      try {
        loadConfig({ PORT: 'eighty', WORKER_BATCH_SIZE: '0', ROLE: 'both' });
      } catch (error) {
        return error;
      }
      throw new Error('the configuration was accepted');
    })();
    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as ConfigError).problems.map((problem) => problem.variable).sort()).toEqual([
      'PORT',
      'ROLE',
      'WORKER_BATCH_SIZE',
    ]);
    expect((refusal as ConfigError).message).toContain(
      'WORKER_BATCH_SIZE must be an integer from 1 to 1000, got "0"',
    );
  });

  it('names a missing URL, not the role that would need it too', () => {
    const env = {
      ROLE: 'api',
      DATABASE_URL: 'mysql://h/db',
      QUEUE_DRIVER: 'bullmq',
      AUTH_JWT_SECRET: SECRET,
    };
    expect(() => loadConfig(env)).toThrow(
      new ConfigError('REDIS_URL', 'is required when QUEUE_DRIVER=bullmq'),
    );
  });

  it('turns tracing on only when an OTLP endpoint is set, over http/protobuf unless told', () => {
    expect(loadConfig({}).tracing).toEqual({ enabled: false });
    const endpoint = 'http://collector:4318';
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }).tracing).toEqual({
      enabled: true,
      protocol: 'http/protobuf',
    });
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${endpoint}/v1/traces`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      }).tracing,
    ).toEqual({ enabled: true, protocol: 'http/json' });
    for (const off of [{ OTEL_SDK_DISABLED: 'true' }, { OTEL_TRACES_EXPORTER: 'none' }]) {
      expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, ...off }).tracing).toEqual({
        enabled: false,
      });
    }
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318'],
    ['OTEL_TRACES_EXPORTER', 'zipkin'],
  ])('refuses %s=%s, which it cannot honour', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(variable);
  });

  /** The variables of the README's configuration table, as `NAME` in its first column. */
  function documentedVariables(): string[] {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('**Limits.**'));
    return section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([A-Z_]+)`/g)])
      .map((match) => match[1] as string);
  }

  const FREE_TEXT = ['QUEUE_NAME', 'CACHE_KEY_PREFIX', 'AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE'];

  it('reads and checks every variable the README documents', () => {
    const documented = documentedVariables();
    expect(documented).toEqual(
      expect.arrayContaining(['PORT', 'DB_POOL_MAX_WAITING', 'LOG_LEVEL']),
    );
    for (const variable of documented.filter((name) => !FREE_TEXT.includes(name))) {
      expect(() => loadConfig({ [variable]: '#bad#' })).toThrow(variable);
    }
    const config = loadConfig({
      REDIS_URL: 'redis://h:6379',
      QUEUE_NAME: 'shop-orders',
      CACHE_KEY_PREFIX: 'shop:',
      AUTH_JWT_ISSUER: 'https://id.shop',
      AUTH_JWT_AUDIENCE: 'orders',
    });
    expect(config).toMatchObject({
      queue: { queueName: 'shop-orders' },
      cache: { keyPrefix: 'shop:' },
      auth: { issuer: 'https://id.shop', audience: 'orders' },
    });
  });
});
