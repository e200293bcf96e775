import { randomBytes } from 'node:crypto';
import type { Container } from 'inversify';
import type { Clock } from '../../application/ports/clock';
import type { Logger } from '../../application/ports/logger';
import type { TokenVerifier } from '../../application/ports/token-verifier';
import { TOKENS } from '../../application/ports/tokens';
import { signToken } from '../../adapters/auth/jose/jose-token-issuer';
import { CachedTokenVerifier } from '../../adapters/auth/cached/cached-token-verifier';
import {
  CLOCK_SKEW_SECONDS,
  JoseTokenVerifier,
} from '../../adapters/auth/jose/jose-token-verifier';
import type { AuthConfig } from '../config';
import type { WarmUp } from '../warm-up';
import { bindValue } from '../bindings';

const EMBEDDED_ADMIN_TTL = '24h';

/** Signs a token for a customer: what the warm-up's requests carry. */
export type CustomerTokenSigner = (subject: string) => Promise<string>;

/** Long enough for the warm-up, too short to matter should one leak. */
const WARM_UP_TOKEN_TTL = '1m';

/**
 * A verified token is reused for at most a minute (a key withdrawn by the identity provider is
 * refused within it), and at most this many are remembered: a few MB at most.
 */
const TOKEN_REUSE = {
  maxReuseMs: 60_000,
  maxTokens: 10_000,
  expirySkewMs: CLOCK_SKEW_SECONDS * 1000,
};

/**
 * Binds the token verifier. In embedded mode with nothing configured it makes a secret that lives
 * as long as the process, and prints an admin token signed with it, so a first try needs no setup.
 * Resolves with a signer of customer tokens when the service holds the secret; null otherwise.
 */
export async function bindAuth(
  container: Container,
  config: AuthConfig | null,
  clock: Clock,
  logger: Logger,
  warmUps: WarmUp[],
): Promise<CustomerTokenSigner | null> {
  if (!config) return null;
  const checks = { issuer: config.issuer, audience: config.audience };
  const bindVerifier = (verifier: TokenVerifier) =>
    bindValue(
      container,
      TOKENS.TokenVerifier,
      new CachedTokenVerifier(verifier, TOKEN_REUSE, clock),
    );
  const signer =
    (secret: string): CustomerTokenSigner =>
    (subject) =>
      signToken(secret, { role: 'customer', subject, ttl: WARM_UP_TOKEN_TTL, ...checks });
  switch (config.verify) {
    case 'secret':
      bindVerifier(new JoseTokenVerifier({ secret: config.secret, ...checks }));
      return signer(config.secret);
    case 'jwks': {
      const verifier = new JoseTokenVerifier({ jwksUrl: config.url, ...checks });
      bindVerifier(verifier);
      warmUps.push({ name: 'identity provider keys', run: () => verifier.warm() });
      return null;
    }
    case 'generated': {
      const secret = randomBytes(32).toString('base64url');
      bindVerifier(new JoseTokenVerifier({ secret, ...checks }));
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
      return signer(secret);
    }
  }
}
