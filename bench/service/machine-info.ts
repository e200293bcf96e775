import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { connect as connectAmqp } from 'amqplib';
import Redis from 'ioredis';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import type { Servers } from './environment';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  mariadb: string;
  /** The settings that decide the cost of a commit. */
  mariadbSettings: Record<string, string>;
  redis: string;
  rabbitmq: string;
  commit: string;
  /** Uncommitted changes in the tree the figures come from. */
  dirty: boolean;
}

async function mariadb(
  servers: Servers,
): Promise<{ version: string; settings: Record<string, string> }> {
  const connection = await createConnection({ uri: servers.mysqlUrl });
  try {
    const [[row]] = await connection.query<RowDataPacket[]>('SELECT VERSION() AS version');
    const [variables] = await connection.query<RowDataPacket[]>(
      `SHOW VARIABLES WHERE Variable_name IN
       ('innodb_flush_log_at_trx_commit', 'innodb_buffer_pool_size', 'sync_binlog', 'log_bin')`,
    );
    return {
      version: String(row?.version),
      settings: Object.fromEntries(variables.map((v) => [v.Variable_name, String(v.Value)])),
    };
  } finally {
    await connection.end();
  }
}

async function redis(servers: Servers): Promise<string> {
  const client = new Redis(servers.redisUrl);
  try {
    const info = await client.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } finally {
    client.disconnect();
  }
}

async function rabbitmq(servers: Servers): Promise<string> {
  const connection = await connectAmqp(servers.amqpUrl);
  try {
    return connection.connection.serverProperties.version ?? 'unknown';
  } finally {
    await connection.close();
  }
}

function git(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
}

export async function machineInfo(root: string, servers: Servers): Promise<MachineInfo> {
  const database = await mariadb(servers);
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    mariadb: database.version,
    mariadbSettings: database.settings,
    redis: await redis(servers),
    rabbitmq: await rabbitmq(servers),
    commit: git(root, ['rev-parse', 'HEAD']),
    dirty: git(root, ['status', '--porcelain']).length > 0,
  };
}
