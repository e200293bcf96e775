import { SignJWT } from 'jose';
import type { Role } from '../../../application/access/caller';
import type { TokenChecks } from './jose-token-verifier';

export interface TokenRequest extends TokenChecks {
  role: Role;
  subject: string;
  /** A jose time span: `90s`, `15m`, `1h`, `7d`. */
  ttl: string;
}

/** Signs an HS256 token that a JoseTokenVerifier with the same secret accepts. */
export function signToken(secret: string, request: TokenRequest): Promise<string> {
  const jwt = new SignJWT({ role: request.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(request.subject)
    .setIssuedAt()
    .setExpirationTime(request.ttl);
  if (request.issuer) jwt.setIssuer(request.issuer);
  if (request.audience) jwt.setAudience(request.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
