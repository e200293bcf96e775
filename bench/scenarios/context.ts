import type { HttpTarget } from '../load/http-client';
import type { BenchOptions } from '../options';
import type { ProcessMemory } from '../report/results';
import { pidOf, watchCpuPerOrder } from '../service/cpu-usage';
import type { Driver, ServiceEnvironment } from '../service/environment';
import { sampleMemory } from '../service/memory-sampler';
import type { RunningChild } from '../service/service-process';

/** What every scenario runs against: the service's processes and their environment. */
export interface ScenarioContext {
  /** Anonymous requests, like a shop's visitors reading products. */
  target: HttpTarget;
  /** The operator's requests: customers, products, deposits and restocks. */
  admin: HttpTarget;
  env: ServiceEnvironment;
  /** The process that serves HTTP; in single-process mode the worker too. */
  api: RunningChild;
  /** Null in single-process mode. */
  worker: RunningChild | null;
  options: BenchOptions;
  /** Unique to this run: seeds unique emails. */
  runId: string;
  /** The MariaDB the service uses, when the bench started its own; otherwise the one running. */
  mariadbPid?: number;
  log(line: string): void;
}

/** The API's and the worker's memory peaks from now until stop(). */
export function measureMemory(context: ScenarioContext): { stop(): ProcessMemory } {
  const api = sampleMemory(context.api.pid);
  const worker = context.worker ? sampleMemory(context.worker.pid) : null;
  return { stop: () => ({ api: api.stop(), worker: worker?.stop() ?? null }) };
}

/** The process of the server each driver queues its jobs on. */
const BROKER_COMMAND: Record<Driver, string> = { rabbitmq: 'beam.smp', bullmq: 'redis-server' };

/** The CPU time of the API, the worker, MariaDB and the broker from now until stop(orders). */
export function measureCpuPerOrder(context: ScenarioContext) {
  return watchCpuPerOrder({
    api: context.api.pid,
    worker: context.worker?.pid ?? null,
    mariadb: context.mariadbPid ?? pidOf('mariadbd'),
    broker: pidOf(BROKER_COMMAND[context.env.driver]),
    generator: process.pid,
  });
}

export const count = (rate: number, seconds: number) => Math.max(1, Math.round(rate * seconds));
