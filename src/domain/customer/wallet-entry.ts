import type { CustomerId, OrderId } from '../shared/ids';

/**
 * One balance movement. The sum of a customer's entries equals the balance: the opening balance
 * is an entry too. An order has at most one debit and at most one refund.
 */
export type WalletEntryKind = 'OPENING' | 'DEPOSIT' | 'ORDER_DEBIT' | 'ORDER_REFUND';

/** The entries that put money into the wallet from outside: their sum is what was ever credited. */
export const CREDIT_KINDS: readonly WalletEntryKind[] = ['OPENING', 'DEPOSIT'];

export interface WalletEntry {
  readonly customerId: CustomerId;
  readonly orderId: OrderId | null;
  readonly kind: WalletEntryKind;
  /** Signed: credits positive, debits negative. */
  readonly amount: number;
  readonly createdAt: Date;
}
