/** Every knob of the scripts comes from `-e NAME=value` (k6's __ENV); a bad value stops the run. */

export const BASE_URL = (__ENV.BASE_URL || 'http://localhost:8000').replace(/\/+$/, '');

export function positiveInt(name: string, fallback: number): number {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  }
  return Number(raw);
}

/** How long teardown waits for the worker before it judges what it sees. */
export const SETTLE_TIMEOUT_MS = positiveInt('SETTLE_TIMEOUT_MS', 60000);

/**
 * How long teardown re-reads stock and balances before it compares them: product reads go
 * through the cache, which the contract lets lag a change by up to 1 second.
 */
export const STATE_TIMEOUT_MS = positiveInt('STATE_TIMEOUT_MS', 5000);

const MIN_SECRET_LENGTH = 32;

/**
 * The deployment's own AUTH_JWT_SECRET, which the scripts sign their tokens with (lib/auth.ts).
 * Every script needs it: setup() makes its data as an admin.
 */
export const AUTH_JWT_SECRET = __ENV.AUTH_JWT_SECRET ?? '';
if (AUTH_JWT_SECRET.length < MIN_SECRET_LENGTH) {
  throw new Error(
    `AUTH_JWT_SECRET must be set to the service's own (at least ${MIN_SECRET_LENGTH} characters)`,
  );
}

/** Claims the deployment checks when it sets AUTH_JWT_ISSUER / AUTH_JWT_AUDIENCE. */
export const AUTH_JWT_ISSUER = __ENV.AUTH_JWT_ISSUER || undefined;
export const AUTH_JWT_AUDIENCE = __ENV.AUTH_JWT_AUDIENCE || undefined;
