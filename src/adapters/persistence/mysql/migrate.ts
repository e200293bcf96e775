import { createHash } from 'node:crypto';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { Umzug, type UmzugStorage } from 'umzug';
import { MIGRATIONS } from './migrations';
import { connectionOptions, type MysqlSettings } from './mysql-connection';
import { isConnectionFailure, translateMysqlError } from './mysql-errors';

const ER_BAD_DB_ERROR = 1049;
const LOCK_WAIT_SECONDS = 60;

interface NameRow extends RowDataPacket {
  name: string;
}

interface LockRow extends RowDataPacket {
  acquired: number | null;
}

/** umzug's record of what ran, in the migrated database itself. */
function tableStorage(connection: Connection): UmzugStorage {
  return {
    async logMigration({ name }) {
      await connection.query('INSERT INTO schema_migrations (name) VALUES (?)', [name]);
    },
    async unlogMigration({ name }) {
      await connection.query('DELETE FROM schema_migrations WHERE name = ?', [name]);
    },
    async executed() {
      const [rows] = await connection.query<NameRow[]>(
        'SELECT name FROM schema_migrations ORDER BY name',
      );
      return rows.map((row) => row.name);
    },
  };
}

async function connectCreatingDatabase(settings: MysqlSettings): Promise<Connection> {
  try {
    return await createConnection(connectionOptions(settings));
  } catch (error) {
    if ((error as { errno?: unknown }).errno !== ER_BAD_DB_ERROR) throw error;
  }
  const connection = await createConnection(connectionOptions(settings, false));
  try {
    await connection.query(
      'CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci',
      [settings.database],
    );
    await connection.query('USE ??', [settings.database]);
    return connection;
  } catch (error) {
    connection.destroy();
    throw error;
  }
}

/**
 * A server-wide named lock, so that of two processes starting at once one migrates and the other
 * waits, then finds nothing pending. The lock belongs to the session and ends with it. Hashed
 * because MySQL caps lock names at 64 characters and database names may use all of them.
 */
async function takeMigrationLock(connection: Connection, database: string): Promise<void> {
  const digest = createHash('sha256').update(database).digest('hex').slice(0, 32);
  const [[row]] = await connection.query<LockRow[]>('SELECT GET_LOCK(?, ?) AS acquired', [
    `schema_migrations:${digest}`,
    LOCK_WAIT_SECONDS,
  ]);
  if (row?.acquired !== 1) {
    throw new Error(`Waited ${LOCK_WAIT_SECONDS}s for another process to finish migrating`);
  }
}

async function applyPending(connection: Connection): Promise<string[]> {
  await connection.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
      name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
      applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (name)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  );
  const umzug = new Umzug({
    migrations: MIGRATIONS.map((migration) => ({
      name: migration.name,
      up: async () => {
        for (const statement of migration.up) await connection.query(statement);
      },
    })),
    storage: tableStorage(connection),
    logger: undefined,
  });
  const applied = await umzug.up();
  return applied.map((migration) => migration.name);
}

/** umzug wraps what a migration threw; an unreachable server is still "database unavailable". */
function translateMigrationError(error: unknown): unknown {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  return isConnectionFailure(cause) ? translateMysqlError(cause) : translateMysqlError(error);
}

/**
 * Brings the database named in the settings to the latest schema, creating it when missing.
 * Safe to run from several processes at once. Resolves with the names of the migrations it ran.
 */
export async function migrateDatabase(settings: MysqlSettings): Promise<string[]> {
  let connection: Connection;
  try {
    connection = await connectCreatingDatabase(settings);
  } catch (error) {
    throw translateMysqlError(error);
  }
  try {
    await takeMigrationLock(connection, settings.database);
    return await applyPending(connection);
  } catch (error) {
    throw translateMigrationError(error);
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}
