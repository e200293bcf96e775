/** Whose budget a request is taken from: a customer's, or an anonymous client address's. */
export interface RateBucket {
  kind: 'customer' | 'anonymous';
  key: string;
}

/** What a limiter decided for one request, with what the `RateLimit` headers report. */
export interface RateLimitVerdict {
  allowed: boolean;
  /** The bucket's sustained quota: `quota` requests per `windowSeconds`. */
  quota: number;
  windowSeconds: number;
  /** Requests left in the current window. */
  remaining: number;
  /** Whole seconds until the window resets; when refused, until a retry can succeed (≥ 1). */
  resetSeconds: number;
}

/**
 * Token buckets per customer and per anonymous client address. A limiter shared between processes
 * falls back to limits of its own process while the shared store is unreachable: it never rejects
 * for that reason.
 */
export interface RateLimiter {
  /** Takes one request from the bucket; null when this kind of bucket is not limited. */
  take(bucket: RateBucket): Promise<RateLimitVerdict | null>;
}
