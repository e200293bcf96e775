import type { CustomerId } from '../../domain/shared/ids';

/**
 * Who makes a request, as its verified token says: an operator of the shop, or one customer acting
 * for itself. Anonymous requests reach only public endpoints, which never ask who calls.
 */
export type Caller =
  | { role: 'admin'; subject: string }
  | { role: 'customer'; subject: string; customerId: CustomerId };

export const ROLES = ['admin', 'customer'] as const;
export type Role = (typeof ROLES)[number];
