import type { Context } from 'koa';
import { authorise, type Operation } from '../../../application/access/access-policy';
import type { AuthenticateCaller } from '../../../application/access/authenticate-caller';
import type { Caller } from '../../../application/access/caller';
import type { ThrottleRequests } from '../../../application/access/throttle-requests';
import type { RateLimitVerdict } from '../../../application/ports/rate-limiter';
import { HttpProblem } from './error-middleware';

/**
 * Who may reach an endpoint: callers with a token, for one of the policy's operations; anyone,
 * within the anonymous rate limit (`public`); or anyone, always (`system`: a load balancer's
 * probes must never be refused).
 */
export type Access = Operation | 'public' | 'system';

export type CallerOf<A extends Access> = A extends Operation ? Caller : null;

/** RFC 6750's `Bearer` scheme, carrying a JWS in compact form (base64url parts, no padding). */
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+) *$/i;
const SAYS_BEARER = /^Bearer(?: |$)/i;

/**
 * Runs before a request is validated, so that an anonymous caller learns nothing from 422s:
 * authenticates the bearer token, takes the request from its caller's rate budget, and refuses a
 * role the policy never lets perform the operation.
 */
export class AccessGuard {
  /** Anonymous addresses refused lately, until when; bounded so a spread of addresses cannot grow it. */
  private readonly refusedUntil = new Map<string, number>();

  constructor(
    private readonly authenticate: AuthenticateCaller,
    private readonly throttle: ThrottleRequests,
  ) {}

  async admit<A extends Access>(ctx: Context, access: A): Promise<CallerOf<A>> {
    if (access === 'system') return null as CallerOf<A>;
    if (access === 'public') {
      await this.take(ctx, null);
      return null as CallerOf<A>;
    }
    ctx.set('Cache-Control', 'no-store');
    const header = ctx.get('Authorization');
    const token = BEARER.exec(header)?.[1];
    let caller: Caller | null;
    try {
      caller = token ? await this.authenticate.execute(token) : null;
    } catch (error) {
      // Whoever cannot be told apart from an anonymous caller pays as one.
      await this.take(ctx, null);
      throw error;
    }
    if (!caller) {
      await this.take(ctx, null);
      throw unauthenticated(SAYS_BEARER.test(header));
    }
    await this.take(ctx, caller);
    authorise(caller, access as Operation);
    return caller as CallerOf<A>;
  }

  /**
   * Whether a public read may start before its verdict: not for an address refused lately, whose
   * reads would otherwise still cost the work that the limit is there to spare.
   */
  mayReadAhead(ctx: Context): boolean {
    const until = this.refusedUntil.get(ctx.ip);
    return until === undefined || until < Date.now();
  }

  private async take(ctx: Context, caller: Caller | null): Promise<void> {
    const verdict = await this.throttle.execute(caller, ctx.ip);
    if (!verdict) return;
    const headers = rateLimitHeaders(caller ? 'customer' : 'anonymous', verdict);
    if (!verdict.allowed) {
      if (!caller) this.rememberRefusal(ctx.ip, verdict.resetSeconds);
      throw new HttpProblem('RATE_LIMITED', 'Too many requests; retry after Retry-After seconds', {
        ...headers,
        'Retry-After': String(verdict.resetSeconds),
      });
    }
    for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
  }

  private rememberRefusal(address: string, seconds: number): void {
    if (this.refusedUntil.size >= MAX_REMEMBERED_REFUSALS) this.refusedUntil.clear();
    this.refusedUntil.set(address, Date.now() + seconds * 1000);
  }
}

const MAX_REMEMBERED_REFUSALS = 10_000;

function unauthenticated(tokenSent: boolean): HttpProblem {
  return tokenSent
    ? new HttpProblem('UNAUTHENTICATED', 'The bearer token is not valid', {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      })
    : new HttpProblem('UNAUTHENTICATED', 'Send a bearer token: Authorization: Bearer <JWT>', {
        'WWW-Authenticate': 'Bearer',
      });
}

/** The IETF httpapi RateLimit fields, one policy named for the bucket. */
function rateLimitHeaders(policy: string, verdict: RateLimitVerdict): Record<string, string> {
  return {
    'RateLimit-Policy': `"${policy}";q=${verdict.quota};w=${verdict.windowSeconds}`,
    RateLimit: `"${policy}";r=${verdict.remaining};t=${verdict.resetSeconds}`,
  };
}
