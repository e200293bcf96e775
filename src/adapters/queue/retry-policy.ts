/** How every queue adapter retries a job whose handler rejected. */
export interface RetryPolicy {
  /** Attempts before a job is dead-lettered. */
  maxAttempts: number;
  /** Delay before the second attempt; doubled for each one after. */
  backoffMs: number;
}

/** The delay before the attempt that follows `failedAttempt` (1-based). */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number): number {
  return policy.backoffMs * 2 ** (failedAttempt - 1);
}
