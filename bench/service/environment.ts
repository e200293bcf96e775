import { randomBytes } from 'node:crypto';
import { connect as connectAmqp } from 'amqplib';
import Redis from 'ioredis';
import { createConnection, createPool, type Pool, type TypeCast } from 'mysql2/promise';
import { idFromBinary } from '../../src/adapters/persistence/mysql/binary-id';
import { rabbitmqQueueNames } from '../../src/adapters/queue/rabbitmq/rabbitmq-order-queue';
import type { BenchOptions } from '../options';

export type Driver = 'bullmq' | 'rabbitmq';

export interface Servers {
  /** A MySQL server URL without a database. */
  mysqlUrl: string;
  redisUrl: string;
  amqpUrl: string;
}

export const LOCAL_SERVERS: Servers = {
  mysqlUrl: 'mysql://root@127.0.0.1:3306',
  redisUrl: 'redis://127.0.0.1:6379',
  amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
};

export function databaseUrl(servers: Servers, database: string): string {
  const url = new URL(servers.mysqlUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh, empty database on the server; the caller drops it with dropDatabase. */
export async function createDatabase(servers: Servers, database: string): Promise<void> {
  const connection = await createConnection({ uri: servers.mysqlUrl });
  try {
    await connection.query('CREATE DATABASE ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [
      database,
    ]);
  } finally {
    await connection.end();
  }
}

export async function dropDatabase(servers: Servers, database: string): Promise<void> {
  const connection = await createConnection({ uri: servers.mysqlUrl });
  try {
    await connection.query('DROP DATABASE IF EXISTS ??', [database]);
  } finally {
    await connection.end();
  }
}

/** A few connections of the bench's own, for seeding checks and reading outcomes. */
/**
 * For the bench's own reads of the service's tables: ids as strings. They are the tables' only
 * fixed-length 16-byte columns (BINARY(16)).
 */
export const idsAsStrings: TypeCast = (field, next) => {
  if (field.type !== 'STRING' || field.length !== 16) return next();
  const bytes = field.buffer();
  return bytes === null ? null : idFromBinary(bytes);
};

export function openDatabase(servers: Servers, database: string, connections = 4): Pool {
  return createPool({
    uri: databaseUrl(servers, database),
    connectionLimit: connections,
    timezone: 'Z',
    typeCast: idsAsStrings,
  });
}

async function deleteRedisKeys(redisUrl: string, patterns: string[]): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    for (const pattern of patterns) {
      for await (const keys of redis.scanStream({ match: pattern, count: 1000 })) {
        if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]));
      }
    }
  } finally {
    redis.disconnect();
  }
}

async function deleteRabbitmqQueues(amqpUrl: string, queueName: string): Promise<void> {
  const connection = await connectAmqp(amqpUrl);
  try {
    const channel = await connection.createChannel();
    for (const queue of Object.values(rabbitmqQueueNames(queueName))) {
      await channel.deleteQueue(queue);
    }
  } finally {
    await connection.close();
  }
}

/** One run of the service on one queue driver: its own database, queue and cache keys. */
export interface ServiceEnvironment {
  driver: Driver;
  database: string;
  queueName: string;
  cacheKeyPrefix: string;
  /** AUTH_JWT_SECRET, random for each run: the bench signs its admin and customer tokens. */
  authSecret: string;
  /** The variables of src/config/config.ts, except ROLE, PORT and LOG_LEVEL. */
  serviceEnv: Record<string, string>;
  db: Pool;
  /** Drops the database, the queue and the cache keys, whatever state they are in. */
  cleanUp(): Promise<void>;
}

export interface ServiceTuning {
  workerConcurrency: number;
  workerBatchSize: number;
  apiBatchSize: number;
  dbPoolSize: number;
}

/** The rates the bench drives, and how far the saturation steps raise them. */
export type BenchLoad = Pick<
  BenchOptions,
  | 'rate'
  | 'orderRate'
  | 'createRate'
  | 'cancelRate'
  | 'contention'
  | 'saturation'
  | 'stepFactor'
  | 'maxSteps'
>;

/**
 * Rate limits stay on, so that their cost is measured, yet must never refuse the bench: every
 * product read comes from the generator's one address, and at worst one customer would send a
 * whole step's orders and cancellations (or every contention order at once). Both limits are
 * therefore twice the busiest rate any step reaches, so that an uneven second in the limiter's
 * fixed one-second windows stays under them too.
 */
function rateLimits(load: BenchLoad): Record<string, string> {
  const topStep = load.saturation ? load.stepFactor ** (load.maxSteps - 1) : 1;
  const busiest = Math.max(load.rate, load.orderRate, load.createRate + load.cancelRate) * topStep;
  const perSecond = Math.ceil(2 * Math.max(busiest, load.contention));
  return {
    RATE_LIMIT_PER_SECOND: String(perSecond),
    RATE_LIMIT_BURST: String(2 * perSecond),
    ANON_RATE_LIMIT_PER_SECOND: String(perSecond),
  };
}

/**
 * The service's environment on a new database of its own, or on `existingDatabase`, which it
 * then leaves in place.
 */
export async function createServiceEnvironment(
  servers: Servers,
  driver: Driver,
  runId: string,
  options: ServiceTuning & BenchLoad,
  existingDatabase: string | null = null,
): Promise<ServiceEnvironment> {
  const database = existingDatabase ?? `bench_${runId}_${driver}`;
  const queueName = `bench-${runId}-${driver}`;
  const cacheKeyPrefix = `${queueName}:`;
  const authSecret = randomBytes(32).toString('base64url');
  if (existingDatabase === null) await createDatabase(servers, database);
  const db = openDatabase(servers, database);
  return {
    driver,
    database,
    queueName,
    cacheKeyPrefix,
    authSecret,
    serviceEnv: {
      DATABASE_URL: databaseUrl(servers, database),
      REDIS_URL: servers.redisUrl,
      AMQP_URL: servers.amqpUrl,
      QUEUE_DRIVER: driver,
      QUEUE_NAME: queueName,
      CACHE_KEY_PREFIX: cacheKeyPrefix,
      WORKER_CONCURRENCY: String(options.workerConcurrency),
      WORKER_BATCH_SIZE: String(options.workerBatchSize),
      API_BATCH_SIZE: String(options.apiBatchSize),
      DB_POOL_SIZE: String(options.dbPoolSize),
      AUTH_JWT_SECRET: authSecret,
      ...rateLimits(options),
    },
    db,
    async cleanUp() {
      await db.end();
      if (existingDatabase === null) await dropDatabase(servers, database);
      // BullMQ keeps its keys under bull:<queue>:; the RabbitMQ adapter declares three queues.
      await deleteRedisKeys(servers.redisUrl, [`${cacheKeyPrefix}*`, `bull:${queueName}:*`]);
      if (driver === 'rabbitmq') await deleteRabbitmqQueues(servers.amqpUrl, queueName);
    },
  };
}
