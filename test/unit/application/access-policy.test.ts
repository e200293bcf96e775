import {
  ACCESS,
  authorise,
  OPERATIONS,
  reaches,
  type Operation,
} from '../../../src/application/access/access-policy';
import type { Caller } from '../../../src/application/access/caller';
import { customerId } from '../../../src/domain/shared/ids';
import { ADMIN, asCustomer } from '../../support/tokens';

/**
 * The table of API.md, written out: what each role may do with its own resource and with another
 * customer's. `forbidden`: 403 whatever the resource; `hidden`: the resource is out of reach (a use
 * case answers 404 for one named in the URL, 403 for one named in a body).
 */
type Outcome = 'allowed' | 'forbidden' | 'hidden';
const CONTRACT: Record<Operation, { admin: Outcome; own: Outcome; another: Outcome }> = {
  createCustomer: { admin: 'allowed', own: 'forbidden', another: 'forbidden' },
  depositFunds: { admin: 'allowed', own: 'forbidden', another: 'forbidden' },
  createProduct: { admin: 'allowed', own: 'forbidden', another: 'forbidden' },
  updateProduct: { admin: 'allowed', own: 'forbidden', another: 'forbidden' },
  getCustomer: { admin: 'allowed', own: 'allowed', another: 'hidden' },
  listCustomerOrders: { admin: 'allowed', own: 'allowed', another: 'hidden' },
  placeOrder: { admin: 'allowed', own: 'allowed', another: 'hidden' },
  getOrder: { admin: 'allowed', own: 'allowed', another: 'hidden' },
  cancelOrder: { admin: 'allowed', own: 'allowed', another: 'hidden' },
};

const alice = asCustomer('alice');
const bob = customerId('bob');

function outcome(caller: Caller, operation: Operation, owner: string): Outcome {
  try {
    authorise(caller, operation);
  } catch (error) {
    expect(error).toMatchObject({ code: 'FORBIDDEN' });
    return 'forbidden';
  }
  return reaches(caller, operation, customerId(owner)) ? 'allowed' : 'hidden';
}

describe('the access policy', () => {
  it('covers every operation the table names, and no other', () => {
    expect(Object.keys(ACCESS).sort()).toEqual([...OPERATIONS].sort());
    expect(Object.keys(CONTRACT).sort()).toEqual([...OPERATIONS].sort());
  });

  it.each(OPERATIONS.map((operation) => [operation, CONTRACT[operation]] as const))(
    '%s: admin %p',
    (operation, expected) => {
      expect({
        admin: outcome(ADMIN, operation, bob),
        own: outcome(alice, operation, 'alice'),
        another: outcome(alice, operation, bob),
      }).toEqual(expected);
    },
  );
});
