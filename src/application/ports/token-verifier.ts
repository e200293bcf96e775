/**
 * Checks a bearer token's signature, algorithm, expiry, issuer and audience. Resolves its claims,
 * or null when the token is not valid; rejects only when it cannot tell (the identity provider's
 * keys cannot be fetched).
 */
export interface TokenVerifier {
  verify(token: string): Promise<Readonly<Record<string, unknown>> | null>;
}
