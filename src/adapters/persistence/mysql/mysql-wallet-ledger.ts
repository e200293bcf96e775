import type { RowDataPacket } from 'mysql2/promise';
import type { WalletLedger } from '../../../application/ports/wallet-ledger';
import {
  CREDIT_KINDS,
  type WalletEntry,
  type WalletEntryKind,
} from '../../../domain/customer/wallet-entry';
import type { CustomerId } from '../../../domain/shared/ids';
import { idToBinary, idToLookup } from './binary-id';
import type { Queryable } from './queryable';

interface WalletEntryRecord {
  customer_id: Buffer;
  order_id: Buffer | null;
  kind: WalletEntryKind;
  amount: number;
  created_at: Date;
}

/** SUM of a BIGINT is a DECIMAL, which the driver reads as a string. */
interface TotalRow extends RowDataPacket {
  total: string;
}

function toRow(entry: WalletEntry): WalletEntryRecord {
  return {
    customer_id: idToBinary(entry.customerId),
    order_id: entry.orderId === null ? null : idToBinary(entry.orderId),
    kind: entry.kind,
    amount: entry.amount,
    created_at: entry.createdAt,
  };
}

/**
 * Append-only. UNIQUE (order_id, kind) gives an order one debit and at most one refund; a second
 * one is a bug upstream, so its error is left as the driver raised it.
 */
export class MysqlWalletLedger implements WalletLedger {
  constructor(private readonly db: Queryable) {}

  append(entry: WalletEntry): Promise<void> {
    return this.appendMany([entry]);
  }

  async appendMany(entries: readonly WalletEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.write(
      'INSERT INTO wallet_ledger (customer_id, order_id, kind, amount, created_at) VALUES ?',
      [
        entries
          .map(toRow)
          .map((row) => [row.customer_id, row.order_id, row.kind, row.amount, row.created_at]),
      ],
    );
  }

  /** A range of idx_wallet_ledger_customer_kind, read from the index alone. */
  async creditedTotal(customerId: CustomerId): Promise<number> {
    const [row] = await this.db.select<TotalRow>(
      'SELECT COALESCE(SUM(amount), 0) AS total FROM wallet_ledger WHERE customer_id = ? AND kind IN (?)',
      [idToLookup(customerId), [...CREDIT_KINDS]],
    );
    return Number(row?.total ?? 0);
  }
}
