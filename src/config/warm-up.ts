import { performance } from 'node:perf_hooks';
import type { Logger } from '../application/ports/logger';

/**
 * Something cold at start (a connection not yet opened, code not yet run) that is made ready
 * before the service says it is: the first seconds of a load must meet it warm.
 */
export interface WarmUp {
  name: string;
  run(): Promise<void>;
}

/** A dependency that is down must not hold the start up for long: readiness reports it. */
export const WARM_UP_STEP_TIMEOUT_MS = 5000;

async function timed(step: WarmUp, timeoutMs: number): Promise<string> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`gave up after ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([
      step.run().then(
        () => `${Math.round(performance.now() - started)} ms`,
        (error: unknown) => `failed: ${String(error)}`,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs the steps at once and resolves when each has finished, failed or timed out: a warm-up
 * that fails leaves the service as cold as it was, never unable to start. Logs how each went.
 */
export async function warmUp(
  steps: readonly WarmUp[],
  logger: Logger,
  timeoutMs = WARM_UP_STEP_TIMEOUT_MS,
): Promise<void> {
  if (steps.length === 0) return;
  const outcomes = await Promise.all(steps.map((step) => timed(step, timeoutMs)));
  logger.info(
    'warmed up',
    Object.fromEntries(steps.map((step, index) => [step.name, outcomes[index]])),
  );
}
