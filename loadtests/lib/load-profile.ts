import type { ConstantArrivalRateScenario, PerVUIterationsScenario, Threshold } from 'k6/options';
import type { Endpoint } from './api.ts';
import { positiveInt } from './env.ts';

/**
 * Tag of every request made by the load itself. Setup and teardown requests lack it, so the
 * latency thresholds judge the load only.
 */
const LOAD_TAGS = { phase: 'load' };

/** The latency metric of one endpoint under load, for a threshold key. */
export function latencyOf(endpoint: Endpoint): string {
  return `http_req_duration{endpoint:${endpoint},phase:${LOAD_TAGS.phase}}`;
}

/**
 * Exactly `iterations` starts at `perSecond`, open model. Expressed as `rate: iterations` per
 * `timeUnit: <whole run>` so a run of N orders is N starts even when N / perSecond is not whole
 * (k6 wants a run of at least 1 s).
 *
 * VUs by Little's law: a VU runs one iteration at a time, so `perSecond × iteration time` VUs
 * are busy at once. The pre-allocated VUs cover iterations of `iterationMs`; `maxVUs` lets k6 add
 * VUs for iterations of up to 1 s, but adding a VU mid-run is slow and k6 drops the starts it has
 * no VU for, which the `dropped_iterations` threshold fails. Override with VUS and MAX_VUS.
 */
export function constantArrivalRate(options: {
  iterations: number;
  perSecond: number;
  iterationMs: number;
}): ConstantArrivalRateScenario {
  const { iterations, perSecond, iterationMs } = options;
  const runMs = Math.max(1000, Math.round((iterations * 1000) / perSecond));
  const preAllocatedVUs = positiveInt('VUS', Math.ceil((perSecond * iterationMs) / 1000));
  const maxVUs = positiveInt('MAX_VUS', Math.max(preAllocatedVUs, Math.ceil(perSecond)));
  return {
    executor: 'constant-arrival-rate',
    rate: iterations,
    timeUnit: `${runMs}ms`,
    duration: `${runMs}ms`,
    preAllocatedVUs,
    maxVUs,
    tags: LOAD_TAGS,
  };
}

/** A burst: `vus` VUs, initialised before the start, each run one iteration at once. */
export function simultaneous(vus: number): PerVUIterationsScenario {
  return {
    executor: 'per-vu-iterations',
    vus,
    iterations: 1,
    maxDuration: '60s',
    tags: LOAD_TAGS,
  };
}

/**
 * What every script demands besides its own latency limits: no failed request, no failed check
 * (teardown's state checks included), nothing dropped by k6, and a final state that teardown
 * judged (`final_state_ok` has no samples, hence rate 0, if teardown never got that far).
 */
export const ALWAYS: Record<string, Threshold[]> = {
  http_req_failed: ['rate==0'],
  checks: ['rate==1'],
  dropped_iterations: ['count==0'],
  final_state_ok: ['rate==1'],
};
