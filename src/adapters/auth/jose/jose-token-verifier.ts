import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { DependencyUnavailableError } from '../../../application/errors';
import type { TokenVerifier } from '../../../application/ports/token-verifier';

export interface TokenChecks {
  /** Checked when set: the `iss` and `aud` claims must match. */
  issuer?: string;
  audience?: string;
}

export type JoseVerifierOptions = TokenChecks &
  (
    | { secret: string }
    | {
        jwksUrl: string;
        /** How long fetched keys are trusted before the set is fetched again. */
        jwksCacheMaxAgeMs?: number;
        /** The least time between two fetches that a token with an unknown key can cause. */
        jwksCooldownMs?: number;
        /** After a failed fetch, how long tokens are checked against the keys at hand. */
        jwksRetryAfterFailureMs?: number;
      }
  );

/** How far past `exp` (and before `nbf`) a token is still accepted: clocks disagree. */
export const CLOCK_SKEW_SECONDS = 30;
const JWKS_TIMEOUT_MS = 2000;
const JWKS_RETRY_AFTER_FAILURE_MS = 5000;

/** What a token can be wrong in; any other failure means its keys could not be had. */
const INVALID_TOKEN = [
  errors.JWTClaimValidationFailed,
  errors.JWTExpired,
  errors.JWTInvalid,
  errors.JWSInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
];

/**
 * Verifies JWTs with jose: HS256 against a shared secret, or RS256/ES256 against an identity
 * provider's key set, which jose caches and fetches again when a token names a key it has not
 * seen (a rotation). Only those algorithms are accepted, and `exp` is required.
 */
export class JoseTokenVerifier implements TokenVerifier {
  private readonly key: Uint8Array | ProviderKeys;
  private readonly options: JWTVerifyOptions;

  constructor(options: JoseVerifierOptions) {
    const jwks = 'jwksUrl' in options;
    this.key = jwks ? providerKeys(options) : new TextEncoder().encode(options.secret);
    this.options = {
      algorithms: jwks ? ['RS256', 'ES256'] : ['HS256'],
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_SKEW_SECONDS,
      issuer: options.issuer,
      audience: options.audience,
    };
  }

  async verify(token: string): Promise<Readonly<Record<string, unknown>> | null> {
    try {
      const { payload } = await (typeof this.key === 'function'
        ? jwtVerify(token, this.key, this.options)
        : jwtVerify(token, this.key, this.options));
      return payload;
    } catch (error) {
      if (isTokenError(error)) return null;
      throw new DependencyUnavailableError('identity provider');
    }
  }

  /** Fetches the identity provider's keys, which the first token would otherwise wait for. */
  async warm(): Promise<void> {
    if (typeof this.key === 'function') await this.key.reload();
  }
}

const isTokenError = (error: unknown) => INVALID_TOKEN.some((kind) => error instanceof kind);

/** The provider's keys for jwtVerify, and a way to fetch them before any token asks. */
type ProviderKeys = JWTVerifyGetKey & { reload(): Promise<void> };

/**
 * The identity provider's keys. jose holds back a new fetch only after a successful one, so while
 * the provider fails, every token naming an unknown key would fetch again: for a while after a
 * failure, tokens are checked against the keys last fetched (an unknown key is then an invalid
 * token), and only a service that never had any answers that the provider is unavailable.
 */
function providerKeys(options: Extract<JoseVerifierOptions, { jwksUrl: string }>): ProviderKeys {
  const remote = createRemoteJWKSet(new URL(options.jwksUrl), {
    timeoutDuration: JWKS_TIMEOUT_MS,
    cacheMaxAge: options.jwksCacheMaxAgeMs,
    cooldownDuration: options.jwksCooldownMs,
  });
  const retryAfterFailureMs = options.jwksRetryAfterFailureMs ?? JWKS_RETRY_AFTER_FAILURE_MS;
  let failedAt = Number.NEGATIVE_INFINITY;
  const keys: JWTVerifyGetKey = async (header, token) => {
    if (Date.now() - failedAt < retryAfterFailureMs) {
      const lastFetched = remote.jwks();
      if (!lastFetched) throw new DependencyUnavailableError('identity provider');
      return createLocalJWKSet(lastFetched)(header, token);
    }
    try {
      return await remote(header, token);
    } catch (error) {
      if (!isTokenError(error)) failedAt = Date.now();
      throw error;
    }
  };
  return Object.assign(keys, { reload: () => remote.reload() });
}
