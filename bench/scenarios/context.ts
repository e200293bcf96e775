import type { HttpTarget } from '../load/http-client';
import type { BenchOptions } from '../options';
import type { ProcessMemory } from '../report/results';
import type { ServiceEnvironment } from '../service/environment';
import { sampleMemory } from '../service/memory-sampler';
import type { RunningChild } from '../service/service-process';

/** What every scenario runs against: the service's two processes and their environment. */
export interface ScenarioContext {
  target: HttpTarget;
  env: ServiceEnvironment;
  api: RunningChild;
  worker: RunningChild;
  options: BenchOptions;
  /** Unique to this run: seeds unique emails. */
  runId: string;
  log(line: string): void;
}

/** The API's and the worker's memory peaks from now until stop(). */
export function measureMemory(context: ScenarioContext): { stop(): ProcessMemory } {
  const api = sampleMemory(context.api.pid);
  const worker = sampleMemory(context.worker.pid);
  return { stop: () => ({ api: api.stop(), worker: worker.stop() }) };
}

export const count = (rate: number, seconds: number) => Math.max(1, Math.round(rate * seconds));
