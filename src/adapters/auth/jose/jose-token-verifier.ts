import {
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
      }
  );

const CLOCK_SKEW_SECONDS = 30;
const JWKS_TIMEOUT_MS = 2000;

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
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly options: JWTVerifyOptions;

  constructor(options: JoseVerifierOptions) {
    const jwks = 'jwksUrl' in options;
    this.key = jwks
      ? createRemoteJWKSet(new URL(options.jwksUrl), {
          timeoutDuration: JWKS_TIMEOUT_MS,
          cacheMaxAge: options.jwksCacheMaxAgeMs,
          cooldownDuration: options.jwksCooldownMs,
        })
      : new TextEncoder().encode(options.secret);
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
      if (INVALID_TOKEN.some((kind) => error instanceof kind)) return null;
      throw new DependencyUnavailableError('identity provider');
    }
  }
}
