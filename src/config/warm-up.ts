import type { RequestListener } from 'node:http';
import { performance } from 'node:perf_hooks';
import { serverOptions } from '../adapters/http/koa/server-options';
import { sendWarmUpRequests } from '../adapters/http/koa/warm-up-requests';
import type { Logger } from '../application/ports/logger';
import { TOKENS } from '../application/ports/tokens';
import { RehearseOrderProcessing } from '../application/system/rehearse-order-processing';
import type { AppConfig } from './config';
import type { Composition } from './container';
import { resolve } from './bindings';

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

/**
 * Rounds of warm-up requests, and clients sending them at once: enough for the hot paths to be
 * optimised before the first real request (BENCHMARKS.md, "Ready means ready at full speed").
 */
const WARM_UP_ROUNDS = 500;
const WARM_UP_CLIENTS = 32;
/** Rounds of the order path (64 orders each) on rows that are rolled back. */
const REHEARSAL_ROUNDS = 10;
/**
 * Each of the two runs starts no round after this long: a store that answers slowly or not at all
 * leaves the service as cold as it was, and starting no later.
 */
const WARM_UP_WITHIN_MS = 10_000;

/** Stores, settles and refunds orders in transactions that are rolled back (see the use case). */
export async function rehearseOrderPath(composition: Composition, logger: Logger): Promise<void> {
  const started = performance.now();
  const rehearsal = composition.container.get(RehearseOrderProcessing);
  try {
    let outcome = {};
    for (
      let round = 0;
      round < REHEARSAL_ROUNDS && performance.now() - started < WARM_UP_WITHIN_MS;
      round += 1
    ) {
      outcome = await rehearsal.execute();
    }
    logger.info('rehearsed the order path', {
      ms: Math.round(performance.now() - started),
      outcome,
    });
  } catch (error) {
    logger.warn('rehearsing the order path failed; serving cold', { error: String(error) });
  }
}

/** Runs the app's request paths on a loopback port of its own, before the service listens. */
export async function warmUpRequestPaths(
  handler: RequestListener,
  composition: Composition,
  config: AppConfig,
  logger: Logger,
): Promise<void> {
  const ids = resolve(composition.container, TOKENS.IdGenerator);
  const started = performance.now();
  try {
    const answers = await sendWarmUpRequests(handler, serverOptions(config.httpLimits), {
      rounds: WARM_UP_ROUNDS,
      clients: WARM_UP_CLIENTS,
      withinMs: WARM_UP_WITHIN_MS,
      nextId: () => ids.next(),
      customerToken: composition.customerToken,
    });
    logger.info('warmed up the request paths', {
      ms: Math.round(performance.now() - started),
      answers,
    });
  } catch (error) {
    logger.warn('warming up the request paths failed; serving cold', { error: String(error) });
  }
}
