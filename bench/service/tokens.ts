import { signToken } from '../../src/adapters/auth/jose/jose-token-issuer';

/** Longer than any run, so that a token minted before a scenario still holds at its last step. */
const TTL = '1d';

/** The operator's token: seeds customers and products and restocks, never rate-limited. */
export function adminToken(secret: string): Promise<string> {
  return signToken(secret, { role: 'admin', subject: 'bench-admin', ttl: TTL });
}

/** A customer's own token (its `sub` is its id): it places and cancels only its own orders. */
export function customerToken(secret: string, customerId: string): Promise<string> {
  return signToken(secret, { role: 'customer', subject: customerId, ttl: TTL });
}
