import type { Clock } from '../../../application/ports/clock';
import type { TokenVerifier } from '../../../application/ports/token-verifier';

export interface CachedTokenVerifierOptions {
  /**
   * The longest a verification is reused: a key the identity provider withdraws, or a changed
   * issuer setting, is noticed within this long even for a token that has not expired.
   */
  maxReuseMs: number;
  /** The most tokens remembered; past it the oldest goes first, so memory stays bounded. */
  maxTokens: number;
  /** How far past `exp` the inner verifier still accepts a token (its clock tolerance). */
  expirySkewMs: number;
}

interface Verified {
  claims: Readonly<Record<string, unknown>>;
  reusableUntil: number;
}

/**
 * Remembers the claims of tokens verified lately, keyed by the exact token: a client sends the
 * same token with every request, and checking its signature again is most of the cost of an
 * authenticated request. Only valid tokens are remembered (a refused one is checked every time,
 * so garbage cannot fill the memory), never past their expiry.
 */
export class CachedTokenVerifier implements TokenVerifier {
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly inner: TokenVerifier,
    private readonly options: CachedTokenVerifierOptions,
    private readonly clock: Clock,
  ) {}

  async verify(token: string): Promise<Readonly<Record<string, unknown>> | null> {
    const now = this.clock.now().getTime();
    const known = this.verified.get(token);
    if (known && known.reusableUntil > now) return known.claims;
    this.verified.delete(token);
    const claims = await this.inner.verify(token);
    if (claims && typeof claims.exp === 'number') this.remember(token, claims, claims.exp, now);
    return claims;
  }

  private remember(
    token: string,
    claims: Readonly<Record<string, unknown>>,
    expSeconds: number,
    now: number,
  ): void {
    const reusableUntil = Math.min(
      expSeconds * 1000 + this.options.expirySkewMs,
      now + this.options.maxReuseMs,
    );
    if (reusableUntil <= now) return;
    if (this.verified.size >= this.options.maxTokens) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(token, { claims, reusableUntil });
  }
}
