import type { WalletEntry } from '../../domain/customer/wallet-entry';
import type { CustomerId } from '../../domain/shared/ids';

export interface WalletLedger {
  /** Appends one balance movement. An order's debit and refund are each unique. */
  append(entry: WalletEntry): Promise<void>;
  /** Appends several movements, all or none (nothing for an empty list). */
  appendMany(entries: readonly WalletEntry[]): Promise<void>;

  /**
   * Everything ever credited to the customer: the sum of its OPENING and DEPOSIT entries, 0 when
   * it has none. Read it in the transaction that holds the customer's row lock: deposits take that
   * lock too, so none can land between the read and the commit.
   */
  creditedTotal(customerId: CustomerId): Promise<number>;
}
