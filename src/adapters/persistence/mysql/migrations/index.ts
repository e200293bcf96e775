import { initialSchema } from './0001-initial-schema';
import { inventoryLedger } from './0002-inventory-ledger';
import { ledgerCreditIndexes } from './0003-ledger-credit-indexes';
import { noParentLocksOnOrderInsert } from './0004-no-parent-locks-on-order-insert';
import { binaryIds } from './0005-binary-ids';
import type { SqlMigration } from './sql-migration';

/** Every migration, oldest first. A new one is appended here and never edited once released. */
export const MIGRATIONS: readonly SqlMigration[] = [
  initialSchema,
  inventoryLedger,
  ledgerCreditIndexes,
  noParentLocksOnOrderInsert,
  binaryIds,
];

export type { SqlMigration };
