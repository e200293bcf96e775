import { initialSchema } from './0001-initial-schema';
import type { SqlMigration } from './sql-migration';

/** Every migration, oldest first. A new one is appended here and never edited once released. */
export const MIGRATIONS: readonly SqlMigration[] = [initialSchema];

export type { SqlMigration };
