import { formatMs } from '../load/histogram';
import {
  errorCount,
  type SaturationResult,
  type SaturationStep,
  type StreamResult,
} from '../report/results';
import { TARGETS } from './targets';

export interface SaturationPlan {
  startRate: number;
  factor: number;
  maxSteps: number;
  criterion: string;
}

/**
 * Steps the arrival rate up from the requirement by `factor` and stops at the first step that
 * does not hold; the highest rate held is the saturation point. When the requirement itself does
 * not hold, steps down instead until one does, so that the figure still says where capacity is.
 */
export async function findSaturation(
  plan: SaturationPlan,
  runStep: (rate: number) => Promise<SaturationStep>,
  log: (line: string) => void,
): Promise<SaturationResult> {
  const steps: SaturationStep[] = [];
  const step = async (index: number) => {
    const result = await runStep(Math.round(plan.startRate * plan.factor ** index));
    steps.push(result);
    log(`  step ${result.rate}/s: ${result.held ? 'held' : `did not hold (${result.why})`}`);
    return result;
  };
  const result = (highestHeld: number | null, stoppedBecause: string): SaturationResult => ({
    criterion: plan.criterion,
    steps,
    highestHeld,
    stoppedBecause,
  });

  const first = await step(0);
  if (!first.held) {
    for (let index = -1; index >= -plan.maxSteps; index -= 1) {
      const lower = await step(index);
      if (lower.held) return result(lower.rate, `${first.rate}/s did not hold: ${first.why}`);
    }
    return result(null, `no step down to ${steps.at(-1)?.rate}/s held: ${first.why}`);
  }
  for (let index = 1; index < plan.maxSteps; index += 1) {
    const higher = await step(index);
    if (!higher.held) return result(steps.at(-2)?.rate ?? null, `${higher.rate}/s: ${higher.why}`);
  }
  return result(steps.at(-1)?.rate ?? null, `the step limit (${plan.maxSteps} steps) was reached`);
}

function describeErrors(errors: Record<string, number>): string {
  return Object.entries(errors)
    .map(([key, count]) => `${key} ×${count}`)
    .join(', ');
}

/** One step of one or more streams side by side, judged against a p99 target. */
export function judgeStep(
  rate: number,
  streams: readonly StreamResult[],
  targetP99Ms: number,
): SaturationStep {
  const errors: Record<string, number> = {};
  for (const stream of streams) {
    for (const [key, count] of Object.entries(stream.errors)) {
      errors[`${stream.endpoint}: ${key}`] = count;
    }
  }
  const lagP50Ms = Math.max(...streams.map((stream) => stream.lag.p50));
  const lagP99Ms = Math.max(...streams.map((stream) => stream.lag.p99));
  const slow = streams.filter((stream) => stream.latency.p99 > targetP99Ms);
  const why = streams.some((stream) => errorCount(stream) > 0)
    ? `errors: ${describeErrors(errors)}`
    : streams.some((stream) => stream.generatorBehind)
      ? `the load generator fell behind (lag p50 ${formatMs(lagP50Ms)})`
      : slow.length > 0
        ? slow
            .map((s) => `${s.endpoint} p99 ${formatMs(s.latency.p99)} > ${targetP99Ms} ms`)
            .join('; ')
        : null;
  return {
    rate,
    held: why === null,
    why,
    p99Ms: Object.fromEntries(streams.map((stream) => [stream.endpoint, stream.latency.p99])),
    errors,
    lagP99Ms,
  };
}

/** A step of orders holds only if the worker also kept pace with the arrivals. */
export function judgeProcessing(step: SaturationStep, processedPerSecond: number | null) {
  const pace = processedPerSecond ?? 0;
  const keptPace = pace >= step.rate * TARGETS.processedShare;
  const why =
    step.why ??
    (keptPace
      ? null
      : `the worker settled ${pace}/s, under ${TARGETS.processedShare * 100}% of ${step.rate}/s`);
  return { ...step, held: why === null, why, processedPerSecond: pace };
}
