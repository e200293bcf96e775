import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { eventually } from '../../support/eventually';
import { freePort, spawnManaged, type ManagedProcess } from './processes';

const run = promisify(execFile);

/**
 * A redis-server of the test's own, on its own port, keeping nothing on disk: a restart brings
 * it back EMPTY, as a crash of an unpersisted Redis would. Never the shared 6379.
 */
export class OwnRedis {
  private server: ManagedProcess | null = null;
  private starts = 0;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(dir: string): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort(), dir);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts a fresh, empty server on the same port. */
  async restart(): Promise<void> {
    if (this.server?.running) throw new Error('redis-server is still running');
    this.starts += 1;
    this.server = spawnManaged(
      'redis-server',
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--dir',
        this.dir,
      ],
      { logFile: join(this.dir, `redis-${this.starts}.log`) },
    );
    await eventually(
      async () => {
        if (!this.server?.running) throw new Error(`redis-server exited; see ${this.dir}`);
        // A refused probe's socket is closed before disconnect() listens for its close, so
        // ioredis' disconnect timer would hold the test process up to its default wait.
        const client = new Redis(this.url, {
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          disconnectTimeout: 0,
        });
        client.on('error', () => {});
        try {
          await client.connect();
          await client.ping();
        } finally {
          client.disconnect();
        }
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  }

  /** SIGKILL: whatever it held is gone. */
  async kill(): Promise<void> {
    await this.server?.stop('SIGKILL');
  }
}

/** Run as root, mariadbd must drop to the mysql user; anyone else runs it as themselves. */
const AS_MYSQL = process.getuid?.() === 0 ? ['--user=mysql'] : [];

export interface OwnMariadbOptions {
  /** --innodb-buffer-pool-size, e.g. '64M'. */
  bufferPool?: string;
}

/**
 * A mariadbd of the test's own, with its own data directory, port and socket, that a test may
 * kill and start again; root has no password over TCP. Never the shared 3306.
 */
export class OwnMariadb {
  private server: ManagedProcess | null = null;
  private starts = 0;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    /** Read at each (re)start. */
    public bufferPool: string,
  ) {}

  /** A new server on a new data directory under `dir`. */
  static async start(dir: string, options: OwnMariadbOptions = {}): Promise<OwnMariadb> {
    // Dropped to the mysql user, mariadbd must reach the directory (and it owns its data).
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
    await run('mariadb-install-db', [
      '--no-defaults',
      ...AS_MYSQL,
      `--datadir=${join(dir, 'data')}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ]);
    return OwnMariadb.open(dir, options);
  }

  /** A server on the data directory a stopped OwnMariadb left under `dir`. */
  static async open(dir: string, options: OwnMariadbOptions = {}): Promise<OwnMariadb> {
    chmodSync(dir, 0o755);
    const mariadb = new OwnMariadb(await freePort(), dir, options.bufferPool ?? '64M');
    await mariadb.restart();
    return mariadb;
  }

  /** The running server's process id; null when stopped. */
  get pid(): number | null {
    return this.server?.running ? this.server.pid : null;
  }

  /** A URL for the service, naming `database` on this server. */
  url(database: string): string {
    return `mysql://root@127.0.0.1:${this.port}/${database}`;
  }

  async restart(): Promise<void> {
    if (this.server?.running) throw new Error('mariadbd is still running');
    this.starts += 1;
    const data = join(this.dir, 'data');
    this.server = spawnManaged(
      'mariadbd',
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${data}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(data, 'mysqld.sock')}`,
        `--pid-file=${join(data, 'mysqld.pid')}`,
        ...AS_MYSQL,
        '--skip-log-bin',
        '--skip-name-resolve',
        `--innodb-buffer-pool-size=${this.bufferPool}`,
        '--max-connections=200',
      ],
      { logFile: join(this.dir, `mariadbd-${this.starts}.log`) },
    );
    await eventually(
      async () => {
        if (!this.server?.running) throw new Error(`mariadbd exited; see ${this.dir}`);
        const connection = await createConnection({
          host: '127.0.0.1',
          port: this.port,
          user: 'root',
        });
        await connection.end();
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
  }

  /** Stops the server with `signal`: SIGKILL is a crash, SIGTERM a clean shutdown. */
  async stop(signal: NodeJS.Signals): Promise<void> {
    await this.server?.stop(signal, 30_000);
  }
}
