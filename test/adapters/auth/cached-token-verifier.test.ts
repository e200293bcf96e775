import { CachedTokenVerifier } from '../../../src/adapters/auth/cached/cached-token-verifier';
import type { TokenVerifier } from '../../../src/application/ports/token-verifier';
import { ManualClock } from '../../support/fakes';

const SKEW_MS = 30_000;
const MAX_REUSE_MS = 60_000;

/** Accepts the tokens it is given claims for, counting the checks that reach it. */
class CountingVerifier implements TokenVerifier {
  checks = 0;
  failure: Error | null = null;
  readonly valid = new Map<string, Record<string, unknown>>();

  async verify(token: string): Promise<Readonly<Record<string, unknown>> | null> {
    this.checks += 1;
    if (this.failure) throw this.failure;
    return this.valid.get(token) ?? null;
  }
}

describe('CachedTokenVerifier', () => {
  let clock: ManualClock;
  let inner: CountingVerifier;
  let verifier: CachedTokenVerifier;
  const nowSeconds = () => clock.now().getTime() / 1000;

  beforeEach(() => {
    clock = new ManualClock();
    inner = new CountingVerifier();
    verifier = new CachedTokenVerifier(
      inner,
      { maxReuseMs: MAX_REUSE_MS, maxTokens: 2, expirySkewMs: SKEW_MS },
      clock,
    );
  });

  it('checks a token once and answers its claims again without checking', async () => {
    const claims = { sub: 'c1', role: 'customer', exp: nowSeconds() + 3600 };
    inner.valid.set('t1', claims);

    expect(await verifier.verify('t1')).toEqual(claims);
    clock.advance(MAX_REUSE_MS - 1);
    expect(await verifier.verify('t1')).toEqual(claims);

    expect(inner.checks).toBe(1);
  });

  it('checks again once the reuse period is over: a withdrawn key is noticed', async () => {
    inner.valid.set('t1', { sub: 'c1', role: 'customer', exp: nowSeconds() + 3600 });
    await verifier.verify('t1');
    inner.valid.delete('t1');
    clock.advance(MAX_REUSE_MS);

    expect(await verifier.verify('t1')).toBeNull();
    expect(inner.checks).toBe(2);
  });

  it('never answers for a token past its expiry and the clock skew', async () => {
    const exp = nowSeconds() + 10;
    inner.valid.set('t1', { sub: 'c1', role: 'customer', exp });
    await verifier.verify('t1');
    inner.valid.delete('t1');

    clock.advance(10_000 + SKEW_MS - 1);
    expect(await verifier.verify('t1')).not.toBeNull();
    clock.advance(1);
    expect(await verifier.verify('t1')).toBeNull();
  });

  it('checks a refused token every time, so invalid tokens fill no memory', async () => {
    expect(await verifier.verify('forged')).toBeNull();
    expect(await verifier.verify('forged')).toBeNull();
    expect(inner.checks).toBe(2);
  });

  it('passes a failure to check on, and remembers nothing of it', async () => {
    inner.failure = new Error('identity provider unavailable');
    await expect(verifier.verify('t1')).rejects.toThrow('identity provider unavailable');
    inner.failure = null;
    inner.valid.set('t1', { sub: 'c1', role: 'customer', exp: nowSeconds() + 60 });

    expect(await verifier.verify('t1')).not.toBeNull();
  });

  it('remembers at most maxTokens tokens, forgetting the oldest first', async () => {
    for (const token of ['t1', 't2', 't3']) {
      inner.valid.set(token, { sub: token, role: 'customer', exp: nowSeconds() + 3600 });
      await verifier.verify(token);
    }
    inner.checks = 0;

    await verifier.verify('t2');
    await verifier.verify('t3');
    expect(inner.checks).toBe(0);
    await verifier.verify('t1');
    expect(inner.checks).toBe(1);
  });
});
