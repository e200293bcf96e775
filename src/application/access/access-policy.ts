import { DomainError } from '../../domain/shared/domain-error';
import type { CustomerId } from '../../domain/shared/ids';
import type { Caller, Role } from './caller';

/** Every operation that needs a caller; public reads (products, health) need none. */
export const OPERATIONS = [
  'createCustomer',
  'getCustomer',
  'depositFunds',
  'listCustomerOrders',
  'createProduct',
  'updateProduct',
  'placeOrder',
  'getOrder',
  'cancelOrder',
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Whose resources a role reaches with an operation: everyone's, only its own, or none. */
export type Reach = 'any' | 'own' | 'none';

/** Who may do what: the one place this is decided. The use cases consult it. */
export const ACCESS: Readonly<Record<Operation, Readonly<Record<Role, Reach>>>> = {
  createCustomer: { admin: 'any', customer: 'none' },
  getCustomer: { admin: 'any', customer: 'own' },
  depositFunds: { admin: 'any', customer: 'none' },
  listCustomerOrders: { admin: 'any', customer: 'own' },
  createProduct: { admin: 'any', customer: 'none' },
  updateProduct: { admin: 'any', customer: 'none' },
  placeOrder: { admin: 'any', customer: 'own' },
  getOrder: { admin: 'any', customer: 'own' },
  cancelOrder: { admin: 'any', customer: 'own' },
};

export class ForbiddenError extends DomainError {
  constructor() {
    super('FORBIDDEN', 'This caller may not do this');
  }
}

/** Throws FORBIDDEN when the caller's role may not perform the operation on anything. */
export function authorise(caller: Caller, operation: Operation): void {
  if (ACCESS[operation][caller.role] === 'none') throw new ForbiddenError();
}

/**
 * Whether the caller reaches a resource owned by `owner` with the operation. A use case answers
 * NOT_FOUND when the resource was named in the URL, so that another customer's resource cannot be
 * told from one that does not exist, and FORBIDDEN when the caller named it in a body.
 */
export function reaches(caller: Caller, operation: Operation, owner: CustomerId): boolean {
  switch (ACCESS[operation][caller.role]) {
    case 'any':
      return true;
    case 'own':
      return caller.role === 'customer' && caller.customerId === owner;
    case 'none':
      return false;
  }
}
