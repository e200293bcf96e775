import type { WalletEntry } from '../../domain/customer/wallet-entry';

export interface WalletLedger {
  /** Appends one balance movement. An order's debit and refund are each unique. */
  append(entry: WalletEntry): Promise<void>;
}
