import type { CustomerId } from '../../../domain/shared/ids';
import { CREDIT_KINDS, type WalletEntry } from '../../../domain/customer/wallet-entry';
import type { WalletLedger } from '../../../application/ports/wallet-ledger';
import type { MemoryView } from './memory-view';

/** UNIQUE (order_id, kind); rows without an order never collide. */
const walletKey = (entry: WalletEntry): string => JSON.stringify([entry.orderId, entry.kind]);

export class MemoryWalletLedger implements WalletLedger {
  constructor(private readonly view: MemoryView) {}

  append(entry: WalletEntry): Promise<void> {
    return this.appendMany([entry]);
  }

  /** Checks every row before writing any, as one multi-row INSERT fails or succeeds whole. */
  async appendMany(entries: readonly WalletEntry[]): Promise<void> {
    const taken = new Set(
      this.view.ledger().flatMap((row) => (row.orderId === null ? [] : [walletKey(row)])),
    );
    for (const entry of entries) {
      if (!this.view.get('customers', entry.customerId)) {
        throw new Error(`FOREIGN KEY failed: customer ${entry.customerId}`);
      }
      if (entry.orderId === null) continue;
      if (!this.view.get('orders', entry.orderId)) {
        throw new Error(`FOREIGN KEY failed: order ${entry.orderId}`);
      }
      if (taken.has(walletKey(entry))) {
        throw new Error(`UNIQUE failed: ${entry.kind} of order ${entry.orderId}`);
      }
      taken.add(walletKey(entry));
    }
    for (const entry of entries) this.view.append(entry);
  }

  async creditedTotal(customerId: CustomerId): Promise<number> {
    return this.view
      .ledger()
      .filter((entry) => entry.customerId === customerId && CREDIT_KINDS.includes(entry.kind))
      .reduce((sum, entry) => sum + entry.amount, 0);
  }
}
