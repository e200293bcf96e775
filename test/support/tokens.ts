import { createHmac } from 'node:crypto';
import type { Caller } from '../../src/application/access/caller';
import { customerId } from '../../src/domain/shared/ids';

/** The secret every test service verifies tokens with (AUTH_JWT_SECRET). */
export const TEST_AUTH_SECRET = 'test-secret-of-the-order-service-0123456789';

export const ADMIN: Caller = { role: 'admin', subject: 'test-admin' };

export function asCustomer(id: string): Caller {
  return { role: 'customer', subject: id, customerId: customerId(id) };
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export interface TokenShape {
  header?: Record<string, unknown>;
  secret?: string;
}

/**
 * An HS256 JWT signed here, synchronously, so that tests can also forge what a client could send
 * (another algorithm in the header, a wrong secret, odd claims).
 */
export function signTestToken(claims: Record<string, unknown>, shape: TokenShape = {}): string {
  const header = base64url(JSON.stringify(shape.header ?? { alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac('sha256', shape.secret ?? TEST_AUTH_SECRET)
    .update(`${header}.${payload}`)
    .digest();
  return `${header}.${payload}.${base64url(signature)}`;
}

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

export function adminToken(): string {
  return signTestToken({ sub: 'test-admin', role: 'admin', exp: inAnHour() });
}

export function customerToken(id: string): string {
  return signTestToken({ sub: id, role: 'customer', exp: inAnHour() });
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
