import { randomBytes } from 'node:crypto';
import type { Container } from 'inversify';
import type { Logger } from '../../application/ports/logger';
import { TOKENS } from '../../application/ports/tokens';
import { signToken } from '../../adapters/auth/jose/jose-token-issuer';
import { JoseTokenVerifier } from '../../adapters/auth/jose/jose-token-verifier';
import type { AuthConfig } from '../config';

const EMBEDDED_ADMIN_TTL = '24h';

/**
 * Binds the token verifier. In embedded mode with nothing configured it makes a secret that lives
 * as long as the process, and prints an admin token signed with it, so a first try needs no setup.
 */
export async function bindAuth(
  container: Container,
  config: AuthConfig | null,
  logger: Logger,
): Promise<void> {
  if (!config) return;
  const checks = { issuer: config.issuer, audience: config.audience };
  switch (config.verify) {
    case 'secret':
      container
        .bind(TOKENS.TokenVerifier)
        .toConstantValue(new JoseTokenVerifier({ secret: config.secret, ...checks }));
      return;
    case 'jwks':
      container
        .bind(TOKENS.TokenVerifier)
        .toConstantValue(new JoseTokenVerifier({ jwksUrl: config.url, ...checks }));
      return;
    case 'generated': {
      const secret = randomBytes(32).toString('base64url');
      container
        .bind(TOKENS.TokenVerifier)
        .toConstantValue(new JoseTokenVerifier({ secret, ...checks }));
      const adminToken = await signToken(secret, {
        role: 'admin',
        subject: 'embedded-admin',
        ttl: EMBEDDED_ADMIN_TTL,
        ...checks,
      });
      logger.warn(
        `EMBEDDED MODE: send "Authorization: Bearer <adminToken>" (valid ${EMBEDDED_ADMIN_TTL}, ` +
          'until this process exits). For customer tokens, start with AUTH_JWT_SECRET set ' +
          '(32+ characters) and run: npm run token -- --role customer --sub <customer id>',
        { adminToken },
      );
      return;
    }
  }
}
