import { TEST_AUTH_SECRET } from '../../support/tokens';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AMQP_URL, REDIS_URL, dropQueue } from '../../support/brokers';
import { createTestDatabase, type TestDatabase } from '../../support/mysql';
import { expectCleanAudit } from './audit';
import { freePort, killAllManaged } from './processes';
import { startServiceProcess, type ServiceProcess } from './service-process';
import { StoreProbe } from './store-probe';

export type Driver = 'bullmq' | 'rabbitmq';
export const DRIVERS: readonly Driver[] = ['bullmq', 'rabbitmq'];

export interface RigOptions {
  /** A database URL on a server of the test's own; else a fresh database on the shared one. */
  databaseUrl?: string;
  /** A Redis of the test's own for BullMQ and the cache; else the shared one. */
  redisUrl?: string;
  /** Variables on top of the defaults, for every process of the rig. */
  env?: Record<string, string>;
}

/** Settings every fault test runs with: short re-publish delays so that recovery is quick. */
const BASE_ENV = {
  LOG_LEVEL: 'info',
  WORKER_CONCURRENCY: '8',
  DB_POOL_SIZE: '10',
  REPUBLISH_AFTER_MS: '2000',
  REPUBLISH_INTERVAL_MS: '500',
  JOB_BACKOFF_MS: '200',
  SHUTDOWN_TIMEOUT_MS: '15000',
  // No load balancer to drain from; the graceful-shutdown test sets its own.
  SHUTDOWN_DRAIN_MS: '0',
  AUTH_JWT_SECRET: TEST_AUTH_SECRET,
};

const rigs = new Set<FaultRig>();

/** A fresh directory under the system's temporary one, for logs and a server's files. */
export function scratchDir(label: string): string {
  const dir = join(tmpdir(), 'order-faults', `${label}-${randomBytes(3).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * One fault scenario's world: a database, a queue name, a log directory, the service processes
 * it runs (`node dist/main.js`), and the clean-up of all of it, passed or failed.
 */
export class FaultRig {
  readonly queueName: string;
  readonly env: Record<string, string>;
  readonly probe: StoreProbe;
  readonly baseUrl: string;
  api: ServiceProcess | null = null;
  readonly workers: ServiceProcess[] = [];
  /** Every service process this rig started, for clean-up. */
  private readonly started: ServiceProcess[] = [];
  private readonly extraCleanups: (() => Promise<void>)[] = [];

  private constructor(
    readonly driver: Driver,
    readonly logDir: string,
    readonly apiPort: number,
    private readonly database: TestDatabase | null,
    databaseUrl: string,
    redisUrl: string,
    extraEnv: Record<string, string>,
  ) {
    const suffix = randomBytes(4).toString('hex');
    this.queueName = `faults-${driver}-${suffix}`;
    this.env = {
      ...BASE_ENV,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      AMQP_URL,
      QUEUE_DRIVER: driver,
      QUEUE_NAME: this.queueName,
      CACHE_KEY_PREFIX: `${this.queueName}:`,
      PORT: String(apiPort),
      ...extraEnv,
    };
    this.probe = new StoreProbe(databaseUrl);
    this.baseUrl = `http://127.0.0.1:${apiPort}`;
  }

  static async create(label: string, driver: Driver, options: RigOptions = {}): Promise<FaultRig> {
    const logDir = scratchDir(`${label}-${driver}`);
    const database = options.databaseUrl ? null : await createTestDatabase(`faults_${label}`);
    const rig = new FaultRig(
      driver,
      logDir,
      await freePort(),
      database,
      options.databaseUrl ?? database?.url ?? '',
      options.redisUrl ?? REDIS_URL,
      options.env ?? {},
    );
    rigs.add(rig);
    return rig;
  }

  /** Runs `body`; cleans everything up after it; on failure names the log directory. */
  async run(body: (rig: this) => Promise<void>): Promise<void> {
    try {
      await body(this);
    } catch (error) {
      await this.cleanup(false);
      (error as Error).message += `\n(process logs kept in ${this.logDir})`;
      throw error;
    }
    await this.cleanup(true);
  }

  /** Something to undo on clean-up, such as a server of the test's own. */
  onCleanup(cleanup: () => Promise<void>): void {
    this.extraCleanups.push(cleanup);
  }

  async startApi(env: Record<string, string> = {}): Promise<ServiceProcess> {
    this.api = await startServiceProcess('api', { ...this.env, ...env }, this.logDir);
    this.started.push(this.api);
    return this.api;
  }

  async startWorker(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const worker = await startServiceProcess('worker', { ...this.env, ...env }, this.logDir);
    this.workers.push(worker);
    this.started.push(worker);
    return worker;
  }

  /** Fails unless the invariant audit of the service's database is clean. */
  audit(): Promise<string> {
    return expectCleanAudit(this.probe.pool);
  }

  /** Kills whatever still runs, drops the queue and the database; keeps logs of a failure. */
  async cleanup(passed: boolean): Promise<void> {
    if (!rigs.delete(this)) return;
    await Promise.all(this.started.map(({ process }) => process.stop('SIGKILL')));
    const steps: (() => Promise<unknown>)[] = [
      ...this.extraCleanups,
      () => this.probe.close(),
      () => dropQueue(this.driver, this.queueName),
    ];
    if (this.database) steps.push(() => this.database!.drop());
    for (const step of steps) {
      // Clean-up must not hide the test's own failure, nor stop the steps after it.
      await step().catch((error: unknown) =>
        process.stderr.write(`fault rig clean-up: ${String(error)}\n`),
      );
    }
    if (passed) rmSync(this.logDir, { recursive: true, force: true });
  }

  /** For afterAll: whatever a timed-out test left behind, servers of its own included. */
  static async cleanupAll(): Promise<void> {
    for (const rig of [...rigs]) await rig.cleanup(false);
    await killAllManaged();
  }
}

export interface Summary {
  fault: string;
  driver: Driver;
  /** Orders accepted and not yet settled when the fault struck. */
  inFlight: number;
  accepted: number;
  settled: number;
  /** From the end of the fault (the restart) to the last accepted order settled. */
  settleMs: number;
  audit: string;
  notes?: string;
}

/** The one line per test the closing note quotes. */
export function printSummary(summary: Summary): void {
  const notes = summary.notes ? ` notes="${summary.notes}"` : '';
  process.stdout.write(
    `FAULT-SUMMARY fault=${summary.fault} driver=${summary.driver} inFlight=${summary.inFlight} ` +
      `accepted=${summary.accepted} settled=${summary.settled} timeToSettleMs=${summary.settleMs} ` +
      `audit=${summary.audit}${notes}\n`,
  );
}
