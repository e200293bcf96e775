import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import { AUTH_JWT_AUDIENCE, AUTH_JWT_ISSUER, AUTH_JWT_SECRET } from './env.ts';

/** Longer than any run: setup() signs every token once, and teardown() still uses them. */
const LIFETIME_SECONDS = 24 * 60 * 60;

const HEADER = encoding.b64encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' }), 'rawurl');

/**
 * An HS256 JWT that the service accepts with the same AUTH_JWT_SECRET (../shared/API.md,
 * "Authentication and authorisation"). k6 has no JWT library, so it is signed with k6/crypto.
 */
function signToken(role: 'admin' | 'customer', subject: string): string {
  const now = Math.floor(Date.now() / 1000);
  // JSON.stringify leaves out `iss` and `aud` when the deployment does not check them.
  const claims = {
    sub: subject,
    role,
    iat: now,
    exp: now + LIFETIME_SECONDS,
    iss: AUTH_JWT_ISSUER,
    aud: AUTH_JWT_AUDIENCE,
  };
  const signed = `${HEADER}.${encoding.b64encode(JSON.stringify(claims), 'rawurl')}`;
  return `${signed}.${crypto.hmac('sha256', AUTH_JWT_SECRET, signed, 'base64rawurl')}`;
}

/** The operator's token: makes the customers and products, and reads the outcome back. */
export function adminToken(): string {
  return signToken('admin', 'k6-admin');
}

/** A customer's own token (its `sub` is the customer's id): it acts only on its own orders. */
export function customerToken(customerId: string): string {
  return signToken('customer', customerId);
}
