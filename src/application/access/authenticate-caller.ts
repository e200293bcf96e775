import { customerId } from '../../domain/shared/ids';
import type { TokenVerifier } from '../ports/token-verifier';
import { ROLES, type Caller, type Role } from './caller';

const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);

/** Turns a bearer token into the caller it names, or null when it names nobody valid. */
export class AuthenticateCaller {
  constructor(private readonly verifier: TokenVerifier) {}

  async execute(token: string): Promise<Caller | null> {
    const claims = await this.verifier.verify(token);
    if (!claims) return null;
    const { sub, role } = claims;
    if (typeof sub !== 'string' || sub.length === 0 || !isRole(role)) return null;
    return role === 'admin'
      ? { role, subject: sub }
      : { role, subject: sub, customerId: customerId(sub) };
  }
}
