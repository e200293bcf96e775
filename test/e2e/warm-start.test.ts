import { randomBytes } from 'node:crypto';
import type { LogFields, Logger } from '../../src/application/ports/logger';
import type { OrderQueue } from '../../src/application/ports/order-queue';
import { TOKENS } from '../../src/application/ports/tokens';
import { loadConfig } from '../../src/config/config';
import { startService, type RunningService } from '../../src/config/service';
import { AMQP_URL, dropQueue, REDIS_URL } from '../support/brokers';
import {
  createTestDatabase,
  SERVICE_TABLES_CHILDREN_FIRST,
  type TestDatabase,
} from '../support/mysql';
import { TEST_AUTH_SECRET } from '../support/tokens';

/** Keeps the fields of each line logged, by message. */
class RecordingLogger implements Logger {
  readonly lines = new Map<string, LogFields | undefined>();
  info(message: string, fields?: LogFields): void {
    this.lines.set(message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.lines.set(message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.lines.set(message, fields);
  }
}

const POOL_SIZE = 4;

describe.each(['bullmq', 'rabbitmq'] as const)('a service started on %s (ROLE=all)', (driver) => {
  const queueName = `warm-${driver}-${randomBytes(4).toString('hex')}`;
  const logger = new RecordingLogger();
  let database: TestDatabase;
  let service: RunningService;

  beforeAll(async () => {
    database = await createTestDatabase(`warm_${driver}`);
    service = await startService(
      loadConfig({
        DATABASE_URL: database.url,
        REDIS_URL,
        AMQP_URL,
        QUEUE_DRIVER: driver,
        QUEUE_NAME: queueName,
        CACHE_KEY_PREFIX: `${queueName}:`,
        DB_POOL_SIZE: String(POOL_SIZE),
        PORT: '0',
        AUTH_JWT_SECRET: TEST_AUTH_SECRET,
      }),
      logger,
    );
  });

  afterAll(async () => {
    await service?.stop();
    await dropQueue(driver, queueName);
    await database?.drop();
  });

  it('ran every request path before it listened, each refused or not found', () => {
    const warmed = logger.lines.get('warmed up the request paths');
    expect(warmed?.answers).toEqual({ '404': expect.any(Number), '422': expect.any(Number) });
    const answers = warmed?.answers as Record<string, number>;
    // Per round: one order refused (422), a cancellation, an order read and a product read (404).
    expect(answers['404']).toBe(3 * (answers['422'] ?? 0));
  });

  it('stored, settled and refunded orders in transactions it rolled back', () => {
    expect(logger.lines.get('rehearsed the order path')?.outcome).toEqual({
      COMPLETED: 32,
      CANCELLED: 32,
    });
  });

  it('opened every connection of its pool before it listened', async () => {
    expect(logger.lines.get('warmed up')?.['database connections']).toMatch(/^\d+ ms$/);
    const [row] = await database.query(
      'SELECT COUNT(*) AS connections FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
      [database.name],
    );
    expect(Number(row?.connections)).toBe(POOL_SIZE);
  });

  it('left nothing behind: no row in any table, nothing queued', async () => {
    for (const table of SERVICE_TABLES_CHILDREN_FIRST) {
      const [row] = await database.query('SELECT COUNT(*) AS count FROM ??', [table]);
      expect({ table, count: Number(row?.count) }).toEqual({ table, count: 0 });
    }
    const queue = service.composition.container.get<OrderQueue>(TOKENS.OrderQueue);
    expect(await queue.depth()).toBe(0);
  });
});
