/**
 * Retries `check` until it stops throwing or the deadline passes, then rethrows its last error.
 * For asynchronous outcomes (a worker settling an order): never a fixed sleep.
 */
export async function eventually<T>(
  check: () => Promise<T> | T,
  { timeoutMs = 20000, intervalMs = 25 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
