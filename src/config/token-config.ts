import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../application/access/caller';
import type { TokenRequest } from '../adapters/auth/jose/jose-token-issuer';
import { ConfigError, loadTokenEnvironment } from './config';

export const TOKEN_USAGE = `usage: AUTH_JWT_SECRET=… npm run token -- --role admin|customer --sub ID [--ttl 1h]

Prints a bearer token signed with AUTH_JWT_SECRET (HS256), with AUTH_JWT_ISSUER and
AUTH_JWT_AUDIENCE as its iss and aud when they are set. For a customer, --sub is its id.
--ttl is how long it is valid: 90s, 15m, 1h, 7d (default 1h).`;

export type TokenConfig = { help: true } | { help: false; secret: string; request: TokenRequest };

const TTL = /^\d+ ?(s|sec|secs|m|min|mins|h|hr|hrs|d|day|days|w|week|weeks)$/;

/** Throws ConfigError, naming the variable or option, for anything it cannot use. */
export function loadTokenConfig(
  args: string[],
  env?: Record<string, string | undefined>,
): TokenConfig {
  let values: { role?: string; sub?: string; ttl?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        role: { type: 'string' },
        sub: { type: 'string' },
        ttl: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new ConfigError('the arguments', `are not understood (${(error as Error).message})`);
  }
  if (values.help) return { help: true };
  const role = values.role;
  if (!(ROLES as readonly (string | undefined)[]).includes(role)) {
    throw new ConfigError('--role', `must be one of ${ROLES.join(', ')}`);
  }
  const subject = values.sub?.trim();
  if (!subject) throw new ConfigError('--sub', 'is required (for a customer, its id)');
  const ttl = values.ttl?.trim() ?? '1h';
  if (!TTL.test(ttl))
    throw new ConfigError('--ttl', `must look like 90s, 15m, 1h or 7d, got "${ttl}"`);
  const { secret, issuer, audience } = loadTokenEnvironment(env);
  return { help: false, secret, request: { role: role as Role, subject, ttl, issuer, audience } };
}
